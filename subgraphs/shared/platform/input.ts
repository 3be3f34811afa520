import { badInput } from '#common/errors.js';
import { hasControlCharacters } from '#common/text.js';

/** Trimmed, non-empty text of bounded length; control characters are refused. */
export function text(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(field, `${field} must not be empty`);
  if (trimmed.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  if (hasControlCharacters(trimmed)) throw badInput(field, `${field} contains control characters`);
  return trimmed;
}

export const optionalText = (field: string, value: string | null | undefined, max = 200): string | null =>
  value === null || value === undefined || value.trim() === '' ? null : text(field, value, max);

export function oneOf<T extends string>(field: string, value: string | null | undefined, allowed: readonly T[]): T | null {
  if (value === null || value === undefined) return null;
  if (!(allowed as readonly string[]).includes(value)) throw badInput(field, `${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function intInRange(field: string, value: number | null | undefined, min: number, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `${field} must be an integer from ${min} to ${max}`);
  return value;
}
