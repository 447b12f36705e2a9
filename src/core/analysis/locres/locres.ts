import type { Warning } from '../../errors.js';
import { allocateSpectrum, irfft3d, rfft3d, type FourierCompute } from '../../fourier/rfft3d.js';
import { ProgressSteps, type ProgressContext } from '../../util/progress.js';
import { glibcRand, relionUniform } from '../../util/random.js';
import { findCrossing, thresholdCurve } from '../fsc/criteria.js';
import { fscFromSums, shellIndexMap, shellSums } from '../fsc/shells.js';
import { randomizePhasesBeyond, type FscCompute } from '../fsc/suite.js';
import { applyFscWeighting, applyLowPass } from '../postprocess/spectrum-ops.js';
import {
  addWindowContributions,
  cutWindow,
  samplePoints,
  windowBox,
  windowValues,
  type SamplePoint,
} from './windows.js';
import type { CheckedMap } from '../../model/checked-map.js';

export type LocresMethod = 'relion' | 'blocres';

export interface LocresOptions {
  pixelSizeA: number;
  method?: LocresMethod;
  /** Distance between sample points, Å (RELION: 25; blocres: window / 3). */
  stepA?: number;
  /** Radius of the window's flat part, Å (RELION: step / 2). */
  windowRadiusA?: number;
  /** Width of the window's raised-cosine edge, Å (RELION: step). */
  edgeA?: number;
  /** Phase randomisation from here, Å (RELION: 25; blocres: none). */
  randomizeFromA?: number;
  /** Local resolution is never reported worse than this, Å (RELION: 50). */
  minResolutionA?: number;
}

export interface LocresPoint extends SamplePoint {
  resolutionA: number;
}

export interface LocresComputation {
  /** Local resolution per voxel (Å), window-weighted harmonic mean of the points; 0 where unsampled. */
  locres: Float32Array;
  /** The average map, FSC-weighted and low-passed to each window's resolution, blended. */
  filtered: Float32Array;
  points: LocresPoint[];
  windowA: number;
  stepA: number;
  randomizeFromA: number | null;
  method: LocresMethod;
  warnings: Warning[];
}

/**
 * Local resolution (RELION 3.1 relion_postprocess --locres): at each sample point, the FSC of both
 * half maps under a soft spherical window, corrected by the same window on phase-randomised halves
 * (randomised once, from 25 Å), and its last shell before 0.143. The window's FSC is computed in a
 * small box around the point instead of the whole map — the window is zero outside it, so the
 * correlation is the same with coarser shells — which is where the speed comes from. Method
 * 'blocres': a larger window (≈ 6× the expected resolution), a finer grid, no randomisation.
 */
