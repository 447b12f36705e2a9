import { describe, expect, it } from 'vitest';
import { signedFrequency } from '../../fourier/rfft3d.js';
import { seededRandom } from '../../util/random.js';
import { rfft3d } from '../../fourier/rfft3d.js';
import { shellIndexMap, shellSums } from './shells.js';
import { thresholdCurve } from './criteria.js';

// Voxel counts per shell against a brute-force count over the whole box (not only the stored
// half): fullCount drives the half-bit and 3σ curves and the 1/√N noise of the overfitting test.
function bruteForceCounts(n: number): number[] {
  const counts = new Array<number>(Math.floor(n / 2) + 1).fill(0);
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const kx = signedFrequency(x, n),
          ky = signedFrequency(y, n),
          kz = signedFrequency(z, n);
        const s = Math.round(Math.sqrt(kx * kx + ky * ky + kz * kz));
        if (s < counts.length) counts[s]!++;
      }
  return counts;
}

describe('shell sums', () => {
  for (const n of [16, 17]) {
    it(`${n}³: full-sphere counts equal a brute-force count over the whole box`, () => {
      const r = seededRandom(n);
      const f = Float32Array.from({ length: n ** 3 }, () => r() - 0.5);
      const s = rfft3d(f, n, n, n);
      const sums = shellSums(s, s, shellIndexMap(n, n, n));
      expect(Array.from(sums.fullCount)).toEqual(bruteForceCounts(n));
      // Half the sphere is stored: about half the full count, never more.
      for (let i = 1; i < sums.count.length; i++) {
        expect(sums.count[i]!).toBeLessThanOrEqual(sums.fullCount[i]!);
        expect(sums.count[i]! / sums.fullCount[i]!).toBeGreaterThan(0.45);
      }
    });
  }

  it('half-bit threshold falls with shell size (van Heel & Schatz 2005): ≈ 0.2 at 10 000 voxels', () => {
    const n = 64;
    const counts = bruteForceCounts(n);
    const t = thresholdCurve('half-bit', counts);
    // Shell 28 of a 64³ box holds ≈ 4π·28² ≈ 9 900 voxels.
    expect(counts[28]!).toBeGreaterThan(9000);
    expect(t[28]!).toBeGreaterThan(0.17);
    expect(t[28]!).toBeLessThan(0.23);
    expect(t[5]!).toBeGreaterThan(t[28]!);
  });
});
