import DataLoader from 'dataloader';
import { badInput } from '#common/errors.js';
import { batchOptions } from './loaders.js';
import { parsePeriod } from './period.js';

/** A `HospitalPeriod` reference (its @key), as the gateway sends it and as `Hospital.<domain>(period:)` builds it. */
export interface HospitalPeriodKey {
  hospitalCode: string;
  period: string;
}

/** How a domain adds up its per-month figures (docs/architecture.md, "The domain contract" — HospitalPeriod). */
export interface MonthlyFigures<M, F> {
  /**
   * The per-month sums of these hospitals in these months, keyed `hospitalCode|month` — one SQL
   * statement (GROUP BY hospital, month) for a whole batch of hospital-periods.
   */
  loadMonths(hospitalCodes: string[], months: string[]): Promise<Map<string, M>>;
  /** The figures of a month with no rows. */
  zero(): M;
  /** Two months (or a running sum and a month) added. */
  add(sum: M, month: M): M;
  /** The served figures of a period from the sum of its months (rates, `sufficient`). */
  finish(sum: M, key: HospitalPeriodKey, months: string[]): F;
}

/**
 * A loader of a domain's figures for many hospital-periods: every key of a batch (any mix of months,
 * quarters and years) is answered from one `loadMonths` call over the union of their hospitals and
 * months, and a quarter or year is the sum of its months — never a separate count that could disagree.
 * A malformed period is BAD_USER_INPUT naming `period`.
 */
export function hospitalPeriodLoader<M, F>(figures: MonthlyFigures<M, F>): DataLoader<HospitalPeriodKey, F, string> {
  return new DataLoader<HospitalPeriodKey, F, string>(
    async (keys) => {
      const parsed = keys.map((k) => {
        const p = parsePeriod(k.period);
        return p.ok ? { key: k, months: p.value.months } : badInput('period', p.reason);
      });
      const hospitals = new Set<string>();
      const months = new Set<string>();
      for (const p of parsed) {
        if (p instanceof Error) continue;
        hospitals.add(p.key.hospitalCode);
        for (const m of p.months) months.add(m);
      }
      const byMonth = hospitals.size ? await figures.loadMonths([...hospitals], [...months].sort()) : new Map<string, M>();
      return parsed.map((p) => {
        if (p instanceof Error) return p;
        const sum = p.months.reduce(
          (acc, m) => figures.add(acc, byMonth.get(`${p.key.hospitalCode}|${m}`) ?? figures.zero()),
          figures.zero(),
        );
        return figures.finish(sum, p.key, p.months);
      });
    },
    { ...batchOptions, cacheKeyFn: (k) => `${k.hospitalCode}|${k.period}` },
  );
}

/** A rate, or null when the denominator is 0 (no tenders: no rate, not a rate of 0). */
export const rate = (count: number, of: number): number | null => (of > 0 ? count / of : null);