export function localResolution(
  half1: CheckedMap,
  half2: CheckedMap,
  options: LocresOptions,
  expectedResolutionA: number | null,
  progress?: ProgressContext,
  compute?: LocresCompute,
): LocresComputation {
  const n = half1.nx;
  const px = options.pixelSizeA;
  const method = options.method ?? 'relion';
  const warnings: Warning[] = [];
  const defaults =
    method === 'relion'
      ? { step: 25, radius: 12.5, edge: 25, randomize: 25 as number | null }
      : blocresDefaults(expectedResolutionA ?? 8 * px);
  const stepA = options.stepA ?? defaults.step;
  const radiusA =
    options.windowRadiusA ?? (options.stepA !== undefined && method === 'relion' ? stepA / 2 : defaults.radius);
  const edgeA = options.edgeA ?? (options.stepA !== undefined && method === 'relion' ? stepA : defaults.edge);
  const randomizeFromA =
    method === 'relion' ? (options.randomizeFromA ?? defaults.randomize) : (options.randomizeFromA ?? null);
  const minRes = options.minResolutionA ?? 50;
  // RELION rounds the step, window radius and edge to whole voxels.
  const step = Math.max(1, Math.round(stepA / px));
  const radius = Math.round(radiusA / px);
  const edge = Math.round(edgeA / px);
  const points = samplePoints(n, step, radius);
  if (points.length === 0)
    throw new RangeError(`no sample points: the window (${radiusA} Å) is too large for a ${n}-voxel box`);
  const b = windowBox(radius + edge, n);
  const steps = new ProgressSteps(progress, [2, 8, 1]);
  steps.step(2, 'randomising phases');
  // RELION: randomize_at = (int)(box·pixel / Å), on the unmasked halves, one stream for both.
  let p1: Float32Array | null = null,
    p2: Float32Array | null = null;
  if (randomizeFromA !== null) {
    const r0 = Math.trunc((n * px) / randomizeFromA);
    const rnd = relionUniform(glibcRand(1), 0, 2 * Math.PI);
    const s1 = rfft3d(half1.data, n, n, n, allocateSpectrum(n, n, n, true, compute), null, compute);
    randomizePhasesBeyond(s1, r0, rnd, compute?.phases);
    p1 = irfft3d(s1, undefined, compute);
    const s2 = rfft3d(half2.data, n, n, n, s1, null, compute);
    randomizePhasesBeyond(s2, r0, rnd, compute?.phases);
    p2 = irfft3d(s2, undefined, compute);
  }
  const sum = new Float32Array(n * n * n);
  for (let i = 0; i < sum.length; i++) sum[i] = half1.data[i]! + half2.data[i]!;
  const job: WindowJob = {
    n,
    pixelSizeA: px,
    b,
    radius,
    edge,
    minRes,
    // The window's shells live in the small box: r0 scales with it.
    r0b: randomizeFromA !== null ? Math.trunc((b * px) / randomizeFromA) : 0,
    h1: half1.data,
    h2: half2.data,
    p1,
    p2,
    sum,
    points,
    simd: compute?.simd ?? true,
  };
  const acc = newAccumulators(n * n * n, points.length);
  steps.step(8, 'windows');
  const windows = compute?.windows ?? null;
  if (!(windows && points.length >= 8 && windows.run(job, acc))) processWindows(job, acc, 0, points.length, progress);
  const locresSum = acc.locresSum,
    weightSum = acc.weightSum,
    filtered = acc.filtered;
  const out: LocresPoint[] = points.map((p, k) => ({ ...p, resolutionA: acc.resolutionA[k]! }));
  steps.step(1, 'blending');
  const locres = new Float32Array(n * n * n);
  for (let i = 0; i < locres.length; i++) {
    const w = weightSum[i]!;
    locres[i] = w > 0 ? w / locresSum[i]! : 0;
    filtered[i] = w > 0 ? filtered[i]! / w : 0;
  }
  steps.finish();
  return {
    locres,
    filtered,
    points: out,
    windowA: 2 * (radius + edge) * px,
    stepA: step * px,
    randomizeFromA,
    method,
    warnings,
  };
}

function blocresDefaults(expectedA: number): { step: number; radius: number; edge: number; randomize: null } {
  // blocres (Cardone et al. 2013): a window of 5–7× the expected resolution; we take 6× as its diameter.
  const diameter = 6 * expectedA;
  return { step: diameter / 3, radius: diameter / 4, edge: diameter / 4, randomize: null };
}

/** Everything a thread needs to process a range of windows (plain typed arrays: shareable). */
export interface WindowJob {
  n: number;
  pixelSizeA: number;
  b: number;
  radius: number;
  edge: number;
  minRes: number;
  r0b: number;
  h1: Float32Array;
  h2: Float32Array;
  p1: Float32Array | null;
  p2: Float32Array | null;
  sum: Float32Array;
  points: SamplePoint[];
  /** The window transforms on the SIMD kernels (the caller's compute context, carried to the pool's threads). */
  simd: boolean;
}

/** Per-thread sums: Σ w/res, Σ w, Σ w·filtered over the full map, and each point's resolution. */
export interface WindowAccumulators {
  locresSum: Float32Array;
  weightSum: Float32Array;
  filtered: Float32Array;
  resolutionA: Float64Array;
}

export function newAccumulators(voxels: number, points: number): WindowAccumulators {
  return {
    locresSum: new Float32Array(voxels),
    weightSum: new Float32Array(voxels),
    filtered: new Float32Array(voxels),
    resolutionA: new Float64Array(points),
  };
}

