import { simdTilePower } from '../../fourier/rfft-simd.js';
import { simdKernels } from '../../fourier/simd.js';
import { halfLength, signedFrequency, type Spectrum } from '../../fourier/rfft3d.js';
import { forwardPlanes } from '../../fourier/rfft3d.js';

/**
 * The averaged amplitude spectrum of a micrograph (Welch's periodogram: overlapping tiles, each
 * mean-subtracted, |F|² averaged, square root), the input of CTF fitting as in CTFFIND
 * (Rohou & Grigorieff 2015). Half-plane FFT layout: x = 0 … box/2 fastest, rows y = 0 … box − 1
 * with signed frequency signedFrequency(y, box).
 */
export interface AmplitudeSpectrum {
  box: number;
  pixelSizeA: number;
  nxh: number;
  amplitude: Float32Array;
  tiles: number;
}

/** Tiles transformed per batch: enough to amortise plan set-up, small enough for cache. */
const TILE_BATCH = 8;

export function tiledAmplitudeSpectrum(
  image: ArrayLike<number>,
  nx: number,
  ny: number,
  pixelSizeA: number,
  box = 512,
): AmplitudeSpectrum {
  const [group] = tiledGroups(image, nx, ny, pixelSizeA, box, () => 0, 1);
  return group!;
}

/**
 * Tiles grouped by `groupOf(tile centre x, y in pixels from the image centre)` (a group index, or −1 to
 * skip the tile): one averaged amplitude spectrum per group, for strips of a tilted image.
 */
export function tiledGroups(
  image: ArrayLike<number>,
  nx: number,
  ny: number,
  pixelSizeA: number,
  box: number,
  groupOf: (xPx: number, yPx: number) => number,
  groups: number,
): AmplitudeSpectrum[] {
  if (image.length < nx * ny) throw new RangeError(`image holds ${image.length} values, expected ${nx}×${ny}`);
  const size = Math.min(box, nx - (nx % 2), ny - (ny % 2));
  if (size < 64)
    throw new RangeError(`the image (${nx}×${ny} px) is too small for a CTF fit: it needs at least 64×64 pixels`);
  const starts = (n: number): number[] => {
    const count = Math.max(1, Math.floor((n - size) / (size / 2)) + 1);
    const slack = n - size - (count - 1) * (size / 2);
    // Centre the tiling so that the unused border is split evenly.
    return Array.from({ length: count }, (_, i) => Math.floor(slack / 2) + (i * size) / 2);
  };
  const xs = starts(nx),
    ys = starts(ny);
  const origins = ys
    .flatMap((y0) => xs.map((x0) => [x0, y0] as const))
    .map((o) => ({ o, g: groupOf(o[0] + size / 2 - nx / 2, o[1] + size / 2 - ny / 2) }))
    .filter((t) => t.g >= 0 && t.g < groups);
  const nxh = halfLength(size);
  const power = Array.from({ length: groups }, () => new Float64Array(nxh * size));
  const counts = new Array<number>(groups).fill(0);
  for (const t of origins) counts[t.g]!++;
  const simd = simdKernels();
  if (simd) {
    const pixels = image instanceof Float32Array || image instanceof Float64Array ? image : Float64Array.from(image);
    simdTilePower(
      simd,
      pixels,
      nx,
      size,
      origins.map((t) => t.o),
      origins.map((t) => t.g),
      power,
    );
  } else {
    scalarTilePower(image, nx, size, origins, power);
  }
  return power.map((acc, g) => {
    // Each tile's mean is subtracted before its transform, which zeroes F(0) and changes nothing else:
    // the sum of the tile sits in F(0) alone, so it is zeroed here instead of subtracted from every pixel.
    acc[0] = 0;
    const amplitude = new Float32Array(nxh * size);
    const norm = counts[g]! ? 1 / (counts[g]! * size * size) : 0;
    for (let i = 0; i < amplitude.length; i++) amplitude[i] = Math.sqrt(acc[i]! * norm);
    return { box: size, pixelSizeA, nxh, amplitude, tiles: counts[g]! };
  });
}

