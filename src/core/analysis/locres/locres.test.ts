import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, HAS_SHARED, shared, textOf } from '../../../../test/paths.js';
import { LOCRES_CASE as c, buildLocresCase, sideMasks } from '../../../../test/relion-cases.js';
import { readMrc } from '../../io/mrc/read.js';
import type { CheckedMap } from '../../model/checked-map.js';
import { createVolume } from '../../model/volume.js';
import {
  addNoise,
  applyBfactor,
  atomsToMap,
  ellipsoidAtoms,
  gaussianRandom,
  standardDeviation,
} from '../../simulate/maps.js';
import { seededRandom } from '../../util/random.js';
import { computeFsc } from '../fsc/suite.js';
import { localResolution } from './locres.js';
import { readLocres } from './reading.js';
import { samplePoints } from './windows.js';
import { checked } from '../../../../test/checked.js';

const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1]!;

describe('local resolution against relion_postprocess --locres', () => {
  it('two halves with B 20 and B 300: the blurred side is worse, per-side medians within 15 % of RELION', () => {
    const { half1, half2 } = buildLocresCase();
    const v = (d: Float32Array): CheckedMap =>
      checked(createVolume(c.n, c.n, c.n, [c.pixelSizeA, c.pixelSizeA, c.pixelSizeA], d));
    const r = localResolution(v(half1), v(half2), { pixelSizeA: c.pixelSizeA }, null);
    const sides = sideMasks(
      c.n,
      half1.map((x, i) => 0.5 * (x + half2[i]!)),
    );
    const side = (m: Uint8Array): number => median(Array.from(r.locres).filter((x, i) => m[i] && x > 0));
    const ref = JSON.parse(textOf(fixture('relion', 'locres-twob', 'medians.json'))) as {
      leftMedianA: number;
      rightMedianA: number;
    };
    const left = side(sides.left),
      right = side(sides.right);
    expect(right).toBeGreaterThan(1.15 * left);
    expect(Math.abs(left / ref.leftMedianA - 1)).toBeLessThan(0.15);
    expect(Math.abs(right / ref.rightMedianA - 1)).toBeLessThan(0.15);
  });

  it.skipIf(!HAS_SHARED)(
    'relion-1tii-128: same 54 sample points; median and 5–95 % within the mask within 15 % of RELION',
    () => {
      const d = 'data/relion-1tii-128/';
      const map = (f: string): CheckedMap => checked(readMrc(bytesOf(shared(d + f))).volume);
      const r = localResolution(map('half1.mrc'), map('half2.mrc'), { pixelSizeA: 1.1 }, null);
      expect(r.points).toHaveLength(54);
      const reading = readLocres(r.locres, 128, 1.1, map('mask.mrc').data, 3.352);
      const ref = JSON.parse(textOf(fixture('relion', 'locres-1tii', 'medians.json'))) as {
        medianInMaskA: number;
        p5A: number;
        p95A: number;
      };
      expect(Math.abs(reading.medianA / ref.medianInMaskA - 1)).toBeLessThan(0.15);
      expect(Math.abs(reading.percentilesA.p5 / ref.p5A - 1)).toBeLessThan(0.15);
      expect(Math.abs(reading.percentilesA.p95 / ref.p95A - 1)).toBeLessThan(0.15);
    },
  );
});

describe('blocres method', () => {
  it('a larger window, no randomisation: still finds the blurred side worse', () => {
    const { half1, half2 } = buildLocresCase();
    const v = (d: Float32Array): CheckedMap =>
      checked(createVolume(c.n, c.n, c.n, [c.pixelSizeA, c.pixelSizeA, c.pixelSizeA], d));
    const r = localResolution(v(half1), v(half2), { pixelSizeA: c.pixelSizeA, method: 'blocres' }, 3);
    expect(r.method).toBe('blocres');
    expect(r.randomizeFromA).toBeNull();
    // 6 × 3 Å = 18 Å diameter: radius and edge 4.5 Å → 4 voxels each at 1.2 Å.
    expect(r.windowA).toBeCloseTo(19.2, 6);
    const sides = sideMasks(
      c.n,
      half1.map((x, i) => 0.5 * (x + half2[i]!)),
    );
    const side = (m: Uint8Array): number => median(Array.from(r.locres).filter((x, i) => m[i] && x > 0));
    expect(side(sides.right)).toBeGreaterThan(1.1 * side(sides.left));
  });
});

