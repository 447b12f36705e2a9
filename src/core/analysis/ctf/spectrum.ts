import { halfLength, signedFrequency } from '../../fourier/rfft3d.js';
import { simdKernels, type SimdKernels } from '../../fourier/simd.js';
import { simdSamplePasses } from './spectrum-simd.js';

// A periodogram's samples as the fit sees them (radius, azimuth, which take part) and its background
// subtraction and contrast equalisation (CTFFIND: Rohou & Grigorieff 2015). The periodogram itself is
// periodogram.ts.

/**
 * Radius (pixels) of every half-plane sample, and whether it takes part in fits: one of each
 * Friedel pair, within Nyquist, off the axes (tile edges leave a cross of leakage along them).
 * Shared between fits of the same box: read only.
 */
export interface SpectrumGrid {
  box: number;
  nxh: number;
  radius: Float32Array;
  /** The radial bin of each sample: its radius rounded to the nearest pixel. */
  bin: Uint16Array;
  used: Uint8Array;
  /** cos 2α and sin 2α of each sample's azimuth α (from the x axis). */
  cos2: Float32Array;
  sin2: Float32Array;
  /** The SIMD kernels every pass over this fit's samples runs on, null for the TypeScript ones. */
  kernels: SimdKernels | null;
}

type Samples = Omit<SpectrumGrid, 'kernels'>;

const grids = new Map<number, Samples>();

/** The samples of a box (cached), with the kernels the caller's compute context chose (`simd`, default on). */
export function spectrumGrid(box: number, simd = true): SpectrumGrid {
  let grid = grids.get(box);
  if (!grid) {
    grid = makeGrid(box);
    // A facility run fits one or two box sizes; a few grids of ~2 MB each are worth keeping.
    if (grids.size >= 4) grids.clear();
    grids.set(box, grid);
  }
  return { ...grid, kernels: simdKernels(simd) };
}

function makeGrid(box: number): Samples {
  const nxh = halfLength(box);
  const radius = new Float32Array(nxh * box),
    bin = new Uint16Array(nxh * box),
    used = new Uint8Array(nxh * box);
  const cos2 = new Float32Array(nxh * box),
    sin2 = new Float32Array(nxh * box);
  for (let y = 0; y < box; y++) {
    const fy = signedFrequency(y, box);
    for (let x = 0; x < nxh; x++) {
      const i = x + nxh * y,
        r2 = x * x + fy * fy,
        r = Math.sqrt(r2);
      radius[i] = r;
      bin[i] = Math.round(r);
      used[i] = x > 1 && Math.abs(fy) > 1 && r <= box / 2 && !(x === box / 2 && fy < 0) ? 1 : 0;
      // cos 2α = (x² − y²)/r², sin 2α = 2xy/r²: no atan2, cos and sin per sample (a worker's first fit
      // built this grid in ~25 ms); α = 0 at the origin, as atan2(0, 0) gives.
      cos2[i] = r2 > 0 ? (x * x - fy * fy) / r2 : 1;
      sin2[i] = r2 > 0 ? (2 * x * fy) / r2 : 0;
    }
  }
  return { box, nxh, radius, bin, used, cos2, sin2 };
}

/**
 * Background subtraction and contrast equalisation: per radius, a local linear regression of the
 * amplitudes on (1, r) — and on the CTF² model when one is given, so that the rings themselves are
 * not mistaken for background — over a window of `halfWidth(r)` bins; the residual is divided by
 * its local RMS so that faint high-resolution rings weigh as much as strong low-resolution ones.
 */
export interface NormalizedSpectrum {
  /** Background-subtracted amplitudes over their local RMS (half-plane layout). */
  values: Float32Array;
  /**
   * Per radial bin, the matched-filter weight ring amplitude × RMS / noise variance (1 without a
   * model): the fit multiplies by it so that noise-dominated frequencies count for little.
   */
  binWeight: Float64Array;
  /** Per radial bin, the regressed ring amplitude (amplitude units; 0 without a model): the envelope. */
  ringAmplitude: Float64Array;
}

