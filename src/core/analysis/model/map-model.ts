import { allocateSpectrum, rfft3d, type FourierCompute } from '../../fourier/rfft3d.js';
import type { Atom } from '../../io/structure.js';
import { voxelOf, type Volume } from '../../model/volume.js';
import { findCrossing, type Crossing } from '../fsc/criteria.js';
import { fscFromSums, shellIndexMap, shellSums, type ShellSums } from '../fsc/shells.js';
import { squaredDistanceToInside } from '../masks/distance.js';
import { raisedCosine } from '../masks/masks.js';
import { modelMap } from './model-map.js';

/**
 * Map–model agreement: the model's density on the map's grid (model-map.ts), the FSC between map and model
 * unmasked and inside a soft mask around the model, their 0.5 and 0.143 crossings, and with half maps the FSC of
 * each half against the model (Brown et al. 2015, Acta D 71:136): a model refined against half 1 that agrees with
 * half 1 better than with the half it never saw has fitted noise. The mask follows phenix.mtriage's idea (Afonine
 * et al. 2018, Acta D 74:814): the atoms grown by max(3 Å, the resolution), softened over the resolution.
 */
export interface MapModelShell {
  shell: number;
  spatialFrequencyInvA: number;
  resolutionA: number | null;
  fscMapModel: number;
  fscMapModelMasked: number;
  fscHalf1Model: number | null;
  fscHalf2Model: number | null;
}

export interface Overfitting {
  verdict: 'overfitted' | 'not overfitted' | 'not measured';
  /** Mean FSC(half 1, model) − FSC(half 2, model) over the shells between the model's 0.5 crossing and Nyquist. */
  meanWorkMinusFree: number | null;
  /** The spread of that difference expected from noise alone (shell by shell, averaged). */
  noise: number | null;
  evidence: string;
}

export interface MapModelResult {
  pixelSizeA: number;
  shells: MapModelShell[];
  crossings: {
    mapModel: { fsc05A: number | null; fsc0143A: number | null };
    masked: { fsc05A: number | null; fsc0143A: number | null };
  };
  maskRadiusA: number;
  overfitting: Overfitting;
  warnings: string[];
}

/** The shell sums of two maps on the same n³ grid, optionally both multiplied by a mask (fsc/shells.ts). */
export function shellSumsBetween(
  a: Float32Array,
  b: Float32Array,
  n: number,
  mask?: Float32Array | null,
  compute?: FourierCompute,
): ShellSums {
  const ma = mask ? a.map((v, i) => v * mask[i]!) : a;
  const mb = mask ? b.map((v, i) => v * mask[i]!) : b;
  const sa = rfft3d(ma, n, n, n, allocateSpectrum(n, n, n, true, compute), null, compute);
  const sb = rfft3d(mb, n, n, n, allocateSpectrum(n, n, n, true, compute), null, compute);
  return shellSums(sa, sb, shellIndexMap(n, n, n));
}

/** FSC of two maps on the same grid, optionally both multiplied by a mask. */
export function fscBetween(
  a: Float32Array,
  b: Float32Array,
  n: number,
  mask?: Float32Array | null,
  compute?: FourierCompute,
): Float64Array {
  return fscFromSums(shellSumsBetween(a, b, n, mask, compute));
}

/** A soft mask around the atoms: within `radiusA` of an atom 1, falling to 0 over `edgeA` by a raised cosine. */
export function modelMask(
  atoms: Atom[],
  grid: Pick<Volume, 'originA' | 'startVoxel'>,
  n: number,
  px: number,
  radiusA: number,
  edgeA: number,
): Float32Array {
  const inside = new Uint8Array(n * n * n);
  const r = radiusA / px;
  for (const a of atoms) {
    const g = voxelOf(grid, px, a.xA, a.yA, a.zA);
    const lo = g.map((c) => Math.max(0, Math.ceil(c - r))),
      hi = g.map((c) => Math.min(n - 1, Math.floor(c + r)));
    for (let z = lo[2]!; z <= hi[2]!; z++)
      for (let y = lo[1]!; y <= hi[1]!; y++)
        for (let x = lo[0]!; x <= hi[0]!; x++)
          if ((x - g[0]!) ** 2 + (y - g[1]!) ** 2 + (z - g[2]!) ** 2 <= r * r) inside[(z * n + y) * n + x] = 1;
  }
  const d2 = squaredDistanceToInside(inside, n, n, n);
  const w = edgeA / px;
  return Float32Array.from(d2, (v) => raisedCosine(Math.sqrt(v), w));
}

