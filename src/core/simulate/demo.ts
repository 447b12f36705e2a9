import { ATOMIC_NUMBER, type PdbAtom } from '../io/pdb.js';
import type { CtfEstimate } from '../model/ctf.js';
import { seededRandom } from '../util/random.js';
import {
  addNoise,
  applyBfactor,
  applyDirectionalBfactor,
  atomsToMap,
  gaussianRandom,
  standardDeviation,
  type Atom,
} from './maps.js';

/**
 * The demo dataset: a real structure (PDB 1TII, shipped in fixtures/structures) turned into half
 * maps with known problems planted — an overall B-factor, a blur along z as from missing views,
 * independent noise — plus particle angles clustered around top views and CTF results in which a
 * share of micrographs fit poorly. The diagnosis must find what was planted.
 */
export interface DemoOptions {
  n?: number;
  pixelSizeA?: number;
  bfactorA2?: number;
  directionalBfactorA2?: number;
  noiseRatio?: number;
  particles?: number;
  micrographs?: number;
  seed?: number;
}

export interface DemoDataset {
  n: number;
  pixelSizeA: number;
  half1: Float32Array;
  half2: Float32Array;
  truth: Float32Array;
  rotDeg: Float64Array;
  tiltDeg: Float64Array;
  ctf: CtfEstimate[];
  planted: {
    bfactorA2: number;
    directionalBfactorA2: number;
    blurAxis: [number, number, number];
    clusteredFraction: number;
    badCtfFraction: number;
  };
}

export function structureAtoms(pdb: PdbAtom[]): Atom[] {
  let cx = 0,
    cy = 0,
    cz = 0;
  for (const a of pdb) {
    cx += a.xA;
    cy += a.yA;
    cz += a.zA;
  }
  cx /= pdb.length;
  cy /= pdb.length;
  cz /= pdb.length;
  return pdb.map((a) => ({
    xA: a.xA - cx,
    yA: a.yA - cy,
    zA: a.zA - cz,
    weight: (ATOMIC_NUMBER[a.element] ?? 6) * a.occupancy,
  }));
}

export function demoDataset(pdb: PdbAtom[], o: DemoOptions = {}): DemoDataset {
  const n = o.n ?? 112,
    px = o.pixelSizeA ?? 1.25;
  const b = o.bfactorA2 ?? 180,
    bDir = o.directionalBfactorA2 ?? 1500;
  const rnd = seededRandom(o.seed ?? 2026);
  const sharp = atomsToMap(structureAtoms(pdb), n, px, 0.7);
  const truth = applyDirectionalBfactor(applyBfactor(sharp, n, px, b), n, px, bDir, [0, 0, 1]);
  const g = gaussianRandom(rnd);
  const sigma = (o.noiseRatio ?? 1.5) * standardDeviation(truth);
  const count = o.particles ?? 5000;
  const clustered = 0.7;
  const rotDeg = new Float64Array(count),
    tiltDeg = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    rotDeg[i] = 360 * rnd();
    // 70 % top views (tilt within ~15° of 0), the rest uniform on the sphere.
    tiltDeg[i] = i < clustered * count ? Math.abs(15 * g()) : (Math.acos(1 - 2 * rnd()) * 180) / Math.PI;
  }
  const m = o.micrographs ?? 200;
  const bad = 0.35;
  const ctf: CtfEstimate[] = Array.from({ length: m }, (_, i) => {
    const poor = i < bad * m;
    const du = 8000 + 17000 * rnd();
    return {
      micrograph: `Movies/demo_${String(i + 1).padStart(4, '0')}.mrc`,
      defocusUA: du,
      defocusVA: du - 50 - 400 * rnd(),
      astigmatismAngleDeg: 180 * rnd() - 90,
      phaseShiftRad: 0,
      crossCorrelation: poor ? 0.02 + 0.05 * rnd() : 0.1 + 0.2 * rnd(),
      fitResolutionA: poor ? 6 + 4 * rnd() : 2.8 + 1.2 * rnd(),
      tiltAxisDeg: null,
      tiltAngleDeg: null,
      thicknessA: 350 + 300 * rnd(),
    };
  });
  return {
    n,
    pixelSizeA: px,
    half1: addNoise(truth, sigma, g),
    half2: addNoise(truth, sigma, g),
    truth,
    rotDeg,
    tiltDeg,
    ctf,
    planted: {
      bfactorA2: b,
      directionalBfactorA2: bDir,
      blurAxis: [0, 0, 1],
      clusteredFraction: clustered,
      badCtfFraction: bad,
    },
  };
}