export function normalizeSpectrum(
  amplitude: Float32Array,
  grid: SpectrumGrid,
  halfWidth: (r: number) => number,
  model?: Float32Array,
): NormalizedSpectrum {
  const passes = samplePasses(amplitude, grid, model);
  try {
    const bins = Math.floor(grid.box / 2) + 1;
    const coef = localRegression(passes, bins, halfWidth, model !== undefined);
    const sq = new Float64Array(bins + 1),
      cnt = new Float64Array(bins + 1);
    passes.subtractBackground(coef, sq, cnt);
    const rms = windowedMeanSquare(sq, cnt, halfWidth).map(Math.sqrt);
    const binWeight = new Float64Array(bins).fill(1);
    if (model) matchedWeights(passes, coef, rms, halfWidth, binWeight);
    const ringAmplitude = new Float64Array(bins);
    for (let b = 0; b < bins; b++) ringAmplitude[b] = coef[4 * b + 2]! + coef[4 * b + 3]! * b;
    passes.divideByRms(rms);
    return { values: passes.values(), binWeight, ringAmplitude };
  } finally {
    passes.release();
  }
}

/**
 * The passes over every sample of one normalisation, on the WebAssembly kernels when there are any
 * (spectrum-simd.ts: no warm-up, which a worker fitting a few micrographs spends much of its time in),
 * else here. Both give the same bits. Sums are per bin, offset by one, added into the caller's arrays.
 */
export interface SamplePasses {
  /** The regression's sums: 5 per bin for x = (1, r), 14 with the model for x = (1, r, m, r·m). */
  regressionSums(sums: Float64Array): void;
  /** Residuals from the regression (4 coefficients per bin), and Σ e², count per bin. */
  subtractBackground(coef: Float64Array, sq: Float64Array, cnt: Float64Array): void;
  /** Σ u², count per bin of what the rings leave of the residuals. */
  unexplainedSquares(coef: Float64Array, sq: Float64Array, cnt: Float64Array): void;
  divideByRms(rms: Float64Array): void;
  /** The residuals (after divideByRms: the normalised spectrum), the caller's to keep. */
  values(): Float32Array;
  release(): void;
}

function samplePasses(amplitude: Float32Array, grid: SpectrumGrid, model?: Float32Array): SamplePasses {
  const k = grid.kernels;
  if (k) return simdSamplePasses(k, amplitude, grid, model);
  const out = new Float32Array(amplitude.length);
  return {
    regressionSums: (sums) =>
      model ? accumulateWithModel(amplitude, grid, model, sums) : accumulateLine(amplitude, grid, sums),
    subtractBackground: (coef, sq, cnt) => subtractBackground(amplitude, grid, coef, out, sq, cnt),
    unexplainedSquares: (coef, sq, cnt) => unexplainedSquares(out, model!, grid, coef, sq, cnt),
    divideByRms: (rms) => divideByRms(out, grid, rms),
    values: () => out,
    release: () => undefined,
  };
}

// Each pass over the samples in a function of its own (see annulus in fit-model.ts for why).

/** The residual of each used sample from its bin's regression, and per bin (offset by one) Σ e² and count. */
function subtractBackground(
  amplitude: Float32Array,
  grid: SpectrumGrid,
  coef: Float64Array,
  out: Float32Array,
  sq: Float64Array,
  cnt: Float64Array,
): void {
  for (let i = 0; i < amplitude.length; i++) {
    if (!grid.used[i]) continue;
    const r = grid.radius[i]!,
      b = grid.bin[i]!;
    // The ring term enters at its mean (½ of CTF²): what stays is the rings' modulation.
    const e = amplitude[i]! - coef[4 * b]! - coef[4 * b + 1]! * r - 0.5 * (coef[4 * b + 2]! + coef[4 * b + 3]! * r);
    out[i] = e;
    sq[b + 1]! += e * e;
    cnt[b + 1]! += 1;
  }
}

function divideByRms(out: Float32Array, grid: SpectrumGrid, rms: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    if (!grid.used[i]) continue;
    const s = rms[grid.bin[i]!]!;
    out[i] = s > 0 ? out[i]! / s : 0;
  }
}

