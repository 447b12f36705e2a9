import { describe, expect, it } from 'vitest';
import { bytesOf, HAS_SHARED, shared } from '../../../../test/paths.js';
import { irfft3d, rfft3d, signedFrequency } from '../../fourier/rfft3d.js';
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
import { anisotropy, readAnisotropy } from './anisotropy.js';
import { fscVolume } from './cones.js';
import { fibonacciHemisphere } from './directions.js';
import { sphericityOf } from './sphericity.js';
import { gaussianBlur, isoSurfaceArea } from './surface.js';
import { checked } from '../../../../test/checked.js';

/** Blur along z only: amplitudes × exp(−B·s_z²/4). */
function blurAlongZ(map: Float32Array, n: number, px: number, b: number): Float32Array {
  const spec = rfft3d(map, n, n, n);
  let i = 0;
  for (let z = 0; z < n; z++) {
    const sz = signedFrequency(z, n) / (n * px);
    const g = Math.exp((-b * sz * sz) / 4);
    for (let j = 0; j < n * spec.nxh; j++, i++) {
      spec.data[2 * i] = spec.data[2 * i]! * g;
      spec.data[2 * i + 1] = spec.data[2 * i + 1]! * g;
    }
  }
  return irfft3d(spec);
}

function pair(n: number, px: number, directional: boolean): [CheckedMap, CheckedMap] {
  const rnd = seededRandom(12);
  let truth = applyBfactor(atomsToMap(ellipsoidAtoms(3000, [30, 30, 30], rnd), n, px, 0.8), n, px, 40);
  if (directional) truth = blurAlongZ(truth, n, px, 1200);
  const g = gaussianRandom(rnd);
  const sigma = 0.8 * standardDeviation(truth);
  const v = (d: Float32Array): CheckedMap => checked(createVolume(n, n, n, [px, px, px], d));
  return [v(addNoise(truth, sigma, g)), v(addNoise(truth, sigma, g))];
}

describe('conical FSC and sphericity', () => {
  it.skipIf(!HAS_SHARED)(
    'relion-1tii-128 with its mask: sphericity within 0.003 of 3DFSC’s 0.972 (measured 0.971), best direction 3.00 Å',
    () => {
      const d = 'data/relion-1tii-128/';
      const map = (f: string): CheckedMap => checked(readMrc(bytesOf(shared(d + f))).volume);
      const { result } = anisotropy(map('half1.mrc'), map('half2.mrc'), {
        pixelSizeA: 1.1,
        mask: map('mask.mrc').data,
      });
      expect(Math.abs(result.sphericity - 0.972)).toBeLessThan(0.003);
      expect(result.directionalResolutionA.best).toBeCloseTo(3.0, 1);
      expect(result.directions).toHaveLength(500);
    },
  );

  it('a map blurred along z: clearly less spherical than the isotropic one, worst direction within 10° of z', () => {
    const iso = anisotropy(...pair(64, 1.5, false), { pixelSizeA: 1.5 }).result;
    const dir = anisotropy(...pair(64, 1.5, true), { pixelSizeA: 1.5 }).result;
    expect(iso.sphericity).toBeGreaterThan(0.9);
    expect(dir.sphericity).toBeLessThan(iso.sphericity - 0.1);
    const [x, y, z] = dir.worstDirection;
    expect((Math.acos(Math.abs(z) / Math.hypot(x, y, z)) * 180) / Math.PI).toBeLessThan(10);
    expect(dir.directionalResolutionA.worst! - dir.directionalResolutionA.best!).toBeGreaterThan(1);
    expect(dir.warnings.map((w) => w.code)).toContain('directional-spread');
    expect(dir.cfar).toBeLessThan(iso.cfar);
  });
});