/**
 * Runs ranges of windows on several threads, each into its own accumulators, and adds them into
 * `acc` (the pool, handed down in the compute context); returns false when it declines.
 */
export interface WindowThreads {
  run(job: WindowJob, acc: WindowAccumulators): boolean;
}

/** What local resolution may use: the FSC suite's threads and kernels, and threads for the windows. */
export interface LocresCompute extends FscCompute {
  windows?: WindowThreads | null;
}

/** Windows from ≤ k < to: local resolution at each point and its contributions to the blended maps. */
export function processWindows(
  job: WindowJob,
  acc: WindowAccumulators,
  from: number,
  to: number,
  progress?: ProgressContext,
): void {
  const { n, b, pixelSizeA: px } = job;
  const win = windowValues(b, job.radius, job.edge);
  const taper = windowValues(b, job.radius + job.edge, Math.max(1, b / 2 - job.radius - job.edge - 1));
  const shells = shellIndexMap(b, b, b);
  const bufs = [new Float32Array(b ** 3), new Float32Array(b ** 3)];
  const zeros = new Float64Array(shells.length ? Math.floor(b / 2) + 1 : 0);
  const threshold = thresholdCurve('0.143', zeros);
  for (let k = from; k < to; k++) {
    if (progress && k % 16 === 0)
      progress.report?.(2 / 11 + ((8 / 11) * (k - from)) / (to - from), `window ${k + 1} of ${to}`);
    const p = job.points[k]!;
    const fsc = windowFsc(job.h1, job.h2, job.p1, job.p2, n, p, win, b, shells, job.r0b, bufs, job.simd);
    const crossing = findCrossing(fsc, threshold, b * px, '0.143');
    const res = Math.min(job.minRes, crossing.resolutionA ?? job.minRes);
    acc.resolutionA[k] = res;
    const filtered = filterWindow(job.sum, n, p, taper, b, fsc, res, px, bufs[0]!, job.simd);
    addWindowContributions(acc, n, p, win, b, 1 / res, filtered);
  }
}

/** Corrected FSC of the two halves under one window (RELION calculateFSCtrue with the box's r0). */
function windowFsc(
  h1: Float32Array,
  h2: Float32Array,
  p1: Float32Array | null,
  p2: Float32Array | null,
  n: number,
  p: SamplePoint,
  win: Float32Array,
  b: number,
  shells: Int32Array,
  r0: number,
  bufs: Float32Array[],
  simd: boolean,
): Float64Array {
  const kernels: FourierCompute = { simd };
  const fft = (map: Float32Array, buf: Float32Array) => {
    cutWindow(map, n, p, win, b, buf);
    return rfft3d(buf, b, b, b, undefined, null, kernels);
  };
  const masked = fscFromSums(shellSums(fft(h1, bufs[0]!), fft(h2, bufs[1]!), shells));
  if (!p1 || !p2) return masked;
  const random = fscFromSums(shellSums(fft(p1, bufs[0]!), fft(p2, bufs[1]!), shells));
  const out = new Float64Array(masked.length);
  for (let i = 0; i < out.length; i++) out[i] = i < r0 + 2 ? masked[i]! : (masked[i]! - random[i]!) / (1 - random[i]!);
  out[0] = 1;
  return out;
}

/** The average map around p, FSC-weighted and low-passed at this window's resolution (tapered box). */
function filterWindow(
  sum: Float32Array,
  n: number,
  p: SamplePoint,
  taper: Float32Array,
  b: number,
  fsc: Float64Array,
  resA: number,
  px: number,
  buf: Float32Array,
  simd: boolean,
): Float32Array {
  cutWindow(sum, n, p, taper, b, buf);
  const spec = rfft3d(buf, b, b, b, undefined, null, { simd });
  applyFscWeighting(spec, fsc);
  applyLowPass(spec, px, resA, 2);
  const out = irfft3d(spec, buf, { simd });
  for (let i = 0; i < out.length; i++) out[i]! *= 0.5;
  return out;
}
