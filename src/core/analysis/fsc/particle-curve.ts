import type { FscOptions } from './suite.js';

export interface ParticleCurve {
  fsc: Float64Array;
  method: 'cistem-mw' | 'relion-mask-fraction';
  particleVolumeFraction: number;
}

/**
 * With --mw: cisTEM's Part_FSC on the masked FSC (unmasked when there is no mask), the particle
 * taking MW·1000/0.81 Å³ of the mask volume. Without: RELION 3.1's rlnFourierShellCorrelation-
 * ParticleMaskFraction, Part = V·FSC/(1 + (V − 1)·FSC) on the unmasked FSC with
 * V = 0.476 / (fraction of mask voxels > 0.5).
 */
export function particleCurve(
  unmasked: Float64Array,
  masked: Float64Array | null,
  mask: Float32Array | null,
  o: FscOptions,
  px: number,
  boxVoxels: number,
): ParticleCurve | null {
  // cisTEM takes |FSC| in the denominator; RELION does not (checked against its postprocess.star).
  const scale = (fsc: Float64Array, v: number, abs: boolean): Float64Array =>
    fsc.map((f) => (v * f) / (1 + (v - 1) * (abs ? Math.abs(f) : f)));
  if (o.mwKDa !== undefined) {
    const particleA3 = (o.mwKDa * 1000) / 0.81;
    let maskVoxels = boxVoxels;
    if (mask) {
      maskVoxels = 0;
      for (let i = 0; i < mask.length; i++) maskVoxels += mask[i]!;
    }
    const vf = particleA3 / (px ** 3 * maskVoxels);
    return { fsc: scale(masked ?? unmasked, 1 / vf, true), method: 'cistem-mw', particleVolumeFraction: vf };
  }
  if (!mask) return null;
  let above = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]! > 0.5) above++;
  const v = 0.476 / (above / mask.length);
  return { fsc: scale(unmasked, v, false), method: 'relion-mask-fraction', particleVolumeFraction: 1 / v };
}
