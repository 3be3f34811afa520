/**
 * Quartiles and Tukey fences exactly as Cardinal computes them (open-contracting/cardinal-rs), so a
 * flag raised here agrees with Cardinal's on the same data.
 *
 * - Quartiles: statrs 0.16 `Data::lower_quartile` / `upper_quartile` / `percentile`, i.e. `quantile(τ)`
 *   with h = (n + 1/3)·τ + 1/3 (Hyndman & Fan type 8, R's `quantile(type = 8)`), clamped to min / max
 *   (statrs src/statistics/slice_statistics.rs `OrderStatistics::quantile`; Cardinal Cargo.toml `statrs = "0.16"`).
 * - Fences: `(q3 - q1).mul_add(-1.5, q1)` and `(q3 - q1).mul_add(1.5, q3)` — a fused multiply-add, one
 *   rounding (cardinal-rs src/indicators/r024.rs, r038.rs, r048.rs, r058.rs); reproduced with {@link fma}.
 * - Inclusive comparisons: a value ON the fence is flagged (`ratio <= lower_fence`, `ratio >= upper_fence`;
 *   docs/cli/indicators/R/024.md "less than or equal to the lower fence", 038.md "greater than or equal to").
 */

export interface Fences {
  n: number;
  q1: number;
  q3: number;
  iqr: number;
  lower: number;
  upper: number;
}

/** statrs `quantile(tau)` on an ascending array (type 8). NaN for an empty array or τ outside [0, 1]. */
export function quantile(sorted: readonly number[], tau: number): number {
  const n = sorted.length;
  if (tau < 0 || tau > 1 || n === 0) return Number.NaN;
  const h = (n + 1 / 3) * tau + 1 / 3;
  const hf = Math.trunc(h);
  if (hf <= 0 || tau === 0) return sorted[0]!;
  if (hf >= n || tau === 1) return sorted[n - 1]!;
  const a = sorted[hf - 1]!;
  const b = sorted[hf]!;
  return a + (h - hf) * (b - a);
}

/** statrs `percentile(p)` = `quantile(p / 100)` — Cardinal's R025 "top tenderer" cut (p = 75). */
export const percentile = (values: readonly number[], p: number): number => quantile(ascending(values), p / 100);

const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * Cardinal's raw quartiles and fences, with no guard: null only for an empty set. The indicators add
 * their own guards (e.g. R038 `upper_fence > 0`); {@link tukeyFences} adds the hub's "no flag when IQR = 0".
 */
export function cardinalFences(values: readonly number[]): Fences | null {
  if (values.length === 0) return null;
  const sorted = ascending(values);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  return { n: sorted.length, q1, q3, iqr, lower: fma(iqr, -1.5, q1), upper: fma(iqr, 1.5, q3) };
}

/**
 * Tukey fences Q1 − 1.5·IQR and Q3 + 1.5·IQR, or null when there are fewer than `minCount` values or the
 * IQR is 0 (DOMAIN.md "Procurement red flags": no flag when IQR = 0 — a fence equal to the quartiles
 * would flag every value at the mode).
 */
export function tukeyFences(values: readonly number[], options: { minCount?: number } = {}): Fences | null {
  if (values.length < Math.max(1, options.minCount ?? 1)) return null;
  const fences = cardinalFences(values);
  return fences === null || fences.iqr === 0 ? null : fences;
}

/** Inclusive: a value exactly on the lower fence is an outlier. */
export const atOrBelow = (value: number, fence: number): boolean => value <= fence;

/** Inclusive: a value exactly on the upper fence is an outlier. */
export const atOrAbove = (value: number, fence: number): boolean => value >= fence;

/**
 * a·b + c with a single rounding, as Rust's `f64::mul_add`: exact in BigInt, rounded once by
 * `Number(bigint)` (round-half-even). Falls back to a·b + c outside the range where that is exact.
 */
export function fma(a: number, b: number, c: number): number {
  // With a zero operand a·b + c already rounds once; non-finite values have no exact form.
  if (a === 0 || b === 0 || c === 0 || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  const x = exact(a);
  const y = exact(b);
  const z = exact(c);
  const productExp = x.exp + y.exp;
  const exp = Math.min(productExp, z.exp);
  const sum = ((x.mant * y.mant) << BigInt(productExp - exp)) + (z.mant << BigInt(z.exp - exp));
  if (exp < -1000 || sum.toString(2).length > 1000) return a * b + c;
  return Number(sum) * 2 ** exp;
}

/** A finite double as mant · 2^exp with an integer mantissa. */
function exact(value: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased !== 0) mant |= 1n << 52n;
  return { mant: hi >>> 31 ? -mant : mant, exp: biased === 0 ? -1074 : biased - 1075 };
}
