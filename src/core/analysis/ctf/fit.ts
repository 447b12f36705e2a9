// Micrograph CTF fitting in CTFFIND's manner (Rohou & Grigorieff 2015): background-subtracted
// amplitude spectrum, a 1D search of the rotational average over the defocus range (and phase shift),
// a coarse astigmatism grid around the best candidates, simplex refinement of the 2D correlation,
// then a second background estimate that knows where the rings are, and a final refinement.

import type { CtfEstimate } from '../../model/ctf.js';
import { nelderMead } from '../../util/optimize.js';
import { pearsonFromSums } from '../../util/stats.js';
import { fastCos } from '../../util/trig.js';
import {
  annulus,
  chiConstants,
  correlation,
  modelSquared,
  ringPeriodPx,
  toUVAngle,
  type Annulus,
  type ChiConstants,
  type FitParameters,
  type SpectrumPart,
} from './fit-model.js';
import { fitQuality, fitThickness, type FitProfile } from './fit-quality.js';
import type { AmplitudeSpectrum } from './periodogram.js';
import { normalizeSpectrum, spectrumGrid, type SpectrumGrid } from './spectrum.js';
import { CTF_FIT_DEFAULTS, type CtfFitOptions } from './fit-options.js';

/** A micrograph's fit: CTFFIND's numbers (as CtfEstimate has them) and what shows how good it is. */
export interface CtfFit extends Omit<CtfEstimate, 'micrograph' | 'tiltAxisDeg' | 'tiltAngleDeg'> {
  profile: FitProfile;
  /** box × box, origin at the centre: normalised data on the left, the fitted CTF² on the right. */
  diagnostic: Float32Array;
  box: number;
}

/**
 * Several spectra of one exposure whose defocus differs by known offsets — strips of a tilted image
 * parallel to the tilt axis — fitted together for the defocus at offset 0 (the image centre).
 */
export interface SpectrumSet {
  box: number;
  pixelSizeA: number;
  parts: { amplitude: Float32Array; offsetA: number; tiles: number }[];
}

export interface CtfSetFit extends CtfFit {
  /**
   * Per radial bin (k = bin / (box · pixel)), the tile-weighted amplitude of the rings in the *power*
   * spectrum (power = background + S·CTF², linear in CTF²): signal power × envelope², for exposure weights.
   */
  ringPower: Float64Array;
}

/** `simd` false: the TypeScript kernels (the caller's compute context). */
export function fitCtf(spec: AmplitudeSpectrum, options: CtfFitOptions = {}, simd = true): CtfFit {
  const set = {
    box: spec.box,
    pixelSizeA: spec.pixelSizeA,
    parts: [{ amplitude: spec.amplitude, offsetA: 0, tiles: spec.tiles }],
  };
  return fitSpectra(set, options, simd).fit;
}

/** A tilted exposure's strips fitted together, with the ring power its exposure weighting needs. */
export function fitCtfSet(set: SpectrumSet, options: CtfFitOptions = {}, simd = true): CtfSetFit {
  const { fit, grid, c, p } = fitSpectra(set, options, simd);
  return { ...fit, ringPower: ringPower(set, grid, c, p) };
}

