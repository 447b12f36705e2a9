import { wavelengthA } from '../../model/ctf-physics.js';
import { pearsonFromSums } from '../../util/stats.js';
import { fastCos } from '../../util/trig.js';
import type { SimdKernels } from '../../fourier/simd.js';
import { simdCorrelation } from './score-simd.js';
import { simdAnnulus, simdModelSquared } from './spectrum-simd.js';
import type { NormalizedSpectrum, SpectrumGrid } from './spectrum.js';

/**
 * The CTF model as the fit sees it: astigmatism as the vector (astigmatismXA, astigmatismYA) = (ΔfU − ΔfV)·(cos 2θ,
 * sin 2θ),
 * smooth through zero astigmatism (an angle would be undefined there), so that
 * Δf(α) = mean + ½(X·cos 2α + Y·sin 2α). The fitted shape is the Thon-ring modulation −cos 2χ
 * (CTF² = ½(1 − cos 2χ)), times sinc(π·λ·k²·t) for a specimen of thickness t (CTFFIND5,
 * Elferich et al. 2024: the power of a slab is ½[1 − sinc(π·λ·k²·t)·cos 2χ]).
 */
export interface FitParameters {
  meanDefocusA: number;
  astigmatismXA: number;
  astigmatismYA: number;
  phaseShiftRad: number;
  thicknessA: number;
}

export interface Optics {
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  pixelSizeA: number;
}

/** Constants of χ(k²): χ = a·k²·(Δf − b·k²) + φ₀ + phase shift. */
export interface ChiConstants {
  lambdaA: number;
  a: number;
  b: number;
  phase0: number;
}

export function chiConstants(o: Optics): ChiConstants {
  const l = wavelengthA(o.voltageKv),
    w = o.amplitudeContrast;
  return { lambdaA: l, a: Math.PI * l, b: 0.5 * l * l * o.csMm * 1e7, phase0: Math.atan(w / Math.sqrt(1 - w * w)) };
}

export function sinc(x: number): number {
  return Math.abs(x) < 1e-8 ? 1 : Math.sin(x) / x;
}

/** The ring modulation at squared frequency k2 (1/Å²) with defocus df (Å). */
export function modulation(c: ChiConstants, p: FitParameters, k2: number, df: number): number {
  const chi = c.a * k2 * (df - c.b * k2) + c.phase0 + p.phaseShiftRad;
  const m = -fastCos(2 * chi);
  return p.thicknessA > 0 ? m * sinc(c.a * k2 * p.thicknessA) : m;
}

/**
 * The samples of one frequency annulus, gathered once so that each evaluation is a tight loop. Read only
 * once scored: the WebAssembly kernels keep a copy of the annulus they last scored.
 */
export interface Annulus {
  k2: Float64Array;
  /** Defocus offset of each sample's spectrum (a strip of a tilted image), Å. */
  offset: Float32Array;
  cos2: Float32Array;
  sin2: Float32Array;
  value: Float32Array;
  /** The kernels its scores run on (its grid's). */
  kernels: SimdKernels | null;
}

/** A normalised spectrum and the defocus offset of the region it came from (0 for an untilted micrograph). */
export interface SpectrumPart {
  spectrum: NormalizedSpectrum;
  offsetA: number;
}

export function annulus(
  grid: SpectrumGrid,
  parts: SpectrumPart[],
  pixelSizeA: number,
  kMinInvA: number,
  kMaxInvA: number,
): Annulus {
  const scale = 1 / (grid.box * pixelSizeA);
  const kernels = grid.kernels;
  if (kernels) {
    const gathered = parts.map((p) => ({ ...p.spectrum, offsetA: p.offsetA }));
    return simdAnnulus(kernels, grid, gathered, scale, kMinInvA, kMaxInvA);
  }
  const idx = annulusIndices(grid, scale, kMinInvA, kMaxInvA);
  const n = idx.length * parts.length;
  const out: Annulus = {
    k2: new Float64Array(n),
    offset: new Float32Array(n),
    cos2: new Float32Array(n),
    sin2: new Float32Array(n),
    value: new Float32Array(n),
    kernels: null,
  };
  let j = 0;
  for (const part of parts) j = fillAnnulus(out, j, idx, grid, scale, part);
  return out;
}

// One long loop per function (here and in spectrum.ts, fit-quality.ts): V8 optimises a loop while it runs,
// and code after it in the same function, not yet run, would throw that code away (measured: annulus compiled
// 7 times per worker over two micrographs, 35 ms).

/** The used samples whose frequency lies in [kMin, kMax]. */
function annulusIndices(grid: SpectrumGrid, scale: number, kMinInvA: number, kMaxInvA: number): Int32Array {
  const idx = new Int32Array(grid.radius.length);
  let n = 0;
  for (let i = 0; i < grid.radius.length; i++) {
    if (!grid.used[i]) continue;
    const k = grid.radius[i]! * scale;
    if (k >= kMinInvA && k <= kMaxInvA) idx[n++] = i;
  }
  return idx.subarray(0, n);
}

