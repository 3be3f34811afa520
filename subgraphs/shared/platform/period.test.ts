import { describe, expect, it } from 'vitest';
import { monthOf, parsePeriod, periodsOfMonth, PeriodScalar } from './period.js';

const ok = (text: string) => {
  const r = parsePeriod(text);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('Period', () => {
  it('reads months, quarters and years as their months', () => {
    expect(ok('2025-06').months).toEqual(['2025-06']);
    expect(ok('2025-Q2').months).toEqual(['2025-04', '2025-05', '2025-06']);
    expect(ok('2025').months).toHaveLength(12);
    expect(ok('2025').kind).toBe('YEAR');
  });

  it('bounds a period in Asia/Shanghai (UTC+8)', () => {
    const june = ok('2025-06');
    expect(june.start.toISOString()).toBe('2025-05-31T16:00:00.000Z');
    expect(june.end.toISOString()).toBe('2025-06-30T16:00:00.000Z');
    expect(ok('2025-Q4').end.toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('buckets an instant by its Shanghai month, not its UTC month', () => {
    expect(monthOf(new Date('2025-06-30T16:30:00Z'))).toBe('2025-07');
    expect(monthOf(new Date('2025-06-30T15:59:59Z'))).toBe('2025-06');
    expect(periodsOfMonth('2025-08')).toEqual(['2025-08', '2025-Q3', '2025']);
  });

  it('refuses anything else with a reason', () => {
    for (const bad of ['2025-13', '2025-Q5', '2025-6', '25', '2025-00', '1900', 'June']) {
      const r = parsePeriod(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(() => PeriodScalar.parseValue('2025-Q0')).toThrow(/quarter/);
    expect(() => PeriodScalar.parseValue(202506)).toThrow(/string/);
    expect(PeriodScalar.parseValue('2025-Q3')).toBe('2025-Q3');
  });
});