function fitSpectra(
  set: SpectrumSet,
  options: CtfFitOptions,
  simd: boolean,
): { fit: CtfFit; grid: SpectrumGrid; c: ChiConstants; p: FitParameters } {
  const o = { ...CTF_FIT_DEFAULTS, findPhaseShift: false, findThickness: false, ...options };
  validate(set, o);
  const px = set.pixelSizeA;
  const c = chiConstants({
    voltageKv: o.voltageKv,
    csMm: o.csMm,
    amplitudeContrast: o.amplitudeContrast,
    pixelSizeA: px,
  });
  const grid = spectrumGrid(set.box, simd);
  const kMin = 1 / o.fitLowResolutionA,
    kMax = Math.min(1 / o.fitHighResolutionA, 1 / (2 * px));
  // Pass 1: background from a plain local regression, whose window spans a few dense rings.
  const coarse = set.parts.map((part) => ({
    spectrum: normalizeSpectrum(part.amplitude, grid, (r) => Math.max(4, Math.min(set.box / 32, r / 3))),
    offsetA: part.offsetA,
  }));
  let data = annulus(grid, coarse, px, kMin, kMax);
  const candidates = searchDefocus(c, grid, coarse, px, kMin, kMax, o);
  // The astigmatism grid ranks the candidates; the simplex refines the two best.
  const starts = candidates
    .map((p) => astigmatismGrid(c, data, p, o.maxAstigmatismA))
    .sort((a, b) => b.score - a.score)
    .slice(0, 2);
  let best = starts.map((g) => refine(c, data, g.p, o.findPhaseShift, 500)).sort((a, b) => b.score - a.score)[0]!;
  // Pass 2: background and contrast regressed with the fitted rings in the model, then refine again.
  const maxOffset = Math.max(...set.parts.map((q) => Math.abs(q.offsetA)));
  for (let pass = 0; pass < 2; pass++) {
    const fine = normalizeWithModel(set, grid, c, best.p);
    data = annulus(grid, fine, px, kMin, Math.min(kMax, aliasingLimitInvA(c, best.p, set, maxOffset)));
    best = refine(c, data, best.p, o.findPhaseShift, 100);
  }
  const final = normalizeWithModel(set, grid, c, best.p);
  const parts = final.map((f) => ({ values: f.spectrum.values, offsetA: f.offsetA }));
  if (o.findThickness) best.p.thicknessA = fitThickness(c, best.p, grid, parts, px, kMin);
  const quality = fitQuality(c, best.p, grid, parts, px, kMin);
  const centre = final.reduce((a, b) => (Math.abs(b.offsetA) < Math.abs(a.offsetA) ? b : a));
  const fit: CtfFit = {
    ...toUVAngle(best.p),
    phaseShiftRad: best.p.phaseShiftRad,
    crossCorrelation: correlation(c, best.p, data),
    fitResolutionA: quality.fitResolutionA,
    thicknessA: o.findThickness ? best.p.thicknessA : null,
    profile: quality.profile,
    diagnostic: diagnosticImage(
      centre.spectrum.values,
      modelSquared(c, { ...best.p, meanDefocusA: best.p.meanDefocusA + centre.offsetA }, grid, px),
      grid,
    ),
    box: set.box,
  };
  return { fit, grid, c, p: best.p };
}

function ringPower(set: SpectrumSet, grid: SpectrumGrid, c: ChiConstants, p: FitParameters): Float64Array {
  const total = set.parts.reduce((a, q) => a + q.tiles, 0);
  const out = new Float64Array(Math.floor(set.box / 2) + 1);
  const power = set.parts.map((part) => ({ ...part, amplitude: part.amplitude.map((a) => a * a) }));
  normalizeWithModel({ ...set, parts: power }, grid, c, p).forEach((part, i) =>
    part.spectrum.ringAmplitude.forEach((v, b) => (out[b]! += (v * set.parts[i]!.tiles) / total)),
  );
  return out;
}

function validate(spec: SpectrumSet, o: Required<CtfFitOptions>): void {
  if (!spec.parts.length) throw new RangeError('no spectrum to fit');
  if (!(spec.pixelSizeA > 0)) throw new RangeError(`pixel size must be positive, got ${spec.pixelSizeA} Å`);
  if (!(o.defocusMinA > 0 && o.defocusMaxA > o.defocusMinA))
    throw new RangeError(`defocus range ${o.defocusMinA}:${o.defocusMaxA} Å is not a positive, increasing range`);
  if (!(o.fitLowResolutionA > o.fitHighResolutionA && o.fitHighResolutionA > 0))
    throw new RangeError(
      `fit range ${o.fitLowResolutionA}:${o.fitHighResolutionA} Å must go from low to high resolution`,
    );
  if (o.fitHighResolutionA < 2 * spec.pixelSizeA)
    throw new RangeError(
      `the fit's high-resolution limit ${o.fitHighResolutionA} Å is beyond Nyquist ` +
        `(${(2 * spec.pixelSizeA).toFixed(2)} Å)`,
    );
}