/** The TypeScript kernels' periodogram: tiles copied out in batches, transformed, |F|² summed. */
function scalarTilePower(
  image: ArrayLike<number>,
  nx: number,
  size: number,
  origins: { o: readonly [number, number]; g: number }[],
  power: Float64Array[],
): void {
  const nxh = halfLength(size);
  const batch = Math.max(1, Math.min(TILE_BATCH, origins.length));
  const tiles = new Float32Array(size * size * batch);
  const spec: Spectrum = { nx: size, ny: size, nz: batch, nxh, data: new Float64Array(2 * nxh * size * batch) };
  for (let first = 0; first < origins.length; first += batch) {
    const count = Math.min(batch, origins.length - first);
    for (let t = 0; t < count; t++) copyTile(image, nx, origins[first + t]!.o, size, tiles, t * size * size);
    forwardPlanes(tiles, spec, 0, count);
    const d = spec.data;
    for (let t = 0; t < count; t++) {
      const acc = power[origins[first + t]!.g]!,
        off = 2 * nxh * size * t;
      for (let i = 0; i < nxh * size; i++) {
        const re = d[off + 2 * i]!,
          im = d[off + 2 * i + 1]!;
        acc[i]! += re * re + im * im;
      }
    }
  }
}

function copyTile(
  image: ArrayLike<number>,
  nx: number,
  [x0, y0]: readonly [number, number],
  size: number,
  out: Float32Array,
  off: number,
): void {
  for (let y = 0; y < size; y++) {
    const row = (y0 + y) * nx + x0;
    for (let x = 0; x < size; x++) out[off + y * size + x] = image[row + x]!;
  }
}

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
}

const grids = new Map<number, SpectrumGrid>();

export function spectrumGrid(box: number): SpectrumGrid {
  let grid = grids.get(box);
  if (!grid) {
    grid = makeGrid(box);
    // A facility run fits one or two box sizes; a few grids of ~2 MB each are worth keeping.
    if (grids.size >= 4) grids.clear();
    grids.set(box, grid);
  }
  return grid;
}

function makeGrid(box: number): SpectrumGrid {
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
        r = Math.hypot(x, fy);
      radius[i] = r;
      bin[i] = Math.round(r);
      used[i] = x > 1 && Math.abs(fy) > 1 && r <= box / 2 && !(x === box / 2 && fy < 0) ? 1 : 0;
      const a = Math.atan2(fy, x);
      cos2[i] = Math.cos(2 * a);
      sin2[i] = Math.sin(2 * a);
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
  const bins = Math.floor(grid.box / 2) + 1;
  const coef = localRegression(amplitude, grid, halfWidth, model);
  const out = new Float32Array(amplitude.length);
  const sq = new Float64Array(bins + 1),
    cnt = new Float64Array(bins + 1);
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
  for (let b = 1; b <= bins; b++) {
    sq[b]! += sq[b - 1]!;
    cnt[b]! += cnt[b - 1]!;
  }
  const rms = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const w = Math.max(2, Math.round(halfWidth(b)));
    const lo = Math.max(0, b - w),
      hi = Math.min(bins - 1, b + w);
    const n = cnt[hi + 1]! - cnt[lo]!;
    rms[b] = n > 0 ? Math.sqrt((sq[hi + 1]! - sq[lo]!) / n) : 0;
  }
  const binWeight = new Float64Array(bins).fill(1);
  if (model) matchedWeights(out, model, grid, coef, rms, halfWidth, binWeight);
  const ringAmplitude = new Float64Array(bins);
  for (let b = 0; b < bins; b++) ringAmplitude[b] = coef[4 * b + 2]! + coef[4 * b + 3]! * b;
  for (let i = 0; i < out.length; i++) {
    if (!grid.used[i]) continue;
    const s = rms[grid.bin[i]!]!;
    out[i] = s > 0 ? out[i]! / s : 0;
  }
  return { values: out, binWeight, ringAmplitude };
}

