import { nelderMead } from '../util/optimize.js';
import { annulus, chiConstants, correlation, modelSquared, modulation, ringPeriodPx, toUVAngle, type Annulus, type ChiConstants, type FitParameters, type Optics } from './fit-model.js';
import { fitQuality, fitThickness, type FitProfile } from './fit-quality.js';
import { normalizeSpectrum, spectrumGrid, type AmplitudeSpectrum, type NormalizedSpectrum, type SpectrumGrid } from './spectrum.js';

/**
 * Micrograph CTF fitting in CTFFIND's manner (Rohou & Grigorieff 2015): background-subtracted
 * amplitude spectrum, a 1D search of the rotational average over the defocus range (and phase shift),
 * a coarse astigmatism grid around the best candidates, simplex refinement of the 2D correlation,
 * then a second background estimate that knows where the rings are, and a final refinement.
 */
export interface CtfFitOptions {
  voltageKv?: number;
  csMm?: number;
  amplitudeContrast?: number;
  defocusMinA?: number;
  defocusMaxA?: number;
  /** Fit range, low and high resolution limits (Å); CTFFIND's defaults 30 and 5 Å. */
  fitLowResolutionA?: number;
  fitHighResolutionA?: number;
  findPhaseShift?: boolean;
  findThickness?: boolean;
  /** Largest |ΔfU − ΔfV| the coarse grid tries, Å. */
  maxAstigmatismA?: number;
}

export interface CtfFit {
  defocusUA: number;
  defocusVA: number;
  astigmatismAngleDeg: number;
  phaseShiftRad: number;
  crossCorrelation: number;
  fitResolutionA: number;
  thicknessA: number | null;
  profile: FitProfile;
  /** box × box, origin at the centre: normalised data on the left, the fitted CTF² on the right. */
  diagnostic: Float32Array;
  box: number;
}

export const CTF_FIT_DEFAULTS = { voltageKv: 300, csMm: 2.7, amplitudeContrast: 0.07, defocusMinA: 5000, defocusMaxA: 50000, fitLowResolutionA: 30, fitHighResolutionA: 5, maxAstigmatismA: 4000 };

export function fitCtf(spec: AmplitudeSpectrum, options: CtfFitOptions = {}): CtfFit {
  const o = { ...CTF_FIT_DEFAULTS, findPhaseShift: false, findThickness: false, ...options };
  validate(spec, o);
  const optics: Optics = { voltageKv: o.voltageKv, csMm: o.csMm, amplitudeContrast: o.amplitudeContrast, pixelSizeA: spec.pixelSizeA };
  const c = chiConstants(optics);
  const grid = spectrumGrid(spec.box);
  const kMin = 1 / o.fitLowResolutionA, kMax = Math.min(1 / o.fitHighResolutionA, 1 / (2 * spec.pixelSizeA));
  // Pass 1: background from a plain local regression, whose window spans a few dense rings.
  const coarse = normalizeSpectrum(spec.amplitude, grid, (r) => Math.max(4, Math.min(spec.box / 32, r / 3)));
  let data = annulus(grid, coarse, spec.pixelSizeA, kMin, kMax);
  const candidates = searchDefocus(c, grid, coarse.values, spec.pixelSizeA, kMin, kMax, o);
  let best = candidates.map((p) => refine(c, data, astigmatismGrid(c, data, p, o.maxAstigmatismA), o.findPhaseShift, 500)).sort((a, b) => b.score - a.score)[0]!;
  // Pass 2: background and contrast regressed with the fitted rings in the model, then refine again.
  for (let pass = 0; pass < 2; pass++) {
    const fine = normalizeWithModel(spec, grid, c, best.p);
    data = annulus(grid, fine, spec.pixelSizeA, kMin, Math.min(kMax, aliasingLimitInvA(c, best.p, spec)));
    best = refine(c, data, best.p, o.findPhaseShift, 100);
  }
  const normalized = normalizeWithModel(spec, grid, c, best.p).values;
  if (o.findThickness) best.p.thicknessA = fitThickness(c, best.p, grid, normalized, spec.pixelSizeA, kMin);
  const quality = fitQuality(c, best.p, grid, normalized, spec.pixelSizeA, kMin);
  const uv = toUVAngle(best.p);
  return {
    ...uv,
    phaseShiftRad: best.p.phaseShiftRad,
    crossCorrelation: correlation(c, best.p, data),
    fitResolutionA: quality.fitResolutionA,
    thicknessA: o.findThickness ? best.p.thicknessA : null,
    profile: quality.profile,
    diagnostic: diagnosticImage(normalized, modelSquared(c, best.p, grid, spec.pixelSizeA), grid),
    box: spec.box,
  };
}

function validate(spec: AmplitudeSpectrum, o: Required<CtfFitOptions>): void {
  if (!(spec.pixelSizeA > 0)) throw new RangeError(`pixel size must be positive, got ${spec.pixelSizeA} Å`);
  if (!(o.defocusMinA > 0 && o.defocusMaxA > o.defocusMinA)) throw new RangeError(`defocus range ${o.defocusMinA}:${o.defocusMaxA} Å is not a positive, increasing range`);
  if (!(o.fitLowResolutionA > o.fitHighResolutionA && o.fitHighResolutionA > 0)) throw new RangeError(`fit range ${o.fitLowResolutionA}:${o.fitHighResolutionA} Å must go from low to high resolution`);
  if (o.fitHighResolutionA < 2 * spec.pixelSizeA) throw new RangeError(`the fit's high-resolution limit ${o.fitHighResolutionA} Å is beyond Nyquist (${(2 * spec.pixelSizeA).toFixed(2)} Å)`);
}