function normalizeWithModel(set: SpectrumSet, grid: SpectrumGrid, c: ChiConstants, p: FitParameters): SpectrumPart[] {
  return set.parts.map((part) => {
    const q = { ...p, meanDefocusA: p.meanDefocusA + part.offsetA };
    const model = modelSquared(c, q, grid, set.pixelSizeA);
    const halfWidth = (r: number): number =>
      Math.min(40, Math.max(3, 0.75 * ringPeriodPx(c, q.meanDefocusA, r, set.box, set.pixelSizeA)));
    return { spectrum: normalizeSpectrum(part.amplitude, grid, halfWidth, model), offsetA: part.offsetA };
  });
}

/**
 * Rings closer than 2.5 pixels in the spectrum are aliased at this box size: the frequency where the
 * CTF² period (1/(2·λ·Δf·k), Cs ignored, which only widens it) shrinks to that, for the larger defocus.
 */
function aliasingLimitInvA(c: ChiConstants, p: FitParameters, spec: SpectrumSet, maxOffsetA: number): number {
  const dfMax = p.meanDefocusA + maxOffsetA + 0.5 * Math.hypot(p.astigmatismXA, p.astigmatismYA);
  return (spec.box * spec.pixelSizeA) / (2.5 * 2 * c.lambdaA * dfMax);
}

const NO_ASTIGMATISM = { astigmatismXA: 0, astigmatismYA: 0, thicknessA: 0 };

/**
 * The 1D search: correlation of the rotational average with the isotropic model over a defocus grid
 * fine enough that χ moves < ¼ rad at the highest fitted frequency; returns the best local maxima.
 */
function searchDefocus(
  c: ChiConstants,
  grid: SpectrumGrid,
  parts: SpectrumPart[],
  pixelSizeA: number,
  kMin: number,
  kMax: number,
  o: Required<CtfFitOptions>,
): FitParameters[] {
  const scale = 1 / (grid.box * pixelSizeA);
  const bins = Math.floor(grid.box / 2) + 1;
  const k2: number[] = [],
    prof: number[] = [],
    offset: number[] = [];
  for (const part of parts) {
    const sum = new Float64Array(bins),
      n = new Float64Array(bins);
    radialSums(part.spectrum.values, grid, sum, n);
    for (let b = 0; b < bins; b++) {
      const k = b * scale;
      if (k >= kMin && k <= kMax && n[b]! > 0) {
        k2.push(k * k);
        prof.push(sum[b]! / n[b]!);
        offset.push(part.offsetA);
      }
    }
  }
  const step = 0.25 / (c.a * kMax * kMax);
  const phases = o.findPhaseShift ? Array.from({ length: 32 }, (_, i) => (i * Math.PI) / 32) : [0];
  const scored: { p: FitParameters; score: number }[] = [];
  const profile = { k2: Float64Array.from(k2), value: Float64Array.from(prof), offset: Float64Array.from(offset) };
  for (const phaseShiftRad of phases) {
    const row: { p: FitParameters; score: number }[] = [];
    for (let df = o.defocusMinA; df <= o.defocusMaxA; df += step) {
      const p = { ...NO_ASTIGMATISM, meanDefocusA: df, phaseShiftRad };
      row.push({ p, score: profileScore(c, profile, df, phaseShiftRad) });
    }
    row.forEach((s, i) => {
      if ((i === 0 || s.score >= row[i - 1]!.score) && (i === row.length - 1 || s.score >= row[i + 1]!.score))
        scored.push(s);
    });
  }
  return scored
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .map((s) => s.p);
}

