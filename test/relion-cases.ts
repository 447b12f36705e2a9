import { addNoise, applyBfactor, atomsToMap, ellipsoidAtoms, gaussianRandom, standardDeviation } from '../src/core/simulate/maps.js';
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
  { name: 'box96', n: 96, pixelSizeA: 1.3, atoms: 1500, semiAxesA: [30, 22, 18], bfactorA2: 80, noiseRatio: 2.5, maskThreshold: 0.02, seed: 96 },
  { name: 'box75', n: 75, pixelSizeA: 1.6, atoms: 1200, semiAxesA: [34, 26, 20], bfactorA2: 120, noiseRatio: 2, maskThreshold: 0.02, seed: 75 },
];

export function buildCase(c: RelionCase): { half1: Float32Array; half2: Float32Array; truth: Float32Array } {
  const rnd = seededRandom(c.seed);
  const atoms = ellipsoidAtoms(c.atoms, c.semiAxesA, rnd);
  const truth = applyBfactor(atomsToMap(atoms, c.n, c.pixelSizeA, 0.8), c.n, c.pixelSizeA, c.bfactorA2);
  const sigma = c.noiseRatio * standardDeviation(truth);
  const g = gaussianRandom(rnd);
  return { half1: addNoise(truth, sigma, g), half2: addNoise(truth, sigma, g), truth };
}
