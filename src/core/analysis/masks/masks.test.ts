import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, HAS_SHARED, shared } from '../../../../test/paths.js';
import { RELION_CASES, buildCase } from '../../../../test/relion-cases.js';
import { readMrc } from '../../io/mrc/read.js';
import { seededRandom } from '../../util/random.js';
import { squaredDistanceToInside } from './distance.js';
import { densityVoxels } from './density.js';
import { rfft3d } from '../../fourier/rfft3d.js';
import { autoMask, raisedCosine, sphericalMask, validateMask } from './masks.js';
import { createVolume } from '../../model/volume.js';
import { quantile } from '../../util/stats.js';
import { longestDimensionA } from './extent.js';

describe('distance transform', () => {
  it('equals brute force on a random binary volume', () => {
    const [nx, ny, nz] = [9, 7, 6];
    const rnd = seededRandom(5);
    const inside = Uint8Array.from({ length: nx * ny * nz }, () => (rnd() < 0.05 ? 1 : 0));
    inside[17] = 1;
    const d2 = squaredDistanceToInside(inside, nx, ny, nz);
    for (let i = 0; i < inside.length; i++) {
      const [x, y, z] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      let best = Infinity;
      for (let j = 0; j < inside.length; j++)
        if (inside[j])
          best = Math.min(
            best,
            (x - (j % nx)) ** 2 + (y - (Math.floor(j / nx) % ny)) ** 2 + (z - Math.floor(j / (nx * ny))) ** 2,
          );
      expect(d2[i]).toBe(best);
    }
  });

  it('equals brute force with solid blobs (runs of inside voxels) across several 16-line blocks', () => {
    const [nx, ny, nz] = [37, 11, 10];
    const rnd = seededRandom(11);
    const inside = Uint8Array.from({ length: nx * ny * nz }, (_, i) => {
      const [x, y, z] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      const blob = (x - 8) ** 2 / 30 + (y - 5) ** 2 / 9 + (z - 4) ** 2 / 6 <= 1 || (x >= 20 && x < 31 && y < 4);
      return blob || rnd() < 0.01 ? 1 : 0;
    });
    const brute = new Float64Array(inside.length).fill(Infinity);
    for (let i = 0; i < inside.length; i++)
      for (let j = 0; j < inside.length; j++)
        if (inside[j])
          brute[i] = Math.min(
            brute[i]!,
            ((i % nx) - (j % nx)) ** 2 +
              ((Math.floor(i / nx) % ny) - (Math.floor(j / nx) % ny)) ** 2 +
              (Math.floor(i / (nx * ny)) - Math.floor(j / (nx * ny))) ** 2,
          );
    for (const cap of [Infinity, 4]) {
      const d2 = squaredDistanceToInside(inside, nx, ny, nz, cap);
      for (let i = 0; i < inside.length; i++) expect(d2[i]).toBe(brute[i]! <= cap * cap ? brute[i] : Math.fround(1e20));
    }
  });

  it('capped at a distance: the same below it, nothing nearer lost, 1e20 at or beyond it', () => {
    const [nx, ny, nz] = [40, 36, 30];
    const rnd = seededRandom(9);
    const inside = Uint8Array.from({ length: nx * ny * nz }, () => (rnd() < 0.0015 ? 1 : 0));
    const full = squaredDistanceToInside(inside, nx, ny, nz);
    for (const cap of [0, 3, 6]) {
      const capped = squaredDistanceToInside(inside, nx, ny, nz, cap);
      let near = 0;
      for (let i = 0; i < full.length; i++) {
        if (full[i]! <= cap * cap) {
          expect(capped[i]).toBe(full[i]);
          near++;
        } else expect(capped[i]).toBe(Math.fround(1e20));
      }
      expect(near).toBeGreaterThan(0);
    }
  });
});

describe('automatic mask', () => {
  for (const c of RELION_CASES) {
    it(
      `${c.name}: same as relion_mask_create --lowpass 15 --ini_threshold ${c.maskThreshold} --extend_inimask 3 ` +
        `--width_soft_edge 6`,
      () => {
        const { half1, half2 } = buildCase(c);
        const avg = half1.map((v, i) => 0.5 * (v + half2[i]!));
        const ours = autoMask(avg, c.n, c.n, c.n, c.pixelSizeA, { threshold: c.maskThreshold });
        const relion = readMrc(bytesOf(fixture('relion', c.name, 'mask.mrc.gz'))).volume.data;
        let worst = 0;
        for (let i = 0; i < avg.length; i++) worst = Math.max(worst, Math.abs(ours.mask[i]! - relion[i]!));
        expect(worst).toBeLessThan(1e-3);
      },
    );
  }

  it.skipIf(!HAS_SHARED)('data-driven threshold: covers the known particle and leaves most of the box out', () => {
    const rd = (f: string): Float32Array => readMrc(bytesOf(shared('data/relion-1tii-128', f))).volume.data;
    const [h1, h2, truth] = [rd('half1.mrc'), rd('half2.mrc'), rd('truth.mrc')];
    const m = autoMask(
      h1.map((v, i) => 0.5 * (v + h2[i]!)),
      128,
      128,
      128,
      1.1,
    );
    expect(m.thresholdFrom).toBe('data');
    let mass = 0,
      inMask = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = Math.max(0, truth[i]!);
      mass += t;
      inMask += t * m.mask[i]!;
    }
    expect(inMask / mass).toBeGreaterThan(0.97);
    expect(m.volumeFraction).toBeLessThan(0.25);
    expect(m.volumeFraction).toBeGreaterThan(0.03);
  });
});