describe('geometry', () => {
  it('iso-surface area of a sphere of radius 20 within 1 % of 4πr²', () => {
    const n = 48;
    const f = new Float32Array(n ** 3);
    for (let i = 0; i < f.length; i++)
      f[i] = 20 - Math.hypot((i % n) - 24, (Math.floor(i / n) % n) - 24, Math.floor(i / n / n) - 24);
    expect(isoSurfaceArea(f, n, n, n, 0) / (4 * Math.PI * 400)).toBeCloseTo(1, 2);
  });

  it('sphericity works in the cube that can hold 1s: same value as the whole padded box, and a spheroid’s', () => {
    // A prolate spheroid (semi-axes 9, 9, 16 voxels) of FSC values falling outward, off-centre in a 64³ box:
    // every voxel ≥ 0.5 has its inward neighbour ≥ 0.5 too, so 3DFSC's binarisation is the threshold.
    const n = 64,
      c = n / 2;
    const f = new Float32Array(n ** 3);
    for (let z = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const q = Math.hypot((x - c) / 9, (y - c) / 9, (z - c) / 16);
          f[x + n * (y + n * z)] = Math.max(0, 1 - 0.5 * q);
        }
    const m = n + 12;
    const padded = new Float32Array(m ** 3);
    for (let z = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) padded[x + 6 + m * (y + 6 + m * (z + 6))] = f[x + n * (y + n * z)]! >= 0.5 ? 1 : 0;
    const blurred = gaussianBlur(padded, m, m, m, 1);
    let volume = 0;
    for (const v of blurred) if (v >= 0.5) volume++;
    const whole = (Math.cbrt(Math.PI) * Math.pow(6 * volume, 2 / 3)) / isoSurfaceArea(blurred, m, m, m, 0.5);
    const ours = sphericityOf(f, n, 0.5, 0);
    expect(Math.abs(ours - whole)).toBeLessThan(1e-12);
    // Prolate spheroid a = 9, c = 16: Ψ = π^⅓(6V)^⅔ / A with A = 2πa²(1 + c·asin(e)/(a·e)).
    const [a, cc] = [9, 16];
    const e = Math.sqrt(1 - (a * a) / (cc * cc));
    const area = 2 * Math.PI * a * a * (1 + (cc * Math.asin(e)) / (a * e));
    const psi = (Math.cbrt(Math.PI) * Math.pow(6 * ((4 / 3) * Math.PI * a * a * cc), 2 / 3)) / area;
    expect(Math.abs(ours - psi)).toBeLessThan(0.02);
  });

  it('3D FSC volume up to a shell: the whole volume there, 0 beyond', () => {
    const [n, S, D] = [32, 17, 60];
    const axes = fibonacciHemisphere(D);
    const r = seededRandom(3);
    const conical = Float64Array.from({ length: D * S }, () => r());
    const full = fscVolume(conical, axes, S, n, 0.5);
    const inner = fscVolume(conical, axes, S, n, 0.5, 9);
    let filled = 0;
    for (let z = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const i = x + n * (y + n * z);
          const s = Math.round(Math.hypot(x - n / 2, y - n / 2, z - n / 2));
          expect(inner[i]).toBe(s <= 9 ? full[i] : 0);
          if (s <= 9 && full[i]! > 0) filled++;
        }
    expect(filled).toBeGreaterThan(3000);
  });

  it('Fibonacci hemisphere: unit axes, z ≥ 0, evenly spread', () => {
    const a = fibonacciHemisphere(200);
    let minDot = 1;
    for (let i = 0; i < 200; i++) {
      expect(Math.hypot(a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!)).toBeCloseTo(1, 12);
      expect(a[3 * i + 2]!).toBeGreaterThan(0);
      minDot = Math.min(minDot, a[3 * i + 2]!);
    }
    expect(minDot).toBeLessThan(0.01);
  });
});

describe('reading the directional resolution', () => {
  const base = {
    cfar: 0.9,
    bestDirection: [0, 0, 1] as [number, number, number],
    worstDirection: [1, 0, 0] as [number, number, number],
    coneAngleDeg: 20,
    directions: [],
    conicalFsc: new Float64Array(0),
    shells: 0,
    warnings: [],
  };
  it('a median direction finer than the global FSC is flagged; sphericity at its floor is read as noise', () => {
    const w = readAnisotropy({
      ...base,
      sphericity: 0.7,
      sphericityNoiseFloor: { mean: 0.71, low: 0.7, replicates: 2 },
      directionalResolutionA: { best: 3.0, worst: 3.4, median: 3.1 },
      globalResolutionA: 3.5,
    }).map((x) => x.code);
    expect(w).toContain('directional-median-finer-than-global');
    expect(w).toContain('sphericity-at-noise-floor');
    expect(w).not.toContain('low-sphericity');
    const ok = readAnisotropy({
      ...base,
      sphericity: 0.7,
      sphericityNoiseFloor: { mean: 0.98, low: 0.975, replicates: 2 },
      directionalResolutionA: { best: 3.4, worst: 4.9, median: 3.6 },
      globalResolutionA: 3.5,
    }).map((x) => x.code);
    expect(ok).toContain('low-sphericity');
    expect(ok).not.toContain('directional-median-finer-than-global');
  });
});
