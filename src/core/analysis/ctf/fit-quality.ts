import { pearson } from '../../util/stats.js';
import { modulation, ringPeriodPx, sinc, type ChiConstants, type FitParameters } from './fit-model.js';
import type { SpectrumGrid } from './spectrum.js';
import { simdEquiPhase } from './spectrum-simd.js';

/**
 * How far the fit holds. The normalised spectrum is averaged along the fitted iso-phase curves
 * (CTFFIND 4.1's "equi-phase average": each sample moved to the frequency where an unastigmatic CTF
 * with the mean defocus has the same phase), compared with the model in a window of about two rings
 * at every frequency; the fit resolution is where that correlation first falls below
 * max(0.5, 2/√n) — half, or twice the noise level of a correlation over n bins.
 */
export interface FitProfile {
  spatialFrequencyInvA: number[];
  /** Equi-phase average of the normalised spectrum. */
  data: number[];
  /** The fitted ring modulation (−cos 2χ, with the thickness term), same scale. */
  fit: number[];
  /** Windowed correlation of data and fit. */
  correlation: number[];
  threshold: number[];
}

export const FIT_CORRELATION_THRESHOLD = 0.5;

interface EquiPhase {
  bMin: number;
  bins: number;
  data: Float64Array;
  count: Float64Array;
  scale: number;
}

/** Normalised spectra with the defocus offsets of their regions (one part, offset 0, for a flat micrograph). */
export interface NormalizedPart {
  values: Float32Array;
  offsetA: number;
}

function equiPhaseAverage(
  c: ChiConstants,
  p: FitParameters,
  grid: SpectrumGrid,
  parts: NormalizedPart[],
  pixelSizeA: number,
  kMinInvA: number,
): EquiPhase {
  const scale = 1 / (grid.box * pixelSizeA);
  const bins = Math.floor(grid.box / 2) + 1;
  const data = new Float64Array(bins),
    count = new Float64Array(bins);
  const kernels = grid.kernels;
  for (const part of parts)
    if (kernels) simdEquiPhase(kernels, grid, c, p, part, scale, kMinInvA, data, count);
    else accumulateEquiPhase(c, p, grid, part, scale, kMinInvA, data, count);
  for (let b = 0; b < bins; b++) if (count[b]! > 0) data[b]! /= count[b]!;
  return { bMin: Math.ceil(kMinInvA / scale), bins, data, count, scale };
}

/** One part's samples into the equi-phase bins (a pass of its own: see annulus in fit-model.ts). */
function accumulateEquiPhase(
  c: ChiConstants,
  p: FitParameters,
  grid: SpectrumGrid,
  { values: normalized, offsetA }: NormalizedPart,
  scale: number,
  kMinInvA: number,
  data: Float64Array,
  count: Float64Array,
): void {
  const bins = data.length;
  const mean = p.meanDefocusA,
    qa = c.a * c.b,
    qb = c.a * mean;
  for (let i = 0; i < normalized.length; i++) {
    if (!grid.used[i]) continue;
    const k = grid.radius[i]! * scale;
    if (k < kMinInvA) continue;
    const k2 = k * k;
    const df = mean + offsetA + 0.5 * (p.astigmatismXA * grid.cos2[i]! + p.astigmatismYA * grid.sin2[i]!);
    const chi = c.a * k2 * (df - c.b * k2);
    // a·b·u² − a·Δf̄·u + χ = 0 for u = k_eq², the root on the same side of the Cs turn-over.
    const disc = qb * qb - 4 * qa * chi;
    if (disc < 0) continue;
    const u = qa > 0 ? (qb - Math.sqrt(disc)) / (2 * qa) : chi / qb;
    if (!(u > 0)) continue;
    const b = Math.round(Math.sqrt(u) / scale);
    if (b >= bins) continue;
    data[b]! += normalized[i]!;
    count[b]! += 1;
  }
}

function isoModel(c: ChiConstants, p: FitParameters, e: EquiPhase): Float64Array {
  const m = new Float64Array(e.bins);
  for (let b = 0; b < e.bins; b++) {
    const k = b * e.scale;
    m[b] = modulation(c, p, k * k, p.meanDefocusA);
  }
  return m;
}