/** Ring amplitude β (≥ 0) over the variance of what the rings leave unexplained, times the RMS. */
function matchedWeights(
  residual: Float32Array,
  model: Float32Array,
  grid: SpectrumGrid,
  coef: Float64Array,
  rms: Float64Array,
  halfWidth: (r: number) => number,
  out: Float64Array,
): void {
  const bins = out.length;
  const sq = new Float64Array(bins + 1),
    cnt = new Float64Array(bins + 1);
  for (let i = 0; i < residual.length; i++) {
    if (!grid.used[i]) continue;
    const b = grid.bin[i]!;
    const u = residual[i]! - (coef[4 * b + 2]! + coef[4 * b + 3]! * grid.radius[i]!) * (model[i]! - 0.5);
    sq[b + 1]! += u * u;
    cnt[b + 1]! += 1;
  }
  for (let b = 1; b <= bins; b++) {
    sq[b]! += sq[b - 1]!;
    cnt[b]! += cnt[b - 1]!;
  }
  let max = 0;
  for (let b = 0; b < bins; b++) {
    const w = Math.max(2, Math.round(halfWidth(b)));
    const lo = Math.max(0, b - w),
      hi = Math.min(bins - 1, b + w);
    const n = cnt[hi + 1]! - cnt[lo]!;
    const variance = n > 0 ? (sq[hi + 1]! - sq[lo]!) / n : 0;
    out[b] = variance > 0 ? (Math.max(0, coef[4 * b + 2]! + coef[4 * b + 3]! * b) * rms[b]!) / variance : 0;
    max = Math.max(max, out[b]!);
  }
  if (max > 0) for (let b = 0; b < bins; b++) out[b]! /= max;
}

/**
 * Per radial bin, least squares over the window of amplitude ≈ β0 + β1·r (+ (β2 + β3·r)·CTF²):
 * a smooth background and, with a model, ring contrast that may itself change across the window
 * (the envelope falls steeply at low frequency; a constant contrast would skew the rings).
 * Returns 4 coefficients per bin (β2 = β3 = 0 without a model).
 */
function localRegression(
  amplitude: Float32Array,
  grid: SpectrumGrid,
  halfWidth: (r: number) => number,
  model?: Float32Array,
): Float64Array {
  const bins = Math.floor(grid.box / 2) + 1;
  const k = model ? 4 : 2;
  const tri = (k * (k + 1)) / 2,
    stride = tri + k;
  const sums = new Float64Array((bins + 1) * stride);
  if (model) accumulateWithModel(amplitude, grid, model, sums);
  else accumulateLine(amplitude, grid, sums);
  for (let b = 1; b <= bins; b++) for (let j = 0; j < stride; j++) sums[b * stride + j]! += sums[(b - 1) * stride + j]!;
  const coef = new Float64Array(4 * bins);
  const m = new Float64Array(k * k),
    rhs = new Float64Array(k);
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
    for (let use = k; use >= 1; use = use === 4 ? 2 : use - 1) {
      const beta = solveSymmetric(m, rhs, k, use);
      if (beta) {
        coef.set(beta, 4 * b);
        break;
      }
    }
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

/** Solves the leading use × use block of a k × k system by Gaussian elimination; null if singular. */
function solveSymmetric(m: Float64Array, rhs: Float64Array, k: number, use: number): number[] | null {
  const a = Array.from({ length: use }, (_, p) => [...Array.from({ length: use }, (_, q) => m[p * k + q]!), rhs[p]!]);
  for (let col = 0; col < use; col++) {
    let piv = col;
    for (let r = col + 1; r < use; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    if (Math.abs(a[piv]![col]!) < 1e-9 * Math.abs(a[0]![0]! || 1) * (col === 0 ? 1 : 1e-3)) return null;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    for (let r = 0; r < use; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= use; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const out = [0, 0, 0, 0];
  for (let p = 0; p < use; p++) out[p] = a[p]![use]! / a[p]![p]!;
  return out;
}