function normalizeWithModel(spec: AmplitudeSpectrum, grid: SpectrumGrid, c: ChiConstants, p: FitParameters): NormalizedSpectrum {
  const model = modelSquared(c, p, grid, spec.pixelSizeA);
  return normalizeSpectrum(spec.amplitude, grid, (r) => Math.min(40, Math.max(3, 0.75 * ringPeriodPx(c, p.meanDefocusA, r, spec.box, spec.pixelSizeA), 0)), model);
}

/**
 * Rings closer than 2.5 pixels in the spectrum are aliased at this box size: the frequency where the
 * CTF² period (1/(2·λ·Δf·k), Cs ignored, which only widens it) shrinks to that, for the larger defocus.
 */
function aliasingLimitInvA(c: ChiConstants, p: FitParameters, spec: AmplitudeSpectrum): number {
  const dfMax = p.meanDefocusA + 0.5 * Math.hypot(p.ax, p.ay);
  return (spec.box * spec.pixelSizeA) / (2.5 * 2 * c.lambdaA * dfMax);
}

const NO_ASTIGMATISM = { ax: 0, ay: 0, thicknessA: 0 };

/**
 * The 1D search: correlation of the rotational average with the isotropic model over a defocus grid
 * fine enough that χ moves < ¼ rad at the highest fitted frequency; returns the best local maxima.
 */
function searchDefocus(c: ChiConstants, grid: SpectrumGrid, normalized: Float32Array, pixelSizeA: number, kMin: number, kMax: number, o: Required<CtfFitOptions>): FitParameters[] {
  const scale = 1 / (grid.box * pixelSizeA);
  const bins = Math.floor(grid.box / 2) + 1;
  const sum = new Float64Array(bins), n = new Float64Array(bins);
  for (let i = 0; i < normalized.length; i++) {
    if (!grid.used[i]) continue;
    const b = Math.round(grid.radius[i]!);
    sum[b]! += normalized[i]!;
    n[b]! += 1;
  }
  const k2: number[] = [], prof: number[] = [];
  for (let b = 0; b < bins; b++) {
    const k = b * scale;
    if (k >= kMin && k <= kMax && n[b]! > 0) {
      k2.push(k * k);
      prof.push(sum[b]! / n[b]!);
    }
  }
  const step = 0.25 / (c.a * kMax * kMax);
  const phases = o.findPhaseShift ? Array.from({ length: 32 }, (_, i) => (i * Math.PI) / 32) : [0];
  const scored: { p: FitParameters; score: number }[] = [];
  for (const phaseShiftRad of phases) {
    const row: { p: FitParameters; score: number }[] = [];
    for (let df = o.defocusMinA; df <= o.defocusMaxA; df += step) {
      const p = { ...NO_ASTIGMATISM, meanDefocusA: df, phaseShiftRad };
      row.push({ p, score: pearson(prof, k2.map((k) => modulation(c, p, k, df))) });
    }
    row.forEach((s, i) => {
      if ((i === 0 || s.score >= row[i - 1]!.score) && (i === row.length - 1 || s.score >= row[i + 1]!.score)) scored.push(s);
    });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, 5).map((s) => s.p);
}

/** Coarse astigmatism magnitudes × azimuths around a 1D candidate; the best start for the simplex. */
function astigmatismGrid(c: ChiConstants, data: Annulus, p: FitParameters, maxAstigmatismA: number): FitParameters {
  let best = p, bestScore = correlation(c, p, data);
  for (const ast of [250, 500, 1000, 1500, 2500, 4000, 6000].filter((a) => a <= maxAstigmatismA)) {
    for (let deg = 0; deg < 180; deg += 15) {
      const t = (2 * deg * Math.PI) / 180;
      const q = { ...p, ax: ast * Math.cos(t), ay: ast * Math.sin(t) };
      const s = correlation(c, q, data);
      if (s > bestScore) [best, bestScore] = [q, s];
    }
  }
  return best;
}

function refine(c: ChiConstants, data: Annulus, start: FitParameters, phase: boolean, step: number): { p: FitParameters; score: number } {
  const x0 = [start.meanDefocusA, start.ax, start.ay, ...(phase ? [start.phaseShiftRad] : [])];
  const toP = (x: number[]): FitParameters => ({ meanDefocusA: x[0]!, ax: x[1]!, ay: x[2]!, phaseShiftRad: phase ? x[3]! : start.phaseShiftRad, thicknessA: start.thicknessA });
  const r = nelderMead((x) => -correlation(c, toP(x), data), x0, { steps: [step, step, step, ...(phase ? [0.2] : [])], maxEvaluations: 600, tolerance: 1e-9 });
  const p = toP(r.x);
  if (phase) p.phaseShiftRad = ((p.phaseShiftRad % Math.PI) + Math.PI) % Math.PI;
  return { p, score: -r.value };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
  }
  const cov = sab - (sa * sb) / n, va = saa - (sa * sa) / n, vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** CTFFIND's diagnostic layout: data on the left half, the fit on the right, origin at the centre. */
function diagnosticImage(normalized: Float32Array, model: Float32Array, grid: SpectrumGrid): Float32Array {
  const n = grid.box, h = n / 2, out = new Float32Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const fx = x - h, fy = y - h;
      // Half-plane index of (fx, fy) or of its Friedel mate.
      const [ux, uy] = fx >= 0 ? [fx, fy] : [-fx, -fy];
      const i = ux + grid.nxh * ((uy + n) % n);
      if (ux >= grid.nxh) continue;
      out[x + n * y] = fx < 0 ? Math.max(-3, Math.min(3, normalized[i]!)) : 2 * model[i]! - 1;
    }
  return out;
}

export { type FitProfile } from './fit-quality.js';
