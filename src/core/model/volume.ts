import { forEachBlock } from '../util/blocks.js';
/** A 3D map (or a stack of 2D images) with x the fastest axis: index = x + nx·(y + ny·z). */
export type Vec3 = [number, number, number];

export interface Volume {
  nx: number;
  ny: number;
  nz: number;
  data: Float32Array;
  /** Voxel size along x, y, z in Å; null when the file does not say (never a silent 1.0). */
  pixelSizeA: Vec3 | null;
  /** Origin in Å along x, y, z (MRC2014 ORIGIN). */
  originA: Vec3;
  /** Index of the first voxel along x, y, z (MRC NXSTART etc., reordered to x, y, z). */
  startVoxel: Vec3;
}

export function voxelCount(v: Pick<Volume, 'nx' | 'ny' | 'nz'>): number {
  return v.nx * v.ny * v.nz;
}

export function createVolume(nx: number, ny: number, nz: number, pixelSizeA: Vec3 | null, data?: Float32Array): Volume {
  const n = nx * ny * nz;
  if (data && data.length !== n) {
    throw new RangeError(`volume data has ${data.length} values, expected ${nx}×${ny}×${nz} = ${n}`);
  }
  return {
    nx,
    ny,
    nz,
    data: data ?? new Float32Array(n),
    pixelSizeA,
    originA: [0, 0, 0],
    startVoxel: [0, 0, 0],
  };
}

export interface DensityStats {
  min: number;
  max: number;
  mean: number;
  /** RMS deviation from the mean (MRC2014's definition of rms). */
  rms: number;
  /** Number of NaN or infinite values (excluded from the statistics). */
  nonFinite: number;
}

/**
 * Statistics in one pass with Float64 accumulators. The sums are of v − K, K the first finite value
 * (the shifted-data sums of Chan, Golub & LeVeque 1983: no division per voxel as in Welford's
 * update, and no cancellation beyond (mean − K)²/variance, which is small for a map).
 */
export function densityStats(data: ArrayLike<number>): DensityStats {
  let k = NaN;
  for (let i = 0; i < data.length && !(k === k && Number.isFinite(k)); i++) k = data[i]!;
  if (!Number.isFinite(k)) return { min: NaN, max: NaN, mean: NaN, rms: NaN, nonFinite: data.length };
  // [min, max, Σ(v − K), Σ(v − K)², finite count, non-finite count]
  const acc = Float64Array.of(k, k, 0, 0, 0, 0);
  forEachBlock(data.length, (from, to) => accumulateStats(data, from, to, k, acc));
  const [min, max, s1, s2, n, nonFinite] = acc as unknown as [number, number, number, number, number, number];
  const meanShift = s1 / n;
  return { min, max, mean: k + meanShift, rms: Math.sqrt(Math.max(0, s2 / n - meanShift * meanShift)), nonFinite };
}

function accumulateStats(data: ArrayLike<number>, from: number, to: number, k: number, acc: Float64Array): void {
  let min = acc[0]!,
    max = acc[1]!,
    s1 = 0,
    s2 = 0,
    nonFinite = 0;
  for (let i = from; i < to; i++) {
    const v = data[i]!;
    // v − v is 0 for every finite v, NaN otherwise: one test for NaN and ±∞.
    if (v - v !== 0) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    else if (v > max) max = v;
    const d = v - k;
    s1 += d;
    s2 += d * d;
  }
  acc[0] = min;
  acc[1] = max;
  acc[2]! += s1;
  acc[3]! += s2;
  acc[4]! += to - from - nonFinite;
  acc[5]! += nonFinite;
}

/**
 * A position in Å, in a map's frame, in voxel units of that map: (position − origin)/voxel size − start
 * (MRC2014 ORIGIN and NXSTART…), the frame a model placed in the map uses.
 */
export function voxelOf(
  v: Pick<Volume, 'originA' | 'startVoxel'>,
  pixelSizeA: number,
  xA: number,
  yA: number,
  zA: number,
): Vec3 {
  return [
    (xA - v.originA[0]) / pixelSizeA - v.startVoxel[0],
    (yA - v.originA[1]) / pixelSizeA - v.startVoxel[1],
    (zA - v.originA[2]) / pixelSizeA - v.startVoxel[2],
  ];
}
