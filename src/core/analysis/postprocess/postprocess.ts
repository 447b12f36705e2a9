import type { Warning } from '../../errors.js';
import { allocateReal, irfft3d, rfft3d } from '../../fourier/rfft3d.js';
import type { ProgressContext } from '../../util/progress.js';
import { computeFsc, type FscCompute, type FscOptions, type FscResult, type FscShell } from '../fsc/suite.js';
import type { AutoMask } from '../masks/masks.js';
import { fitLine, type LineFit } from './guinier.js';
import { scaleRadially } from '../../fourier/frequencies.js';
import {
  bfactorFactor,
  fscWeightingFactor,
  guinierFromRadial,
  lowPassFactor,
  mtfFactor,
  radialAmplitudes,
  type RadialFactor,
} from './spectrum-ops.js';
import type { CheckedMap } from '../../model/checked-map.js';

export type BfactorChoice =
  { kind: 'auto'; lowResA?: number; highResA?: number } | { kind: 'adhoc'; bfactorA2: number } | { kind: 'none' };

export interface Mtf {
  /** Spatial frequency in 1/pixel (RELION rlnResolutionInversePixel), ascending. */
  frequencyInvPx: Float64Array;
  value: Float64Array;
}

export interface PostprocessOptions extends FscOptions {
  bfactor: BfactorChoice;
  mtf?: Mtf;
  /**
   * Low-pass the sharpened map (raised cosine over 2 shells): a resolution in Å, 'resolution' for
   * the FSC resolution, or absent for none — RELION 3.1's default, where the FSC weighting already
   * removes the shells beyond where the corrected FSC vanishes.
   */
  lowPass?: number | 'resolution';
}

export interface GuinierShell {
  shell: number;
  invResolutionSquaredInvA2: number;
  lnAmplitudeOriginal: number;
  lnAmplitudeMtfCorrected: number | null;
  lnAmplitudeWeighted: number;
  lnAmplitudeSharpened: number;
  usedInFit: boolean;
}

export interface PostprocessResult {
  resolutionA: number | null;
  bfactorA2: number;
  bfactorFrom: 'auto' | 'adhoc' | 'none';
  guinier: { slope: number; intercept: number; r2: number; fitRangeA: [number, number] | null; points: number } | null;
  lowPassA: number | null;
  randomizeFromA: number | null;
  pixelSizeA: number;
  boxSize: number;
  /** The FSC per shell (same fields as `cryodx fsc`). */
  shells: FscShell[];
  /** The rest of the FSC result: crossings, curve shape, mask. */
  fsc: Omit<FscResult, 'shells' | 'warnings'>;
  guinierShells: GuinierShell[];
  warnings: Warning[];
}

export interface PostprocessOutput {
  result: PostprocessResult;
  /** Sharpened average of the half maps (RELION's postprocess.mrc). */
  sharpened: Float32Array;
  /** The sharpened map × mask (postprocess_masked.mrc), when a mask was used. */
  maskedSharpened: Float32Array | null;
  mask: Float32Array | null;
  autoMask: AutoMask | null;
}

/**
 * RELION 3.1 relion_postprocess: FSC suite, then on the sum of the unmasked half maps (FFT
 * normalised by 1/N³ as RELION's): Guinier plot, MTF correction, √(2·FSC/(1+FSC)) weighting,
 * straight-line fit of ln⟨|F|⟩ against 1/d² from 10 Å to where the weights vanish (B = 4·slope),
 * B-factor up to Nyquist, optional low-pass.
 */
