import { scaleRadially, scaleVoxel } from '../fourier/frequencies.js';
import { rfft3d, irfft3d } from '../fourier/rfft3d.js';

export { gaussianRandom } from '../util/random.js';

/**
 * Synthetic maps with known answers, for tests, benchmarks and the demo: atoms as Gaussian blobs,
 * a B-factor applied in Fourier space (amplitudes × exp(−B·s²/4), s = 1/d), white noise.
 */
export interface Atom {
  /** Position in Å from the box centre. */
  xA: number;
  yA: number;
  zA: number;
  weight: number;
}

/** Sums Gaussian blobs of standard deviation sigmaA (Å) on an n³ grid; cut off at 3σ. */
export function atomsToMap(atoms: readonly Atom[], n: number, pixelSizeA: number, sigmaA: number): Float32Array {
  const out = new Float32Array(n * n * n);
  const c = Math.floor(n / 2);
  const s = sigmaA / pixelSizeA;
  const reach = Math.ceil(3 * s);
  const inv2s2 = 1 / (2 * s * s);
  for (const a of atoms) {
    const ax = c + a.xA / pixelSizeA,
      ay = c + a.yA / pixelSizeA,
      az = c + a.zA / pixelSizeA;
    const x0 = Math.max(0, Math.floor(ax - reach)),
      x1 = Math.min(n - 1, Math.ceil(ax + reach));
    const y0 = Math.max(0, Math.floor(ay - reach)),
      y1 = Math.min(n - 1, Math.ceil(ay + reach));
    const z0 = Math.max(0, Math.floor(az - reach)),
      z1 = Math.min(n - 1, Math.ceil(az + reach));
    for (let z = z0; z <= z1; z++)
      for (let y = y0; y <= y1; y++) {
        const dyz = (y - ay) ** 2 + (z - az) ** 2;
        const row = n * (y + n * z);
        for (let x = x0; x <= x1; x++)
          out[row + x] = out[row + x]! + a.weight * Math.exp(-((x - ax) ** 2 + dyz) * inv2s2);
      }
  }
  return out;
}

/** Multiplies amplitudes by exp(−B·s²/4) (B in Å², s in 1/Å): B > 0 blurs, B < 0 sharpens. */
export function applyBfactor(map: Float32Array, n: number, pixelSizeA: number, bfactorA2: number): Float32Array {
  return filterRadial(map, n, (s2) => Math.exp((-bfactorA2 * s2) / 4), pixelSizeA);
}

/** Multiplies the spectrum by f(s²), s² in 1/Å². */
export function filterRadial(
  map: Float32Array,
  n: number,
  f: (s2InvA2: number) => number,
  pixelSizeA: number,
): Float32Array {
  const spec = rfft3d(map, n, n, n);
  const boxA = n * pixelSizeA;
  scaleRadially(spec, (r2) => f(r2 / (boxA * boxA)));
  return irfft3d(spec);
}

export function addNoise(map: Float32Array, sigma: number, gauss: () => number): Float32Array {
  const out = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = map[i]! + sigma * gauss();
  return out;
}

export function standardDeviation(map: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < map.length; i++) m += map[i]!;
  m /= map.length;
  let v = 0;
  for (let i = 0; i < map.length; i++) v += (map[i]! - m) ** 2;
  return Math.sqrt(v / map.length);
}

/** Random pseudo-atoms filling an ellipsoid with semi-axes (Å) along x, y, z. */
export function ellipsoidAtoms(count: number, semiAxesA: [number, number, number], rnd: () => number): Atom[] {
  const atoms: Atom[] = [];
  while (atoms.length < count) {
    const u = 2 * rnd() - 1,
      v = 2 * rnd() - 1,
      w = 2 * rnd() - 1;
    if (u * u + v * v + w * w > 1) continue;
    atoms.push({ xA: u * semiAxesA[0], yA: v * semiAxesA[1], zA: w * semiAxesA[2], weight: 0.5 + rnd() });
  }
  return atoms;
}

/** Blur along one axis only: amplitudes × exp(−B·(s·u)²/4) for the unit axis u (a missing-views signature). */
export function applyDirectionalBfactor(
  map: Float32Array,
  n: number,
  pixelSizeA: number,
  bfactorA2: number,
  axis: [number, number, number],
): Float32Array {
  const spec = rfft3d(map, n, n, n);
  const boxA = n * pixelSizeA;
  const len = Math.hypot(...axis);
  const [ux, uy, uz] = axis.map((a) => a / len) as [number, number, number];
  let i = 0;
  for (let z = 0; z < n; z++) {
    const kz = (z < n / 2 + 1 ? z : z - n) / boxA;
    for (let y = 0; y < n; y++) {
      const ky = (y < n / 2 + 1 ? y : y - n) / boxA;
      for (let x = 0; x < spec.nxh; x++, i++) {
        const s = (x / boxA) * ux + ky * uy + kz * uz;
        scaleVoxel(spec, i, Math.exp((-bfactorA2 * s * s) / 4));
      }
    }
  }
  return irfft3d(spec);
}
