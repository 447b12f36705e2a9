import { describe, expect, it } from 'vitest';
import { countNonFinite, pearson, quantile, quantiles, valueRange } from './stats.js';
import { seededRandom } from './random.js';

describe('pearson', () => {
  it('is ±1 for exact linear relations and 0 for a constant series', () => {
    const x = [1, 2, 3, 4, 5];
    expect(pearson(x, [3, 5, 7, 9, 11])).toBeCloseTo(1, 12);
    expect(pearson(x, [5, 4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson(x, [2, 2, 2, 2, 2])).toBe(0);
  });
  it('matches the textbook value on a small case, and on a window', () => {
    // x = 1…5, y = 2, 4, 5, 4, 5: Sxy = 6, Sxx = 10, Syy = 6 → r = 6 / √60 = 0.7746.
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
    // The window 1..3 of the same series: x = 2, 3, 4, y = 4, 5, 4 → Sxy = 0 → r = 0.
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5], 1, 3)).toBeCloseTo(0, 12);
  });
});

describe('quantiles', () => {
  it('nearest-rank quantiles as a full sort gives them, several from one pass, ties and one bin shared', () => {
    const r = seededRandom(5);
    const values = Float32Array.from({ length: 100_003 }, () => (r() < 0.1 ? 7 : r() * 1000 - 500));
    const sorted = Float32Array.from(values).sort();
    const qs = [0, 0.01, 0.5, 0.5, 0.99, 1 - 1e-9];
    const exact = qs.map((q) => sorted[Math.min(values.length - 1, Math.floor(q * values.length))]!);
    expect(quantiles(values, qs)).toEqual(exact);
    expect(qs.map((q) => quantile(values, q))).toEqual(exact);
    expect(quantiles(new Float32Array(10).fill(3), [0.1, 0.9])).toEqual([3, 3]);
  });
});

describe('valueRange and countNonFinite', () => {
  it('agree with a naive pass across block boundaries, a NaN and ±∞ found where they are', () => {
    const r = seededRandom(9);
    const values = Float32Array.from({ length: 200_003 }, () => r() * 2 - 1);
    values[150_000] = 7.5;
    values[70] = -3.25;
    let lo = Infinity,
      hi = -Infinity;
    for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(valueRange(values)).toEqual([lo, hi]);
    expect(valueRange(values)).toEqual([-3.25, 7.5]);
    expect(countNonFinite(values)).toEqual({ count: 0, first: -1 });
    values[131_077] = NaN;
    values[199_999] = -Infinity;
    values[65_600] = Infinity;
    expect(countNonFinite(values)).toEqual({ count: 3, first: 65_600 });
    expect(countNonFinite(Float64Array.of(1, 2, NaN))).toEqual({ count: 1, first: 2 });
  });
});
