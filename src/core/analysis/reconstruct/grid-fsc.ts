import { planFft } from '../../fourier/plan.js';
import { iterationSize } from './finish.js';
import type { InsertionGrid } from './grid.js';

/**
 * The FSC of two grids' averages (data ÷ weight where both have weight), per shell of the unpadded box, before
 * any gridding or symmetry: RELION's refinement takes its gold-standard FSC from the back-projectors' averages the
 * same way (BackProjector::getDownsampledAverage). Unmasked, so it errs low; used only to decide how far out a
 * subset's maps need finishing.
 */
export function gridFsc(a: InsertionGrid, b: InsertionGrid): Float64Array {
  if (a.nx !== b.nx || a.ny !== b.ny) throw new RangeError('gridFsc: grids of different shapes');
  const shells = a.rMax + 1;
  const num = new Float64Array(shells),
    d1 = new Float64Array(shells),
    d2 = new Float64Array(shells);
  const { nx, ny, half, pad } = a;
  for (let z = -half; z <= half; z++)
    for (let y = -half; y <= half; y++) {
      const row = ((z + half) * ny + (y + half)) * nx;
      shellRow(a, b, row, z * z + y * y, pad, num, d1, d2);
    }
  const fsc = new Float64Array(shells);
  for (let s = 0; s < shells; s++) fsc[s] = d1[s]! > 0 && d2[s]! > 0 ? num[s]! / Math.sqrt(d1[s]! * d2[s]!) : 0;
  fsc[0] = 1;
  return fsc;
}

function shellRow(
  a: InsertionGrid,
  b: InsertionGrid,
  row: number,
  r2: number,
  pad: number,
  num: Float64Array,
  d1: Float64Array,
  d2: Float64Array,
): void {
  for (let x = 0; x < a.nx; x++) {
    const s = Math.round(Math.sqrt(r2 + x * x) / pad);
    if (s >= num.length) continue;
    const i = row + x;
    const wa = a.weight[i]!,
      wb = b.weight[i]!;
    if (!(wa > 0 && wb > 0)) continue;
    const ar = a.data[2 * i]! / wa,
      ai = a.data[2 * i + 1]! / wa;
    const br = b.data[2 * i]! / wb,
      bi = b.data[2 * i + 1]! / wb;
    num[s]! += ar * br + ai * bi;
    d1[s]! += ar * ar + ai * ai;
    d2[s]! += br * br + bi * bi;
  }
}

/**
 * How far out a subset's maps need finishing: twice the shell where the grids' FSC first falls below 0.143 plus
 * 10 shells, capped at rMax. The masked FSC sits above the grids' unmasked one, and a map cut off too close
 * measures lower (Gibbs ringing inside the mask: a cut 1.1× beyond the crossing cost 3 shells on a 48-px test
 * set); the caller finishes again to rMax when the measured crossing passes 60 % of the cut (FINISH_CHECK).
 */
export function finishingRadius(fsc: Float64Array, rMax: number, factor = 2): number {
  let s = 1;
  while (s < fsc.length && fsc[s]! >= 0.143) s++;
  return Math.min(rMax, Math.ceil(factor * s) + 10);
}

/**
 * finishingRadius's factor where the maps cannot be finished again from their grids (ResLog's first order with
 * --auto-mask: the mask comes from the whole set, after the subsets' grids are gone, and a cut found too close costs
 * inserting the subset again): the masked crossing was up to 1.9× the grids' unmasked one (500 of the benchmark's
 * 8000 particles; 1.2–1.5× from 1000), and must sit within FINISH_CHECK of the cut: 1.9 / 0.6 ≈ 3.2.
 */
export const BLIND_FACTOR = 3.2;

/** A crossing beyond this fraction of the cut means the maps are finished again to rMax. */
export const FINISH_CHECK = 0.6;

/**
 * The smallest radius whose maps stand for maps finished to rMax: cut at most two shells inside it, on a gridding
 * box within 2 % of rMax's — the tolerance iterationSize already takes against RELION's pad_size. A 128-px box to
 * Nyquist at pad 2 iterates on 259 (= 7 · 37: Bluestein); cut at 63 it iterates on 256, and finishes 3× faster.
 * Measured on 8000 simulated particles (bench/reslog.ts): the FSC crossings of subsets of 500 to 8000 particles
 * moved by at most 0.009 Å (a quarter of the 500-particle subsets' spread; ≤ 0.001 Å from 1000 particles), where
 * finishing on boxes 6–20 % smaller moved the 500-particle crossing by 0.03–0.09 Å: the box matters, not the cut
 * (the same grids cut at 52 but iterated on 259 moved by 0.001 Å).
 */
export function lastShellRadius(rMax: number, pad: number): number {
  const box = (r: number): number => iterationSize(2 * (Math.round(pad * r) + 1) + 1);
  let r = rMax;
  while (r > Math.max(1, rMax - 2) && box(r - 1) >= box(rMax) / 1.02) r--;
  return r;
}

/**
 * The radius in [need, rMax] (or, for a need past lastShellRadius, in [lastShellRadius, rMax]) whose finishing costs
 * least. The cost is the gridding weights' box (pad_size of the
 * cut grid, iterationSize): a box with a prime factor above 31 goes through Bluestein's transform, several times
 * slower than a smooth box of about the same size (a 128-px box to Nyquist at pad 2: pad_size 259 = 7 · 37 took
 * 3× as long to finish as 256 at radius 63), so a cut a little further out can cost less than the nearest one.
 */
export function cheapestRadius(need: number, rMax: number, pad: number): number {
  let best = rMax,
    bestCost = finishingCost(rMax, pad);
  // A need at or near rMax is met by any radius that stands for it (lastShellRadius).
  const from = Math.min(Math.ceil(need), lastShellRadius(rMax, pad));
  for (let r = Math.max(1, from); r < rMax; r++) {
    const c = finishingCost(r, pad);
    if (c < bestCost) {
      best = r;
      bestCost = c;
    }
  }
  return best;
}

/** Relative cost of finishing a grid cut at radius r: twenty transforms of its iteration box. */
export function finishingCost(r: number, pad: number): number {
  const n = iterationSize(2 * (Math.round(pad * r) + 1) + 1);
  const plan = planFft(n);
  // One line of n: Bluestein's is two transforms of its smooth length m and the chirp products; then the passes
  // over every voxel between the transforms (about as many operations per voxel as a smooth line's stages).
  const bp = plan.bluestein;
  const line = bp ? 2 * bp.m * Math.log2(bp.m) + 6 * n : n * Math.log2(n);
  return n * n * (line + 6 * n);
}
