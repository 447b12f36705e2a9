import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { densityStats } from './volume.js';

describe('densityStats', () => {
  it('min, max, mean and RMS deviation as a naive float64 pass gives them, non-finite values left out', () => {
    const r = seededRandom(3);
    // A large offset: the shifted sums must not lose the RMS to cancellation.
    const data = Float32Array.from({ length: 150_001 }, () => 1000 + r() * 4 - 2);
    data[100_000] = NaN;
    data[7] = Infinity;
    let n = 0,
      s = 0,
      lo = Infinity,
      hi = -Infinity;
    for (const v of data) if (Number.isFinite(v)) [n, s, lo, hi] = [n + 1, s + v, Math.min(lo, v), Math.max(hi, v)];
    const mean = s / n;
    let ss = 0;
    for (const v of data) if (Number.isFinite(v)) ss += (v - mean) ** 2;
    const got = densityStats(data);
    expect(got.nonFinite).toBe(2);
    expect([got.min, got.max]).toEqual([lo, hi]);
    expect(got.mean).toBeCloseTo(mean, 9);
    expect(got.rms / Math.sqrt(ss / n)).toBeCloseTo(1, 9);
  });
});
