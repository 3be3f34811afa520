/**
 * Parsing the cells of the procurement CSV feeds: each parser returns the value or a FeedError naming
 * the column, so a bad cell rejects its row with the reason (never a crash, never a silent default).
 */
import type { FeedError } from '#platform/feed/types.js';
import { validateProductCode, type ProductKind } from '#platform/validation/product-code.js';
import { validateUscc } from '#platform/validation/uscc.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: FeedError };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(code: string, column: string, message: string): Parsed<T> => ({
  ok: false,
  error: { code, field: column, message: `${column}: ${message}` },
});

/** The cell of `column`, or of its alias (the Chinese header of the platform's export), trimmed; '' when absent. */
export function cell(row: unknown, column: string, aliases: Record<string, string> = {}): string {
  if (typeof row !== 'object' || row === null) return '';
  const record = row as Record<string, unknown>;
  const alias = aliases[column];
  const value = record[column] ?? (alias === undefined ? undefined : record[alias]);
  return typeof value === 'string' ? value.trim() : '';
}

export function required(value: string, column: string, max: number): Parsed<string> {
  if (value === '') return fail('REQUIRED', column, 'is required');
  if (value.length > max) return fail('FORMAT', column, `must be at most ${max} characters`);
  return ok(value);
}

/**
 * A non-negative decimal with at most `scale` fraction digits and `precision` digits in all (the column's
 * DECIMAL(precision, scale)), as normalised text; thousands separators are refused, not guessed at.
 */
export function decimal(
  value: string,
  column: string,
  precision: number,
  scale: number,
  opts: { positive?: boolean } = {},
): Parsed<string> {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return fail('DECIMAL', column, `'${value}' is not a decimal number ≥ 0 (digits, one '.' )`);
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return fail('DECIMAL', column, `'${value}' has more than ${scale} decimal places`);
  if (whole.length > precision - scale)
    return fail('DECIMAL', column, `'${value}' is too large (at most ${precision - scale} integer digits)`);
  if (opts.positive && /^0*$/.test(whole + fraction)) return fail('DECIMAL', column, 'must be greater than 0');
  return ok(fraction ? `${whole}.${fraction}` : whole);
}

export function integer(value: string, column: string, min: number, max: number): Parsed<number> {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) return fail('INTEGER', column, `'${value}' is not an integer ${min}–${max}`);
  return ok(n);
}

const TRUE = new Set(['是', 'true', '1', 'y', 'yes']);
const FALSE = new Set(['否', 'false', '0', 'n', 'no']);

export function boolean(value: string, column: string): Parsed<boolean> {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return ok(true);
  if (FALSE.has(v)) return ok(false);
  return fail('BOOLEAN', column, `'${value}' is not 是/否, true/false or 1/0`);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/i;
const isDay = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A calendar date YYYY-MM-DD (kept as text for a DATE column). */
export function date(value: string, column: string): Parsed<string> {
  const m = DATE.exec(value);
  if (!m || !isDay(Number(m[1]), Number(m[2]), Number(m[3]))) return fail('DATE', column, `'${value}' is not a date YYYY-MM-DD`);
  return ok(value);
}

/** A date (midnight) or date-time; Asia/Shanghai (UTC+8, no DST since 1991) when it carries no offset. */
export function instant(value: string, column: string): Parsed<Date> {
  const m = DATE.test(value) ? DATE_TIME.exec(`${value}T00:00`) : DATE_TIME.exec(value);
  if (!m || !isDay(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
    return fail('DATE', column, `'${value}' is not a date or date-time (YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], optional offset)`);
  }
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${ms ?? ''}${zone ?? '+08:00'}`;
  return ok(new Date(iso));
}

/**
 * A pure check's answers for the codes seen lately: a feed's codes repeat (a city has some thousands of
 * suppliers and products against millions of order lines), and their check characters cost more than
 * a look-up. Bounded: cleared when full.
 */
export function remembered<T>(check: (value: string) => T, capacity = 50_000): (value: string) => T {
  const seen = new Map<string, T>();
  return (value) => {
    let answer = seen.get(value);
    if (answer === undefined) {
      if (seen.size >= capacity) seen.clear();
      seen.set(value, (answer = check(value)));
    }
    return answer;
  };
}

const checkUscc = remembered(validateUscc);
const checkProductCode = remembered(validateProductCode);

export function uscc(value: string, column: string, opts: { optional?: boolean } = {}): Parsed<string | null> {
  if (value === '' && opts.optional) return ok(null);
  const r = checkUscc(value);
  return r.ok ? ok(r.value) : fail('USCC', column, r.reason);
}

export function productCode(value: string, column: string): Parsed<{ code: string; kind: ProductKind }> {
  const r = checkProductCode(value);
  return r.ok ? ok({ code: r.value, kind: r.kind }) : fail('PRODUCT_CODE', column, r.reason);
}