/** Per radial bin, the sum and count of the used samples (a pass of its own: see annulus in fit-model.ts). */
function radialSums(values: Float32Array, grid: SpectrumGrid, sum: Float64Array, n: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!grid.used[i]) continue;
    const b = grid.bin[i]!;
    sum[b]! += values[i]!;
    n[b]! += 1;
  }
}

/**
 * Pearson's r of the rotational average against the isotropic ring modulation at defocus df, in one pass
 * over typed arrays (~450 defoci per micrograph): the sums of pearson() over modulation()'s values, in
 * the same order, so the same score to the last bit.
 */
function profileScore(
  c: ChiConstants,
  s: { k2: Float64Array; value: Float64Array; offset: Float64Array },
  df: number,
  phaseShiftRad: number,
): number {
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = 0; i < s.k2.length; i++) {
    const q = s.k2[i]!,
      x = s.value[i]!;
    const y = -fastCos(2 * (c.a * q * (df + s.offset[i]! - c.b * q) + c.phase0 + phaseShiftRad));
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return pearsonFromSums(s.k2.length, sa, sb, saa, sbb, sab);
}

/** Coarse astigmatism magnitudes × azimuths around a 1D candidate; the best start for the simplex. */
function astigmatismGrid(
  c: ChiConstants,
  data: Annulus,
  p: FitParameters,
  maxAstigmatismA: number,
): { p: FitParameters; score: number } {
  // Every third sample is plenty to rank a coarse grid.
  let best = p,
    bestScore = correlation(c, p, data, 3);
  for (const ast of [250, 500, 1000, 1500, 2500, 4000, 6000].filter((a) => a <= maxAstigmatismA)) {
    for (let deg = 0; deg < 180; deg += 15) {
      const t = (2 * deg * Math.PI) / 180;
      const q = { ...p, astigmatismXA: ast * Math.cos(t), astigmatismYA: ast * Math.sin(t) };
      const s = correlation(c, q, data, 3);
      if (s > bestScore) [best, bestScore] = [q, s];
    }
  }
  return { p: best, score: bestScore };
}

function refine(
  c: ChiConstants,
  data: Annulus,
  start: FitParameters,
  phase: boolean,
  step: number,
): { p: FitParameters; score: number } {
  const x0 = [start.meanDefocusA, start.astigmatismXA, start.astigmatismYA, ...(phase ? [start.phaseShiftRad] : [])];
  const toP = (x: number[]): FitParameters => ({
    meanDefocusA: x[0]!,
    astigmatismXA: x[1]!,
    astigmatismYA: x[2]!,
    phaseShiftRad: phase ? x[3]! : start.phaseShiftRad,
    thicknessA: start.thicknessA,
  });
  const r = nelderMead((x) => -correlation(c, toP(x), data), x0, {
    steps: [step, step, step, ...(phase ? [0.2] : [])],
    maxEvaluations: 600,
    tolerance: 1e-7,
  });
  const p = toP(r.x);
  if (phase) p.phaseShiftRad = ((p.phaseShiftRad % Math.PI) + Math.PI) % Math.PI;
  return { p, score: -r.value };
}

/** CTFFIND's diagnostic layout: data on the left half, the fit on the right, origin at the centre. */
function diagnosticImage(normalized: Float32Array, model: Float32Array, grid: SpectrumGrid): Float32Array {
  const n = grid.box,
    h = n / 2,
    out = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    const fy = y - h;
    // Left half: the data at the Friedel mate (−fx, −fy) of each sample; right half: the fit at (fx, fy).
    const mate = grid.nxh * ((n - fy) % n),
      own = grid.nxh * ((fy + n) % n);
    for (let x = 0; x < n; x++) {
      const fx = x - h;
      if (fx < 0) {
        if (-fx < grid.nxh) out[x + n * y] = Math.max(-3, Math.min(3, normalized[mate - fx]!));
      } else if (fx < grid.nxh) out[x + n * y] = 2 * model[own + fx]! - 1;
    }
  }
  return out;
}

export { type FitProfile } from './fit-quality.js';