export function mapModelFsc(
  map: Volume,
  atoms: Atom[],
  o: { pixelSizeA: number; half1?: Volume | null; half2?: Volume | null; resolutionA?: number | null },
  compute?: FourierCompute,
): { result: MapModelResult; modelMap: Float32Array; mask: Float32Array } {
  const n = map.nx;
  const px = o.pixelSizeA;
  const grid = { nx: n, ny: n, nz: n, originA: map.originA, startVoxel: map.startVoxel, pixelSizeA: px };
  const model = modelMap(atoms, grid, { skipUnknown: true });
  const warnings = model.skipped
    ? [`${model.skipped} atoms of elements without a scattering factor were left out`]
    : [];
  const unmasked = fscBetween(map.data, model.data, n, null, compute);
  const crossAt = (f: ArrayLike<number>, t: number): number | null =>
    crossing(findCrossing(f, new Float64Array(f.length).fill(t), n * px, t === 0.5 ? '0.5' : '0.143'));
  // The mask's size follows the resolution the map reaches against its model (or the one given).
  const res = o.resolutionA ?? crossAt(unmasked, 0.5) ?? 2 * px * 3;
  const radiusA = Math.max(3, res);
  const mask = modelMask(atoms, grid, n, px, radiusA, res);
  const masked = fscBetween(map.data, model.data, n, mask, compute);
  const s1 = o.half1 ? shellSumsBetween(o.half1.data, model.data, n, mask, compute) : null;
  const s2 = o.half2 ? shellSumsBetween(o.half2.data, model.data, n, mask, compute) : null;
  const h1 = s1 ? fscFromSums(s1) : null;
  const h2 = s2 ? fscFromSums(s2) : null;
  const shells: MapModelShell[] = Array.from({ length: unmasked.length }, (_, s) => ({
    shell: s,
    spatialFrequencyInvA: s / (n * px),
    resolutionA: s > 0 ? (n * px) / s : null,
    fscMapModel: unmasked[s]!,
    fscMapModelMasked: masked[s]!,
    fscHalf1Model: h1 ? h1[s]! : null,
    fscHalf2Model: h2 ? h2[s]! : null,
  }));
  const from = Math.max(1, Math.floor((n * px) / (crossAt(masked, 0.5) ?? res)));
  return {
    result: {
      pixelSizeA: px,
      shells,
      crossings: {
        mapModel: { fsc05A: crossAt(unmasked, 0.5), fsc0143A: crossAt(unmasked, 0.143) },
        masked: { fsc05A: crossAt(masked, 0.5), fsc0143A: crossAt(masked, 0.143) },
      },
      maskRadiusA: radiusA,
      overfitting: h1 && h2 && s1 ? overfittingVerdict(h1, h2, from, s1.fullCount) : notMeasured(),
      warnings,
    },
    modelMap: model.data,
    mask,
  };
}

function crossing(c: Crossing): number | null {
  return c.resolutionA ?? null;
}

function notMeasured(): Overfitting {
  return {
    verdict: 'not measured',
    meanWorkMinusFree: null,
    noise: null,
    evidence: 'give both half maps (the model refined against half 1) to test for overfitting',
  };
}

/**
 * Brown et al. 2015: FSC(half 1, model) above FSC(half 2, model) beyond the resolution the model explains is noise the
 * model took from half 1. Judged against what noise alone gives: the FSC of a shell with N Fourier voxels scatters by
 * about 1/√N (van Heel & Schatz 2005, J Struct Biol 151:250: the 3σ curve is 3/√N); the mean difference counts when
 * it exceeds 3 standard errors of that mean and 0.05.
 */
export function overfittingVerdict(
  work: Float64Array,
  free: Float64Array,
  fromShell: number,
  fullCount: ArrayLike<number>,
): Overfitting {
  const shellsN = fullCount;
  let sum = 0,
    varSum = 0,
    k = 0;
  for (let s = fromShell; s < work.length; s++) {
    // a shell where either FSC is 0/0 (no model density there) says nothing either way
    if (!Number.isFinite(work[s]!) || !Number.isFinite(free[s]!)) continue;
    sum += work[s]! - free[s]!;
    varSum += 2 / Math.max(1, shellsN[s]!);
    k++;
  }
  if (!k) return notMeasured();
  const mean = sum / k;
  const se = Math.sqrt(varSum) / k;
  const over = mean > Math.max(0.05, 3 * se);
  return {
    verdict: over ? 'overfitted' : 'not overfitted',
    meanWorkMinusFree: mean,
    noise: se,
    evidence:
      `beyond shell ${fromShell}, FSC(half 1, model) − FSC(half 2, model) averages ${mean.toFixed(3)} ` +
      `(noise ${se.toFixed(3)}): ` +
      (over ? 'the model fits the half it was refined against better — overfitted' : 'no sign of fitted noise'),
  };
}
