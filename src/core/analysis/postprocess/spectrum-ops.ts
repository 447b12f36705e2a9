import { forEachRow, maxSquaredFrequency, scaleRadially } from '../../fourier/frequencies.js';
import type { Spectrum } from '../../fourier/rfft3d.js';
import { shellCount } from '../fsc/shells.js';

/**
 * RELION's radial filters as factors of the integer |k|² (voxel units): applied with scaleRadially, or
 * multiplied together first so that a chain of filters costs one pass over the spectrum.
 */
export type RadialFactor = (r2: number) => number;

/**
 * RELION applyFscWeighting: × √(2·FSC/(1 + FSC)) per shell (Rosenthal & Henderson 2003), zero
 * where FSC ≤ 0 and beyond the last shell before the FSC first drops below 1e-4.
 */
export function fscWeightingFactor(fsc: ArrayLike<number>): RadialFactor {
  let last = 0;
  for (let i = 0; i < fsc.length; i++) {
    if (fsc[i]! < 1e-4) break;
    last = i;
  }
  const w = Float64Array.from({ length: fsc.length }, (_, i) =>
    i <= last && fsc[i]! > 0 ? Math.sqrt((2 * fsc[i]!) / (1 + fsc[i]!)) : 0,
  );
  return (r2) => {
    const s = Math.round(Math.sqrt(r2));
    return s <= last ? w[s]! : 0;
  };
}

export function applyFscWeighting(spec: Spectrum, fsc: ArrayLike<number>): void {
  scaleRadially(spec, fscWeightingFactor(fsc));
}

/** RELION applyBFactorToMap: × exp(−B·s²/4), s in 1/Å, up to Nyquist; zero beyond. */
export function bfactorFactor(nx: number, pixelSizeA: number, bfactorA2: number): RadialFactor {
  const boxA = nx * pixelSizeA;
  const nyquist = 1 / (2 * pixelSizeA);
  return (r2) => {
    const s = Math.sqrt(r2) / boxA;
    return s <= nyquist ? Math.exp((-bfactorA2 / 4) * s * s) : 0;
  };
}

export function applyBfactorToSpectrum(spec: Spectrum, pixelSizeA: number, bfactorA2: number): void {
  scaleRadially(spec, bfactorFactor(spec.nx, pixelSizeA, bfactorA2));
}

/**
 * RELION lowPassFilterMap: raised cosine over `edgeShells` shells centred on
 * round(box·pixel / resolution).
 */
export function lowPassFactor(nx: number, pixelSizeA: number, resolutionA: number, edgeShells = 2): RadialFactor {
  const ires = Math.round((nx * pixelSizeA) / resolutionA);
  const lo = Math.max(0, ires - edgeShells / 2) / nx;
  const hi = (ires + edgeShells / 2) / nx;
  return (r2) => {
    const res = Math.sqrt(r2) / nx;
    if (res < lo) return 1;
    return res > hi ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (res - lo)) / (hi - lo));
  };
}

export function applyLowPass(spec: Spectrum, pixelSizeA: number, resolutionA: number, edgeShells = 2): void {
  scaleRadially(spec, lowPassFactor(spec.nx, pixelSizeA, resolutionA, edgeShells));
}

/**
 * RELION divideByMtf: divide by the detector MTF, linearly interpolated in frequency (1/pixel),
 * below Nyquist. `frequencyInvPx` ascending.
 */
export function mtfFactor(nx: number, frequencyInvPx: ArrayLike<number>, mtf: ArrayLike<number>): RadialFactor {
  const m = frequencyInvPx.length;
  return (r2) => {
    const res = Math.sqrt(r2) / nx;
    if (res >= 0.5) return 1;
    // RELION's lookup: k = last entry at or below res; entries 0 and m−1 are used as they are.
    let k = 0;
    while (k + 1 < m && frequencyInvPx[k + 1]! <= res) k++;
    let value: number;
    if (k === 0 || k === m - 1) value = mtf[k]!;
    else
      value =
        mtf[k]! +
        ((mtf[k + 1]! - mtf[k]!) * (res - frequencyInvPx[k]!)) / (frequencyInvPx[k + 1]! - frequencyInvPx[k]!);
    return 1 / value;
  };
}

export function divideByMtf(spec: Spectrum, frequencyInvPx: ArrayLike<number>, mtf: ArrayLike<number>): void {
  scaleRadially(spec, mtfFactor(spec.nx, frequencyInvPx, mtf));
}

/** Σ|F| and the voxel count per integer |k|² (voxel units) of a half spectrum: what every Guinier curve needs. */
export interface RadialAmplitudes {
  nx: number;
  sum: Float64Array;
  count: Float64Array;
}

export function radialAmplitudes(spec: Spectrum): RadialAmplitudes {
  const { nx, nxh, data } = spec;
  const max = maxSquaredFrequency(spec);
  const sum = new Float64Array(max + 1),
    count = new Float64Array(max + 1);
  forEachRow(spec, (first, r2yz) => {
    for (let x = 0, p = 2 * first; x < nxh; x++, p += 2) {
      const r2 = x * x + r2yz;
      sum[r2] = sum[r2]! + Math.sqrt(data[p]! * data[p]! + data[p + 1]! * data[p + 1]!);
      count[r2] = count[r2]! + 1;
    }
  });
  return { nx, sum, count };
}

/**
 * RELION makeGuinierPlot: ln⟨|F|⟩ per shell round(|k|) for shells at or below Nyquist; −99 where
 * a shell has no amplitude. x = 1/d² (Å⁻²). With `factor`, the curve of the spectrum after that radial
 * filter: the factor is constant over each |k|², so Σ factor·|F| = factor·Σ|F| there.
 */
export function guinierFromRadial(
  radial: RadialAmplitudes,
  pixelSizeA: number,
  factor: RadialFactor = () => 1,
): { invResolutionSquared: Float64Array; lnAmplitude: Float64Array } {
  const n = shellCount(radial.nx);
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  for (let r2 = 0; r2 < radial.sum.length; r2++) {
    if (!radial.count[r2]) continue;
    const s = Math.round(Math.sqrt(r2));
    if (s >= n) continue;
    sum[s]! += factor(r2) * radial.sum[r2]!;
    count[s]! += radial.count[r2]!;
  }
  const boxA = radial.nx * pixelSizeA;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i / boxA) ** 2;
    y[i] = sum[i]! > 0 ? Math.log(sum[i]! / count[i]!) : -99;
  }
  return { invResolutionSquared: x, lnAmplitude: y };
}

export function guinierCurve(
  spec: Spectrum,
  pixelSizeA: number,
): { invResolutionSquared: Float64Array; lnAmplitude: Float64Array } {
  return guinierFromRadial(radialAmplitudes(spec), pixelSizeA);
}