describe('known answers', () => {
  it('a statistically uniform map: flat distribution whose median is the global FSC resolution', () => {
    const n = 96,
      px = 1.2,
      rnd = seededRandom(3);
    const atoms = ellipsoidAtoms(20000, [80, 80, 80], rnd).filter(
      (a) => Math.abs(a.xA) < 56 && Math.abs(a.yA) < 56 && Math.abs(a.zA) < 56,
    );
    const truth = applyBfactor(atomsToMap(atoms, n, px, 0.8), n, px, 60);
    const g = gaussianRandom(rnd);
    const sigma = 1.5 * standardDeviation(truth);
    const v = (d: Float32Array): CheckedMap => checked(createVolume(n, n, n, [px, px, px], d));
    const [u1, u2] = [addNoise(truth, sigma, g), addNoise(truth, sigma, g)];
    const global = computeFsc(v(u1), v(u2), { pixelSizeA: px, mask: null }).result.resolutionA!;
    const reading = readLocres(localResolution(v(u1), v(u2), { pixelSizeA: px }, global).locres, n, px, null, global);
    expect(Math.abs(reading.medianA / global - 1)).toBeLessThan(0.05);
    expect(reading.percentilesA.p95 / reading.percentilesA.p5).toBeLessThan(1.15);
    expect(reading.warnings.map((w) => w.code)).not.toContain('locres-gradient');
  });

  const sphere = (n: number, value: (x: number, y: number, z: number, r: number) => number): Float32Array => {
    const map = new Float32Array(n ** 3);
    for (let i = 0; i < map.length; i++) {
      const [x, y, z] = [(i % n) - n / 2, (Math.floor(i / n) % n) - n / 2, Math.floor(i / n / n) - n / 2];
      const r = Math.hypot(x, y, z);
      map[i] = r <= 20 ? value(x, y, z, r) : 0;
    }
    return map;
  };

  it('a core-vs-periphery gradient is read and flagged', () => {
    // 3 Å out to r = 14 voxels (a third of the volume), 8 Å beyond: core = inner half of the volume.
    const reading = readLocres(
      sphere(48, (_x, _y, _z, r) => (r <= 14 ? 3 : 8)),
      48,
      1,
      null,
      3.5,
    );
    expect(reading.coreA).toBe(3);
    expect(reading.peripheryA).toBe(8);
    expect(reading.warnings.map((w) => w.code)).toContain('locres-gradient');
  });

  it('a worse lobe is found as a region, with its position', () => {
    const reading = readLocres(
      sphere(48, (x) => (x >= 12 ? 8 : 3)),
      48,
      1,
      null,
      3,
    );
    expect(reading.medianA).toBe(3);
    expect(reading.regions).toHaveLength(1);
    expect(reading.regions[0]!.medianA).toBe(8);
    expect(reading.regions[0]!.centroidA[0]).toBeGreaterThan(12);
    expect(Math.abs(reading.regions[0]!.centroidA[1])).toBeLessThan(1);
  });

  it('RELION’s sampling grid: starts at the first voxel, keeps points inside n/2 − radius', () => {
    const pts = samplePoints(128, 23, 11);
    expect(pts).toHaveLength(54);
    expect(pts.every((p) => Math.hypot(p.x - 64, p.y - 64, p.z - 64) < 53)).toBe(true);
    expect(new Set(pts.map((p) => p.x))).toEqual(
      new Set([23, 46, 69, 92, 115].filter((x) => pts.some((p) => p.x === x))),
    );
  });
});
