import { describe, expect, it } from 'vitest';
import { atOrAbove, atOrBelow, cardinalFences, fma, percentile, quantile, tukeyFences } from './fences.js';

describe('quantile (statrs type 8, as Cardinal)', () => {
  it('interpolates at h = (n + 1/3)τ + 1/3', () => {
    // n = 8: h(0.25) = 8⅓·0.25 + ⅓ = 2.41666…, so q1 = x₂ + 0.41666…·(x₃ − x₂) = 2.41666… (R: quantile(1:8, .25, type = 8)).
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(quantile(sorted, 0.25)).toBeCloseTo(2.416667, 6);
    expect(quantile(sorted, 0.75)).toBeCloseTo(6.583333, 6);
  });

  it('clamps to the minimum and maximum, and is NaN for no data', () => {
    expect(quantile([5], 0.25)).toBe(5);
    expect(quantile([5], 0.75)).toBe(5);
    expect(quantile([1, 9], 0.25)).toBe(1); // h = 0.833…, hf = 0 → min
    expect(quantile([1, 9], 0.75)).toBe(9); // h = 2.083…, hf = 2 = n → max
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('percentile(p) is quantile(p / 100) of unsorted input', () => {
    expect(percentile([4, 1, 3, 2], 75)).toBe(quantile([1, 2, 3, 4], 0.75));
  });
});

describe('fences', () => {
  // Sorted, n = 8: q1 interpolates x₂..x₃ = 1..1 → 1, q3 interpolates x₆..x₇ = 3..3 → 3; IQR 2, fences −2 and 6.
  const values = [6, 0, 1, 1, 2, 2, 3, 3];

  it('computes Q1 − 1.5·IQR and Q3 + 1.5·IQR', () => {
    expect(tukeyFences(values)).toEqual({ n: 8, q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 });
  });

  it('flags a value exactly on the fence (inclusive)', () => {
    const fences = tukeyFences(values)!;
    expect(atOrAbove(6, fences.upper)).toBe(true);
    expect(atOrAbove(5.999, fences.upper)).toBe(false);
    expect(atOrBelow(-2, fences.lower)).toBe(true);
    expect(atOrBelow(-1.999, fences.lower)).toBe(false);
  });

  it('is null when the IQR is 0 or there are too few values', () => {
    expect(tukeyFences([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.9])).toBeNull();
    expect(tukeyFences([])).toBeNull();
    expect(tukeyFences([1, 2, 3, 4], { minCount: 5 })).toBeNull();
    expect(tukeyFences([1, 2, 3, 4, 5], { minCount: 5 })).not.toBeNull();
  });

  it('keeps Cardinal’s raw fences when the IQR is 0 (no guard)', () => {
    expect(cardinalFences([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.9])).toMatchObject({ q1: 0.2, q3: 0.2, iqr: 0, upper: 0.2 });
    expect(cardinalFences([])).toBeNull();
  });
});

describe('fma (Rust f64::mul_add)', () => {
  it('rounds once', () => {
    // 0.1 is 0.1000000000000000055511151231257827…; ·10 − 1 exactly is 2⁻⁵⁴ = 5.551115123125783e-17, which two roundings lose.
    expect(0.1 * 10 - 1).toBe(0);
    expect(fma(0.1, 10, -1)).toBe(2 ** -54);
  });

  it('agrees with plain arithmetic where that is exact', () => {
    expect(fma(2, -1.5, 1)).toBe(-2);
    expect(fma(0, 1.5, 0.3)).toBe(0.3);
    expect(fma(0.5, 1.5, 0)).toBe(0.75);
  });
});
