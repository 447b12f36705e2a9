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
export function finishingRadius(fsc: Float64Array, rMax: number): number {
  let s = 1;
  while (s < fsc.length && fsc[s]! >= 0.143) s++;
  return Math.min(rMax, 2 * s + 10);
}

/** A crossing beyond this fraction of the cut means the maps are finished again to rMax. */
export const FINISH_CHECK = 0.6;
