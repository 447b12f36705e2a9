import {
  addNoise,
  applyBfactor,
  atomsToMap,
  ellipsoidAtoms,
  gaussianRandom,
  standardDeviation,
} from '../src/core/simulate/maps.js';
import { seededRandom } from '../src/core/util/random.js';

/** Synthetic cases with RELION's answers in fixtures/relion/<name> (fixtures/generate/relion-cases.ts). */
export interface RelionCase {
  name: string;
  n: number;
  pixelSizeA: number;
  atoms: number;
  semiAxesA: [number, number, number];
  bfactorA2: number;
  /** Noise σ as a multiple of the signal's standard deviation. */
  noiseRatio: number;
  maskThreshold: number;
  seed: number;
}

export const RELION_CASES: RelionCase[] = [
  {
    name: 'box96',
    n: 96,
    pixelSizeA: 1.3,
    atoms: 1500,
    semiAxesA: [30, 22, 18],
    bfactorA2: 80,
    noiseRatio: 2.5,
    maskThreshold: 0.02,
    seed: 96,
  },
  {
    name: 'box75',
    n: 75,
    pixelSizeA: 1.6,
    atoms: 1200,
    semiAxesA: [34, 26, 20],
    bfactorA2: 120,
    noiseRatio: 2,
    maskThreshold: 0.02,
    seed: 75,
  },
  // Limited by its pixel size: the corrected FSC is still above 0.143 at Nyquist (7.08 Å), where RELION's
  // Guinier fit includes the Nyquist shell.
  {
    name: 'nyq64',
    n: 64,
    pixelSizeA: 3.54,
    atoms: 2500,
    semiAxesA: [70, 60, 50],
    bfactorA2: 150,
    noiseRatio: 2.5,
    maskThreshold: 0.02,
    seed: 64,
  },
];

export function buildCase(c: RelionCase): { half1: Float32Array; half2: Float32Array; truth: Float32Array } {
  const rnd = seededRandom(c.seed);
  const atoms = ellipsoidAtoms(c.atoms, c.semiAxesA, rnd);
  const truth = applyBfactor(atomsToMap(atoms, c.n, c.pixelSizeA, 0.8), c.n, c.pixelSizeA, c.bfactorA2);
  const sigma = c.noiseRatio * standardDeviation(truth);
  const g = gaussianRandom(rnd);
  return { half1: addNoise(truth, sigma, g), half2: addNoise(truth, sigma, g), truth };
}

/**
 * A map whose two halves (x < 0 and x ≥ 0) carry different B-factors, for local resolution
 * (RELION --locres answers in fixtures/relion/locres-twob/).
 */
export const LOCRES_CASE = {
  name: 'locres-twob',
  n: 96,
  pixelSizeA: 1.2,
  atoms: 3000,
  semiAxesA: [44, 34, 30] as [number, number, number],
  bLeftA2: 20,
  bRightA2: 300,
  noiseRatio: 1.2,
  seed: 7,
};

export function buildLocresCase(c = LOCRES_CASE): { half1: Float32Array; half2: Float32Array; left: Float32Array } {
  const rnd = seededRandom(c.seed);
  const atoms = ellipsoidAtoms(c.atoms, c.semiAxesA, rnd);
  const part = (keep: (x: number) => boolean, b: number): Float32Array =>
    applyBfactor(
      atomsToMap(
        atoms.filter((a) => keep(a.xA)),
        c.n,
        c.pixelSizeA,
        0.8,
      ),
      c.n,
      c.pixelSizeA,
      b,
    );
  const left = part((x) => x < 0, c.bLeftA2);
  const right = part((x) => x >= 0, c.bRightA2);
  const truth = left.map((v, i) => v + right[i]!);
  const sigma = c.noiseRatio * standardDeviation(truth);
  const g = gaussianRandom(rnd);
  return { half1: addNoise(truth, sigma, g), half2: addNoise(truth, sigma, g), left };
}

/** Voxels of the particle (truth above 10 % of its max) on each side of x = 0, as two masks. */
export function sideMasks(n: number, truthLike: Float32Array): { left: Uint8Array; right: Uint8Array } {
  let max = 0;
  for (const v of truthLike) max = Math.max(max, Math.abs(v));
  const left = new Uint8Array(truthLike.length),
    right = new Uint8Array(truthLike.length);
  const c = Math.floor(n / 2);
  for (let i = 0; i < truthLike.length; i++) {
    if (Math.abs(truthLike[i]!) < 0.1 * max) continue;
    if (i % n < c - 3) left[i] = 1;
    else if (i % n > c + 3) right[i] = 1;
  }
  return { left, right };
}
