import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '#common/errors.js';

/**
 * Reporting periods (docs/architecture.md, "The domain contract" — Periods): a month `2025-06`, a
 * quarter `2025-Q2` or a year `2025`, always in Asia/Shanghai. Figures are kept per month; a quarter
 * or a year is the sum of its months, so the three can never disagree.
 */
export type PeriodKind = 'MONTH' | 'QUARTER' | 'YEAR';

export interface Period {
  text: string;
  kind: PeriodKind;
  /** Its months, `YYYY-MM`, in order. */
  months: string[];
  /** First instant of the period in Asia/Shanghai, and the first instant after it. */
  start: Date;
  end: Date;
}

export type PeriodResult = { ok: true; value: Period } | { ok: false; reason: string };

const FORM = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$/;
/** China has kept UTC+8 all year since 1991: a month's bounds are fixed offsets from UTC. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

const monthText = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;
const shanghaiStart = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1) - SHANGHAI_OFFSET_MS);

export function parsePeriod(text: string): PeriodResult {
  const m = FORM.exec(text.trim());
  if (!m) return { ok: false, reason: `a period is a month (2025-06), a quarter (2025-Q2) or a year (2025), got ${JSON.stringify(text)}` };
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, reason: `period year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}` };
  const [kind, first, count]: [PeriodKind, number, number] = m[2]
    ? ['MONTH', Number(m[2]), 1]
    : m[3]
      ? ['QUARTER', (Number(m[3]) - 1) * 3 + 1, 3]
      : ['YEAR', 1, 12];
  const months = Array.from({ length: count }, (_, i) => monthText(year, first + i));
  const last = first + count - 1;
  const end = last === 12 ? shanghaiStart(year + 1, 1) : shanghaiStart(year, last + 1);
  return { ok: true, value: { text: m[0], kind, months, start: shanghaiStart(year, first), end } };
}

/** A period's months (a filter's `period`), or BAD_USER_INPUT naming `field`. */
export function periodMonths(field: string, text: string): string[] {
  const period = parsePeriod(text);
  if (!period.ok) throw badInput(field, period.reason);
  return period.value.months;
}

/** The Asia/Shanghai month (`YYYY-MM`) an instant falls in: the bucket of every figure. */
export function monthOf(instant: Date): string {
  const shifted = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return monthText(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1);
}

/** The periods of a month: itself, its quarter and its year (what a month's figures add up into). */
export function periodsOfMonth(month: string): string[] {
  const [year, m] = month.split('-');
  return [month, `${year}-Q${Math.floor((Number(m) - 1) / 3) + 1}`, year!];
}

const invalid = (reason: string) => new GraphQLError(reason, { extensions: { code: 'BAD_USER_INPUT' } });

function parseOrThrow(value: unknown): string {
  if (typeof value !== 'string') throw invalid('Period must be a string like "2025-06", "2025-Q2" or "2025"');
  const result = parsePeriod(value);
  if (!result.ok) throw invalid(result.reason);
  return result.value.text;
}

/** The `Period` scalar: validated in one place, served as its canonical text. */
export const PeriodScalar = new GraphQLScalarType<string, string>({
  name: 'Period',
  serialize: (value) => parseOrThrow(value),
  parseValue: (value) => parseOrThrow(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('Period must be a string like "2025-06", "2025-Q2" or "2025"');
    return parseOrThrow(ast.value);
  },
  description: undefined,
  specifiedByURL: undefined,
});