export function fitQuality(
  c: ChiConstants,
  p: FitParameters,
  grid: SpectrumGrid,
  parts: NormalizedPart[],
  pixelSizeA: number,
  kMinInvA: number,
): { fitResolutionA: number; profile: FitProfile } {
  const e = equiPhaseAverage(c, p, grid, parts, pixelSizeA, kMinInvA);
  const model = isoModel(c, p, e);
  const profile: FitProfile = { spatialFrequencyInvA: [], data: [], fit: [], correlation: [], threshold: [] };
  let lastGood = e.bMin,
    failed = false;
  const first = e.bMin;
  for (let b = first; b < e.bins; b++) {
    const w = Math.max(3, Math.round(ringPeriodPx(c, p.meanDefocusA, b, grid.box, pixelSizeA)));
    const lo = Math.max(first, b - w),
      hi = Math.min(e.bins - 1, b + w);
    const cc = pearson(e.data, model, lo, hi);
    const threshold = Math.max(FIT_CORRELATION_THRESHOLD, 2 / Math.sqrt(hi - lo + 1));
    profile.spatialFrequencyInvA.push(b * e.scale);
    profile.data.push(e.data[b]!);
    profile.fit.push(model[b]!);
    profile.correlation.push(cc);
    profile.threshold.push(threshold);
    // Rings finer than two pixels are aliased: the fit cannot be trusted past them.
    const sampled = ringPeriodPx(c, p.meanDefocusA, b, grid.box, pixelSizeA) >= 2;
    if (!failed && cc >= threshold && sampled) lastGood = b;
    else if (b > first + w) failed = true;
  }
  return { fitResolutionA: 1 / (Math.max(lastGood, 1) * e.scale), profile };
}

/**
 * CTFFIND5-style specimen thickness (Elferich et al. 2024: ring contrast × sinc(π·λ·k²·t)). The
 * equi-phase average is demodulated against the thickness-free rings — per frequency, the local
 * least-squares ring amplitude a(k) with its standard error — and a(k) is fitted by
 * C·exp(−β1·k − β2·k²)·sinc(π·λ·k²·t): the sign reversals of a(k) carry t, the envelope absorbs the
 * rest. Grid over t (20 Å) and β, C by linear least squares, then golden-section refinement of t.
 */
export function fitThickness(
  c: ChiConstants,
  p: FitParameters,
  grid: SpectrumGrid,
  parts: NormalizedPart[],
  pixelSizeA: number,
  kMinInvA: number,
  maxThicknessA = 4000,
): number {
  const e = equiPhaseAverage(c, p, grid, parts, pixelSizeA, kMinInvA);
  const m0 = isoModel(c, { ...p, thicknessA: 0 }, e);
  const k2: number[] = [],
    amp: number[] = [],
    weight: number[] = [];
  for (let b = e.bMin; b < e.bins; b++) {
    if (ringPeriodPx(c, p.meanDefocusA, b, grid.box, pixelSizeA) < 2) break;
    const w = Math.max(3, Math.round(ringPeriodPx(c, p.meanDefocusA, b, grid.box, pixelSizeA)));
    const lo = Math.max(e.bMin, b - w),
      hi = Math.min(e.bins - 1, b + w);
    let sdm = 0,
      smm = 0;
    for (let j = lo; j <= hi; j++) {
      sdm += e.data[j]! * m0[j]!;
      smm += m0[j]! * m0[j]!;
    }
    if (!(smm > 0)) continue;
    const a = sdm / smm;
    let res = 0;
    for (let j = lo; j <= hi; j++) res += (e.data[j]! - a * m0[j]!) ** 2;
    const variance = res / Math.max(1, hi - lo) / smm;
    if (!(variance > 0)) continue;
    k2.push((b * e.scale) ** 2);
    amp.push(a);
    weight.push(1 / variance);
  }
  // Envelopes exp(−β1·k − β2·k²): flat-then-falling as normalised ring contrast is, so that the
  // sinc is not asked to model the envelope's shape (which biases t low).
  const k = k2.map(Math.sqrt);
  const envelopes: Float64Array[] = [];
  for (let b1 = -20; b1 <= 60; b1 += 4)
    for (let b2 = 0; b2 <= 200; b2 += 10)
      envelopes.push(Float64Array.from(k, (q, i) => Math.exp(-b1 * q - b2 * k2[i]!)));
  const misfit = (t: number, env: Float64Array): number => {
    let sfa = 0,
      sff = 0;
    for (let i = 0; i < k.length; i++) {
      const f = env[i]! * sinc(c.a * k2[i]! * t);
      sfa += weight[i]! * f * amp[i]!;
      sff += weight[i]! * f * f;
    }
    const scale = sff > 0 ? Math.max(0, sfa / sff) : 0;
    let chi2 = 0;
    for (let i = 0; i < k.length; i++) chi2 += weight[i]! * (amp[i]! - scale * env[i]! * sinc(c.a * k2[i]! * t)) ** 2;
    return chi2;
  };
  let best = { t: 0, env: envelopes[0]!, chi2: Infinity };
  for (let t = 0; t <= maxThicknessA; t += 20)
    for (const env of envelopes) {
      const chi2 = misfit(t, env);
      if (chi2 < best.chi2) best = { t, env, chi2 };
    }
  let lo = Math.max(0, best.t - 20),
    hi = best.t + 20;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 20; it++) {
    const x1 = hi - g * (hi - lo),
      x2 = lo + g * (hi - lo);
    if (misfit(x1, best.env) < misfit(x2, best.env)) hi = x2;
    else lo = x1;
  }
  return (lo + hi) / 2;
}