describe('spherical mask and raised cosine', () => {
  it('1 inside the radius, 0.5 half-way through the edge, 0 beyond', () => {
    const n = 32;
    const m = sphericalMask(n, n, n, 2, 20, 8);
    const at = (x: number): number => m[x + n * (16 + n * 16)]!;
    expect(at(16 + 10)).toBe(1);
    expect(at(16 + 12)).toBeCloseTo(0.5, 6);
    expect(at(16 + 14)).toBe(0);
    expect(raisedCosine(-1, 4)).toBe(1);
    expect(raisedCosine(1, 4)).toBeCloseTo(0.5 + 0.5 * Math.cos(Math.PI / 4), 12);
  });
});

describe('checking a user mask', () => {
  const n = 24;
  const ref = createVolume(n, n, n, [1.5, 1.5, 1.5]);
  it('measures Σ mask and the fraction above 0.5 in the same pass (a direct count agrees)', () => {
    const data = sphericalMask(n, n, n, 1.5, 12, 6);
    const check = validateMask(createVolume(n, n, n, [1.5, 1.5, 1.5], data), ref, 'm.mrc');
    expect(check.warnings).toEqual([]);
    expect(check.sum).toBeCloseTo(
      data.reduce((a, v) => a + v, 0),
      6,
    );
    expect(check.volumeFraction).toBe(data.filter((v) => v > 0.5).length / data.length);
  });
  it('a NaN or infinite voxel is named, whatever else is wrong with the mask', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const data = sphericalMask(n, n, n, 1.5, 12, 6);
      data[1234] = bad;
      expect(() => validateMask(createVolume(n, n, n, [1.5, 1.5, 1.5], data), ref, 'm.mrc')).toThrow(
        expect.objectContaining({ message: expect.stringMatching(/voxel 1234\): mask contains NaN or infinite/) }),
      );
    }
  });
});

describe('quantile', () => {
  it('equals the sorted nearest-rank value', () => {
    const rnd = seededRandom(9);
    const v = Float32Array.from({ length: 10001 }, () => rnd() ** 3);
    const sorted = v.slice().sort();
    for (const q of [0, 0.1, 0.5, 0.9]) expect(quantile(v, q)).toBe(sorted[Math.floor(q * v.length)]);
  });
});

describe('density volume from spectra on a coarse grid', () => {
  it('agrees with the full-grid auto-mask core within 10 %', () => {
    const c = RELION_CASES[0]!;
    const { half1, half2 } = buildCase(c);
    const avg = half1.map((v, i) => 0.5 * (v + half2[i]!));
    const full = autoMask(avg, c.n, c.n, c.n, c.pixelSizeA, { extendPx: 0, softEdgePx: 0 }).coreVoxels;
    const coarse = densityVoxels(rfft3d(half1, c.n, c.n, c.n), rfft3d(half2, c.n, c.n, c.n), c.pixelSizeA);
    expect(Math.abs(coarse / full - 1)).toBeLessThan(0.1);
  });
});

describe('longest dimension from a mask', () => {
  it('a sphere gives its diameter; an ellipsoid its long axis; an empty mask none', () => {
    const n = 48;
    const shape = (a: number, b: number, c: number): Float32Array => {
      const m = new Float32Array(n ** 3);
      for (let z = 0, i = 0; z < n; z++)
        for (let y = 0; y < n; y++)
          for (let x = 0; x < n; x++, i++)
            m[i] = ((x - 24) / a) ** 2 + ((y - 24) / b) ** 2 + ((z - 24) / c) ** 2 <= 1 ? 1 : 0;
      return m;
    };
    // Voxel centres within radius 10 span 21 voxels along an axis.
    expect(longestDimensionA(shape(10, 10, 10), n, 2)).toBeCloseTo(42, 6);
    expect(longestDimensionA(shape(20, 8, 6), n, 1)).toBeCloseTo(41, 6);
    expect(longestDimensionA(new Float32Array(n ** 3), n, 1)).toBeNull();
  });
});