/**
 * Per bin b, the mean of the squares over bins b ± max(2, round(halfWidth(b))), from per-bin sums and counts
 * stored one bin on (index b + 1), which are made running sums here, in place; 0 where the window is empty.
 */
function windowedMeanSquare(sq: Float64Array, cnt: Float64Array, halfWidth: (r: number) => number): Float64Array {
  const bins = sq.length - 1;
  for (let b = 1; b <= bins; b++) {
    sq[b]! += sq[b - 1]!;
    cnt[b]! += cnt[b - 1]!;
  }
  const out = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const w = Math.max(2, Math.round(halfWidth(b)));
    const lo = Math.max(0, b - w),
      hi = Math.min(bins - 1, b + w);
    const n = cnt[hi + 1]! - cnt[lo]!;
    out[b] = n > 0 ? (sq[hi + 1]! - sq[lo]!) / n : 0;
  }
  return out;
}

/** Ring amplitude β (≥ 0) over the variance of what the rings leave unexplained, times the RMS. */
function matchedWeights(
  passes: SamplePasses,
  coef: Float64Array,
  rms: Float64Array,
  halfWidth: (r: number) => number,
  out: Float64Array,
): void {
  const bins = out.length;
  const sq = new Float64Array(bins + 1),
    cnt = new Float64Array(bins + 1);
  passes.unexplainedSquares(coef, sq, cnt);
  const meanSquare = windowedMeanSquare(sq, cnt, halfWidth);
  let max = 0;
  for (let b = 0; b < bins; b++) {
    const variance = meanSquare[b]!;
    out[b] = variance > 0 ? (Math.max(0, coef[4 * b + 2]! + coef[4 * b + 3]! * b) * rms[b]!) / variance : 0;
    max = Math.max(max, out[b]!);
  }
  if (max > 0) for (let b = 0; b < bins; b++) out[b]! /= max;
}

/** Per bin (offset by one) Σ u² and count of what the rings leave of each used sample's residual. */
function unexplainedSquares(
  residual: Float32Array,
  model: Float32Array,
  grid: SpectrumGrid,
  coef: Float64Array,
  sq: Float64Array,
  cnt: Float64Array,
): void {
  for (let i = 0; i < residual.length; i++) {
    if (!grid.used[i]) continue;
    const b = grid.bin[i]!;
    const u = residual[i]! - (coef[4 * b + 2]! + coef[4 * b + 3]! * grid.radius[i]!) * (model[i]! - 0.5);
    sq[b + 1]! += u * u;
    cnt[b + 1]! += 1;
  }
}

/**
 * Per radial bin, least squares over the window of amplitude ≈ β0 + β1·r (+ (β2 + β3·r)·CTF²):
 * a smooth background and, with a model, ring contrast that may itself change across the window
 * (the envelope falls steeply at low frequency; a constant contrast would skew the rings).
 * Returns 4 coefficients per bin (β2 = β3 = 0 without a model).
 */
function localRegression(
  passes: SamplePasses,
  bins: number,
  halfWidth: (r: number) => number,
  withModel: boolean,
): Float64Array {
  const k = withModel ? 4 : 2;
  const tri = (k * (k + 1)) / 2,
    stride = tri + k;
  const sums = new Float64Array((bins + 1) * stride);
  passes.regressionSums(sums);
  for (let b = 1; b <= bins; b++) for (let j = 0; j < stride; j++) sums[b * stride + j]! += sums[(b - 1) * stride + j]!;
  const coef = new Float64Array(4 * bins);
  const m = new Float64Array(k * k),
    rhs = new Float64Array(k),
    work = new Float64Array(k * (k + 1));
  for (let b = 0; b < bins; b++) {
    const w = Math.max(2, Math.round(halfWidth(b)));
    const lo = Math.max(0, b - w),
      hi = Math.min(bins - 1, b + w);
    let t = 0;
    for (let p = 0; p < k; p++)
      for (let q = p; q < k; q++) {
        const v = sums[(hi + 1) * stride + t]! - sums[lo * stride + t]!;
        m[p * k + q] = m[q * k + p] = v;
        t++;
      }
    for (let p = 0; p < k; p++) rhs[p] = sums[(hi + 1) * stride + tri + p]! - sums[lo * stride + tri + p]!;
    // Fall back to fewer regressors when the window cannot separate them (e.g. too few rings).
    for (let use = k; use >= 1; use = use === 4 ? 2 : use - 1)
      if (solveLeading(m, rhs, k, use, work, coef, 4 * b)) break;
  }
  return coef;
}

