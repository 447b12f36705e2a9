import { describe, expect, it } from 'vitest';
import { pearson } from './stats.js';

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