function fillAnnulus(
  out: Annulus,
  j: number,
  idx: Int32Array,
  grid: SpectrumGrid,
  scale: number,
  part: SpectrumPart,
): number {
  const { values, binWeight } = part.spectrum;
  for (let t = 0; t < idx.length; t++) {
    const i = idx[t]!;
    const k = grid.radius[i]! * scale;
    out.k2[j] = k * k;
    out.offset[j] = part.offsetA;
    out.cos2[j] = grid.cos2[i]!;
    out.sin2[j] = grid.sin2[i]!;
    out.value[j] = values[i]! * binWeight[grid.bin[i]!]!;
    j++;
  }
  return j;
}

/**
 * Pearson correlation between the data and the model over an annulus (CTFFIND's score). The hot loop
 * of every fit: 2χ = 2a·k²·Δf − 2a·b·k⁴ + 2φ with the k terms hoisted; `stride` > 1 scores every
 * stride-th sample (coarse grids).
 */
export function correlation(c: ChiConstants, p: FitParameters, s: Annulus, stride = 1): number {
  let sd = 0,
    sm = 0,
    sdd = 0,
    smm = 0,
    sdm = 0,
    n = 0;
  const len = s.k2.length,
    twoA = 2 * c.a,
    twoAB = 2 * c.a * c.b,
    twoPhase = 2 * (c.phase0 + p.phaseShiftRad);
  const mean = p.meanDefocusA,
    hx = 0.5 * p.astigmatismXA,
    hy = 0.5 * p.astigmatismYA,
    t = p.thicknessA;
  const k = t > 0 ? null : s.kernels;
  if (k) return simdCorrelation(k, s, stride, mean, hx, hy, twoA, twoAB, twoPhase);
  for (let i = 0; i < len; i += stride) {
    const k2 = s.k2[i]!;
    const df = mean + s.offset[i]! + hx * s.cos2[i]! + hy * s.sin2[i]!;
    let m = -fastCos(twoA * k2 * df - twoAB * k2 * k2 + twoPhase);
    if (t > 0) m *= sinc(c.a * k2 * t);
    const d = s.value[i]!;
    sd += d;
    sm += m;
    sdd += d * d;
    smm += m * m;
    sdm += d * m;
    n++;
  }
  return pearsonFromSums(n, sd, sm, sdd, smm, sdm);
}

/** CTF² (0 … 1) of every half-plane sample, for the background regression and the diagnostic image. */
export function modelSquared(c: ChiConstants, p: FitParameters, grid: SpectrumGrid, pixelSizeA: number): Float32Array {
  const scale = 1 / (grid.box * pixelSizeA);
  const kernels = p.thicknessA > 0 ? null : grid.kernels;
  if (kernels) return simdModelSquared(kernels, grid, scale, c, p);
  const out = new Float32Array(grid.radius.length);
  // modulation() written out with its constants in locals (the same arithmetic, to the last bit): called
  // per sample with a new parameter object each time, it ran at ~20 ns a sample.
  const { radius, cos2, sin2 } = grid;
  const { a, b, phase0 } = c;
  const { meanDefocusA: mean, astigmatismXA: ax, astigmatismYA: ay, phaseShiftRad: shift, thicknessA: t } = p;
  for (let i = 0; i < out.length; i++) {
    const k = radius[i]! * scale,
      k2 = k * k;
    const df = mean + 0.5 * (ax * cos2[i]! + ay * sin2[i]!);
    const m = -fastCos(2 * (a * k2 * (df - b * k2) + phase0 + shift));
    out[i] = 0.5 * (1 + (t > 0 ? m * sinc(a * k2 * t) : m));
  }
  return out;
}

/**
 * Period (in radial pixels) of the Thon rings at radius r: χ advances by π per ring of CTF²,
 * dχ/dk = 2π·λ·k·(Δf − λ²·k²·Cs).
 */
export function ringPeriodPx(c: ChiConstants, defocusA: number, r: number, box: number, pixelSizeA: number): number {
  const k = Math.max(r, 1) / (box * pixelSizeA);
  const slope = Math.abs(2 * c.a * k * (defocusA - 2 * c.b * k * k)) / (box * pixelSizeA);
  return slope > 0 ? Math.PI / slope : Infinity;
}

/** Defocus U ≥ V and the azimuth of U in [0°, 180°) from the fit's astigmatism vector. */
export function toUVAngle(p: FitParameters): { defocusUA: number; defocusVA: number; astigmatismAngleDeg: number } {
  const ast = Math.hypot(p.astigmatismXA, p.astigmatismYA);
  let angle = (0.5 * Math.atan2(p.astigmatismYA, p.astigmatismXA) * 180) / Math.PI;
  if (angle < 0) angle += 180;
  return {
    defocusUA: p.meanDefocusA + ast / 2,
    defocusVA: p.meanDefocusA - ast / 2,
    astigmatismAngleDeg: ast > 0 ? angle % 180 : 0,
  };
}