export function postprocess(
  half1: CheckedMap,
  half2: CheckedMap,
  options: PostprocessOptions,
  progress?: ProgressContext,
  compute?: FscCompute,
): PostprocessOutput {
  const { result: fsc, autoMask, mask, scratch } = computeFsc(half1, half2, options, progress, compute);
  const { nx, ny, nz } = half1;
  const px = options.pixelSizeA;
  const n3 = nx * ny * nz;
  const warnings: Warning[] = [...fsc.warnings];
  const fscTrue = Float64Array.from(fsc.shells, (s) => s.fscCorrected ?? s.fscUnmasked);
  // RELION 3.1 sharpens the average of the unmasked halves (its map and Guinier intercept match this).
  // Into the suite's own buffers: the average, its spectrum, the sharpened map (and the masked one below).
  const sum = scratch.reals?.[0] ?? allocateReal(n3, compute);
  for (let i = 0; i < n3; i++) sum[i] = 0.5 * (half1.data[i]! + half2.data[i]!);
  const spec = rfft3d(sum, nx, ny, nz, scratch.spectra[0], null, compute);
  // Every filter below is radial: the Guinier curves come from one pass of |F| sums per |k|² and the
  // filters' product, and the map from one pass of that product (RELION's 1/N³ scaling of the spectrum
  // enters the curves only; it cancels in the map).
  const radial = radialAmplitudes(spec);
  const unit: RadialFactor = () => 1 / n3;
  const original = guinierFromRadial(radial, px, unit).lnAmplitude;
  const mtf = options.mtf ? mtfFactor(nx, options.mtf.frequencyInvPx, options.mtf.value) : null;
  const afterMtf: RadialFactor = mtf ? (r2) => mtf(r2) / n3 : unit;
  const mtfCorrected = mtf ? guinierFromRadial(radial, px, afterMtf).lnAmplitude : null;
  const weight = fscWeightingFactor(fscTrue);
  const weighted = guinierFromRadial(radial, px, (r2) => afterMtf(r2) * weight(r2));
  const { fit, used, range } = bfactorFit(weighted.invResolutionSquared, weighted.lnAmplitude, options.bfactor, px, nx);
  const bfactorA2 =
    options.bfactor.kind === 'auto' ? 4 * fit!.slope : options.bfactor.kind === 'adhoc' ? options.bfactor.bfactorA2 : 0;
  const sharpen = bfactorA2 !== 0 ? bfactorFactor(nx, px, bfactorA2) : () => 1;
  const sharpenedCurve = guinierFromRadial(radial, px, (r2) => afterMtf(r2) * weight(r2) * sharpen(r2)).lnAmplitude;
  const lowPassA = options.lowPass === 'resolution' ? fsc.resolutionA : (options.lowPass ?? null);
  const lowPass = lowPassA ? lowPassFactor(nx, px, lowPassA, 2) : () => 1;
  scaleRadially(spec, (r2) => (mtf ? mtf(r2) : 1) * weight(r2) * sharpen(r2) * lowPass(r2));
  const sharpened = irfft3d(spec, sum, compute);
  let maskedSharpened: Float32Array | null = null;
  if (mask) {
    maskedSharpened = scratch.reals?.[1] ?? new Float32Array(n3);
    for (let i = 0; i < n3; i++) maskedSharpened[i] = sharpened[i]! * mask[i]!;
  }
  warnings.push(...fitWarnings(fit, options.bfactor, bfactorA2, fsc.resolutionA));
  const guinierShells: GuinierShell[] = Array.from(original, (_, i) => ({
    shell: i,
    invResolutionSquaredInvA2: weighted.invResolutionSquared[i]!,
    lnAmplitudeOriginal: original[i]!,
    lnAmplitudeMtfCorrected: mtfCorrected ? mtfCorrected[i]! : null,
    lnAmplitudeWeighted: weighted.lnAmplitude[i]!,
    lnAmplitudeSharpened: sharpenedCurve[i]!,
    usedInFit: used[i]! > 0,
  }));
  return {
    result: {
      resolutionA: fsc.resolutionA,
      bfactorA2,
      bfactorFrom: options.bfactor.kind,
      guinier: fit
        ? { slope: fit.slope, intercept: fit.intercept, r2: fit.r2, fitRangeA: range, points: fit.points }
        : null,
      lowPassA,
      randomizeFromA: fsc.randomizeFromA,
      pixelSizeA: px,
      boxSize: nx,
      shells: fsc.shells,
      fsc: withoutShells(fsc),
      guinierShells,
      warnings,
    },
    sharpened,
    maskedSharpened,
    mask,
    autoMask,
  };
}

function withoutShells(f: FscResult): Omit<FscResult, 'shells' | 'warnings'> {
  const { shells: _s, warnings: _w, ...rest } = f;
  return rest;
}

/** RELION's fit window: shells with 1/d between 1/lowRes and 1/highRes whose weighted amplitude is not zero. */
function bfactorFit(
  x: Float64Array,
  y: Float64Array,
  choice: BfactorChoice,
  px: number,
  n: number,
): { fit: LineFit | null; used: Float64Array; range: [number, number] | null } {
  const used = new Float64Array(x.length);
  if (choice.kind !== 'auto') return { fit: null, used, range: null };
  const lowResA = choice.lowResA ?? 10;
  const highResA = choice.highResA ?? 0;
  let finest = Infinity;
  // RELION holds the pixel size in single precision: a shell at exactly the fit limit (75 × 1.6 / 12
  // = 10 Å) falls just outside it there, and must here too for the same B. Nyquist is compared in the
  // same precision (RELION's res ≥ 2·angpix): where the corrected FSC is still positive there, the
  // Nyquist shell is in the fit (comparing with the double 2·px dropped it whenever fround(px) < px).
  const pxf = Math.fround(px);
  for (let i = 1; i < x.length; i++) {
    const res = (n * pxf) / i;
    if (res >= 2 * pxf && y[i]! > -99 && res <= lowResA && res >= highResA) {
      used[i] = 1;
      finest = Math.min(finest, res);
    }
  }
  const fit = fitLine(x, y, used);
  return { fit, used, range: fit.points > 0 ? [lowResA, finest] : null };
}

function fitWarnings(fit: LineFit | null, choice: BfactorChoice, b: number, resolutionA: number | null): Warning[] {
  const w: Warning[] = [];
  if (choice.kind !== 'auto' || !fit) return w;
  if (fit.points < 5 || (resolutionA !== null && resolutionA > 7)) {
    w.push({
      code: 'guinier-too-few-shells',
      message:
        `the Guinier fit uses ${fit.points} shells beyond ${choice.lowResA ?? 10} ` +
        `Å${resolutionA ? ` and the map is at ${resolutionA.toFixed(1)} Å` : ''}: an automatic B-factor is ` +
        `meaningless below ~7 Å; give an ad-hoc --bfactor (e.g. −50 to −100 Å²) or none`,
    });
  } else if (fit.r2 < 0.8) {
    w.push({
      code: 'guinier-poor-fit',
      message:
        `the Guinier fit is poor (r² = ${fit.r2.toFixed(2)} < 0.8): ln⟨|F|⟩ is not straight between ` +
        `${choice.lowResA ?? 10} Å and the resolution (mask, MTF or solvent effects); check the Guinier plot and ` +
        `consider --autob-highres or an ad-hoc --bfactor`,
    });
  }
  if (b > 0)
    w.push({
      code: 'positive-bfactor',
      message:
        `the fitted B-factor is positive (${b.toFixed(1)} Å²): the map would be blurred, not sharpened; the ` +
        `fit range is probably wrong`,
    });
  return w;
}
