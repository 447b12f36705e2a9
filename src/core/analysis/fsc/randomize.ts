import type { Warning } from '../../errors.js';
import { forEachFrequency } from '../../fourier/frequencies.js';
import type { Spectrum } from '../../fourier/rfft3d.js';
import type { FscOptions } from './suite.js';

/** RELION: first shell > 0 where the unmasked FSC < 0.8, or round(box·pixel / Å) when given. */
export function randomizationShell(
  fscUnmasked: Float64Array,
  o: FscOptions,
  n: number,
  px: number,
  warnings: Warning[],
): number | null {
  if (o.randomizeFromA !== undefined) {
    const r = Math.round((n * px) / o.randomizeFromA);
    if (r < 1 || r >= fscUnmasked.length)
      throw new RangeError(
        `--randomize-at ${o.randomizeFromA} Å is outside the box's range ` +
          `(${((n * px) / (fscUnmasked.length - 1)).toFixed(2)}–${(n * px).toFixed(1)} Å)`,
      );
    return r;
  }
  const at = o.randomizeFscAt ?? 0.8;
  for (let i = 1; i < fscUnmasked.length; i++) if (fscUnmasked[i]! < at) return i;
  warnings.push({
    code: 'no-randomisation',
    message:
      `the unmasked FSC never drops below ${at}: no phase randomisation, the corrected FSC equals the ` + `masked one`,
  });
  return null;
}

/**
 * RELION randomizePhasesBeyond: voxels with |k|² ≥ r0² get a uniform random phase in [0, 2π) from `rnd`, same
 * amplitude.
 */
export function randomizePhasesBeyond(spec: Spectrum, r0: number, rnd: () => number): void {
  const data = spec.data;
  const r02 = r0 * r0;
  forEachFrequency(spec, (i, r2) => {
    if (r2 < r02) return;
    const re = data[2 * i]!,
      im = data[2 * i + 1]!;
    const amp = Math.sqrt(re * re + im * im);
    const ph = rnd();
    // sin from cos (one trigonometric call per voxel): the sign follows the half-turn.
    const c = Math.cos(ph);
    const sn = Math.sqrt(Math.max(0, 1 - c * c));
    data[2 * i] = amp * c;
    data[2 * i + 1] = ph < Math.PI ? amp * sn : -amp * sn;
  });
}

/**
 * FSC_true = (FSC_t − FSC_n)/(1 − FSC_n) from shell r0 + 2 on (RELION moves it two shells up to
 * avoid artefacts at the randomisation edge). RELION 3.1.3 keeps negative values (no clamp to 0).
 */
export function correct(masked: Float64Array, random: Float64Array | null, r0: number | null): Float64Array {
  if (!random || r0 === null) return masked.slice();
  const out = new Float64Array(masked.length);
  for (let i = 0; i < out.length; i++) {
    const t = masked[i]!,
      n = random[i]!;
    out[i] = i < r0 + 2 ? t : (t - n) / (1 - n);
  }
  return out;
}
