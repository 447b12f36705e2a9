import { forEachFrequency, scaleRadially } from '../../fourier/frequencies.js';
import type { Spectrum } from '../../fourier/rfft3d.js';
import { shellCount } from '../fsc/shells.js';

/**
 * RELION applyFscWeighting: × √(2·FSC/(1 + FSC)) per shell (Rosenthal & Henderson 2003), zero
 * where FSC ≤ 0 and beyond the last shell before the FSC first drops below 1e-4.
 */
export function applyFscWeighting(spec: Spectrum, fsc: ArrayLike<number>): void {
  let last = 0;
  for (let i = 0; i < fsc.length; i++) {
    if (fsc[i]! < 1e-4) break;
    last = i;
  }
  const w = Float64Array.from({ length: fsc.length }, (_, i) =>
    i <= last && fsc[i]! > 0 ? Math.sqrt((2 * fsc[i]!) / (1 + fsc[i]!)) : 0,
  );
  scaleRadially(spec, (r2) => {
    const s = Math.round(Math.sqrt(r2));
    return s <= last ? w[s]! : 0;
  });
}

/** RELION applyBFactorToMap: × exp(−B·s²/4), s in 1/Å, up to Nyquist; zero beyond. */
export function applyBfactorToSpectrum(spec: Spectrum, pixelSizeA: number, bfactorA2: number): void {
  const boxA = spec.nx * pixelSizeA;
  const nyquist = 1 / (2 * pixelSizeA);
  scaleRadially(spec, (r2) => {
    const s = Math.sqrt(r2) / boxA;
    return s <= nyquist ? Math.exp((-bfactorA2 / 4) * s * s) : 0;
  });
}

/**
 * RELION lowPassFilterMap: raised cosine over `edgeShells` shells centred on
 * round(box·pixel / resolution).
 */
export function applyLowPass(spec: Spectrum, pixelSizeA: number, resolutionA: number, edgeShells = 2): void {
  const n = spec.nx;
  const ires = Math.round((n * pixelSizeA) / resolutionA);
  const lo = Math.max(0, ires - edgeShells / 2) / n;
  const hi = (ires + edgeShells / 2) / n;
  scaleRadially(spec, (r2) => {
    const res = Math.sqrt(r2) / n;
    if (res < lo) return 1;
    return res > hi ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (res - lo)) / (hi - lo));
  });
}

/**
 * RELION divideByMtf: divide by the detector MTF, linearly interpolated in frequency (1/pixel),
 * below Nyquist. `frequencyInvPx` ascending.
 */
export function divideByMtf(spec: Spectrum, frequencyInvPx: ArrayLike<number>, mtf: ArrayLike<number>): void {
  const n = spec.nx;
  const m = frequencyInvPx.length;
  scaleRadially(spec, (r2) => {
    const res = Math.sqrt(r2) / n;
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
  });
}

/**
 * RELION makeGuinierPlot: ln⟨|F|⟩ per shell round(|k|) for shells at or below Nyquist; −99 where
 * a shell has no amplitude. x = 1/d² (Å⁻²).
 */
export function guinierCurve(
  spec: Spectrum,
  pixelSizeA: number,
): { invResolutionSquared: Float64Array; lnAmplitude: Float64Array } {
  const n = shellCount(spec.nx);
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  const d = spec.data;
  forEachFrequency(spec, (i, r2) => {
    const s = Math.round(Math.sqrt(r2));
    if (s >= n) return;
    sum[s] = sum[s]! + Math.sqrt(d[2 * i]! ** 2 + d[2 * i + 1]! ** 2);
    count[s] = count[s]! + 1;
  });
  const boxA = spec.nx * pixelSizeA;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i / boxA) ** 2;
    y[i] = sum[i]! > 0 ? Math.log(sum[i]! / count[i]!) : -99;
  }
  return { invResolutionSquared: x, lnAmplitude: y };
}
