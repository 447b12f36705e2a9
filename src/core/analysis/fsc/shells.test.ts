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

  it('Σ F1·F2*, Σ|F1|², Σ|F2|² per shell equal a plain loop; counts are the caller’s own', () => {
    const n = 12;
    const r = seededRandom(4);
    const f1 = Float32Array.from({ length: n ** 3 }, () => r() - 0.5),
      f2 = Float32Array.from({ length: n ** 3 }, () => r() - 0.5);
    const a = rfft3d(f1, n, n, n),
      b = rfft3d(f2, n, n, n);
    const map = shellIndexMap(n, n, n);
    const want = [0, 1, 2].map(() => new Array<number>(n / 2 + 1).fill(0));
    for (let i = 0; i < map.length; i++) {
      const s = map[i]!;
      if (s < 0) continue;
      const [ar, ai, br, bi] = [a.data[2 * i]!, a.data[2 * i + 1]!, b.data[2 * i]!, b.data[2 * i + 1]!];
      want[0]![s]! += ar * br + ai * bi;
      want[1]![s]! += ar * ar + ai * ai;
      want[2]![s]! += br * br + bi * bi;
    }
    const first = shellSums(a, b, map);
    [first.num, first.den1, first.den2].forEach((got, k) =>
      got.forEach((v, s) => expect(v).toBeCloseTo(want[k]![s]!, 8)),
    );
    const counts = Array.from(first.count);
    first.count.fill(-1);
    first.fullCount.fill(-1);
    const again = shellSums(a, b, map);
    expect(Array.from(again.count)).toEqual(counts);
    expect(again.fullCount[3]!).toBeGreaterThan(0);
  });

  it('the shell map is round(|k|) of every stored voxel, −1 past the last shell', () => {
    for (const [nx, ny, nz] of [
      [16, 16, 16],
      [17, 12, 9],
      [300, 2, 3],
    ] as const) {
      const map = shellIndexMap(nx, ny, nz);
      const nxh = Math.floor(nx / 2) + 1;
      let i = 0;
      for (let z = 0; z < nz; z++)
        for (let y = 0; y < ny; y++)
          for (let x = 0; x < nxh; x++, i++) {
            const s = Math.round(Math.hypot(x, signedFrequency(y, ny), signedFrequency(z, nz)));
            expect(map[i]).toBe(s <= nx / 2 ? s : -1);
          }
    }
  });

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
