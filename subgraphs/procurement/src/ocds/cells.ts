// Turning JSON values into table cells (#platform/db/bulk.js Cell): arrays as PostgreSQL array
// literals and jsonb as JSON text, both of which COPY's text format and bound parameters accept.
import type { Cell } from '#platform/db/bulk.js';
import { isObject, type Json, type JsonObject } from './compile.js';

export const text = (v: Json | undefined): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export function instant(v: Json | undefined): Date | null {
  if (typeof v !== 'string') return null;
  const time = Date.parse(v);
  return Number.isNaN(time) ? null : new Date(time);
}

export const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});

export const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** An OCDS Value's amount and currency as cells (currency CNY when none is given). */
export function money(v: Json | undefined): [Cell, Cell] {
  const value = obj(v);
  const amount = typeof value['amount'] === 'number' ? value['amount'] : null;
  return [amount, text(value['currency']) ?? 'CNY'];
}

export const clip = (s: string | null, n: number): string | null => (s === null ? null : s.slice(0, n));