/**
 * Per bin (offset by one, for the running sums that follow) the upper triangle of XᵀX and Xᵀa for the
 * regressors x = (1, r, m, r·m), written out: this loop runs over every sample five times per fit.
 */
function accumulateWithModel(
  amplitude: Float32Array,
  grid: SpectrumGrid,
  model: Float32Array,
  sums: Float64Array,
): void {
  for (let i = 0; i < amplitude.length; i++) {
    if (!grid.used[i]) continue;
    const r = grid.radius[i]!,
      a = amplitude[i]!,
      m = model[i]!,
      rm = r * m,
      o = (grid.bin[i]! + 1) * 14;
    sums[o]! += 1;
    sums[o + 1]! += r;
    sums[o + 2]! += m;
    sums[o + 3]! += rm;
    sums[o + 4]! += r * r;
    sums[o + 5]! += r * m;
    sums[o + 6]! += r * rm;
    sums[o + 7]! += m * m;
    sums[o + 8]! += m * rm;
    sums[o + 9]! += rm * rm;
    sums[o + 10]! += a;
    sums[o + 11]! += a * r;
    sums[o + 12]! += a * m;
    sums[o + 13]! += a * rm;
  }
}

/** As accumulateWithModel for x = (1, r). */
function accumulateLine(amplitude: Float32Array, grid: SpectrumGrid, sums: Float64Array): void {
  for (let i = 0; i < amplitude.length; i++) {
    if (!grid.used[i]) continue;
    const r = grid.radius[i]!,
      a = amplitude[i]!,
      o = (grid.bin[i]! + 1) * 5;
    sums[o]! += 1;
    sums[o + 1]! += r;
    sums[o + 2]! += r * r;
    sums[o + 3]! += a;
    sums[o + 4]! += a * r;
  }
}

/**
 * Solves the leading use × use block of a k × k system by Gauss-Jordan elimination with partial pivoting
 * into out[at …], in `work` (use × (use + 1), the right-hand side as the last column; no allocation: it
 * runs for every bin of every regression); false, out untouched, if singular.
 */
function solveLeading(
  m: Float64Array,
  rhs: Float64Array,
  k: number,
  use: number,
  work: Float64Array,
  out: Float64Array,
  at: number,
): boolean {
  const w = use + 1;
  for (let p = 0; p < use; p++) {
    for (let q = 0; q < use; q++) work[p * w + q] = m[p * k + q]!;
    work[p * w + use] = rhs[p]!;
  }
  for (let col = 0; col < use; col++) {
    let piv = col;
    for (let r = col + 1; r < use; r++) if (Math.abs(work[r * w + col]!) > Math.abs(work[piv * w + col]!)) piv = r;
    if (Math.abs(work[piv * w + col]!) < 1e-9 * Math.abs(work[0]! || 1) * (col === 0 ? 1 : 1e-3)) return false;
    if (piv !== col)
      for (let c = 0; c < w; c++) {
        const t = work[col * w + c]!;
        work[col * w + c] = work[piv * w + c]!;
        work[piv * w + c] = t;
      }
    for (let r = 0; r < use; r++) {
      if (r === col) continue;
      const f = work[r * w + col]! / work[col * w + col]!;
      for (let c = col; c <= use; c++) work[r * w + c]! -= f * work[col * w + c]!;
    }
  }
  for (let p = 0; p < 4; p++) out[at + p] = p < use ? work[p * w + use]! / work[p * w + p]! : 0;
  return true;
}
