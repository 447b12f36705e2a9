import type { Warning } from '../../errors.js';
import type { Volume } from '../../model/volume.js';
import { autoMask, sphericalMask, validateMask, type AutoMask } from '../masks/masks.js';
import type { FscOptions, FscResult } from './suite.js';

/**
 * The mask an FSC option asks for, checked against the half maps (the one place a mask is resolved), and Σ mask
 * (0 without one).
 */
export function resolveMask(
  h1: Volume,
  h2: Volume,
  o: Pick<FscOptions, 'pixelSizeA' | 'mask'>,
  warnings: Warning[],
): { mask: Float32Array | null; auto: AutoMask | null; info: FscResult['mask']; sum: number } {
  const { nx, ny, nz } = h1;
  const m = o.mask;
  const fraction = (mask: Float32Array): number => {
    let k = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]! > 0.5) k++;
    return k / mask.length;
  };
  switch (m.kind) {
    case 'none':
      return { mask: null, auto: null, info: null, sum: 0 };
    case 'user': {
      const check = validateMask(m.mask, h1, o.pixelSizeA, m.source);
      warnings.push(...check.warnings);
      return {
        mask: m.mask.data,
        auto: null,
        sum: check.sum,
        info: {
          kind: 'user',
          source: m.source,
          volumeFraction: check.volumeFraction,
          autoThreshold: null,
          particleFraction: null,
          densityFraction: null,
        },
      };
    }
    case 'sphere': {
      const mask = sphericalMask(nx, ny, nz, o.pixelSizeA, m.radiusA, m.edgeA ?? 10);
      return {
        mask,
        auto: null,
        sum: sum(mask),
        info: {
          kind: 'sphere',
          source: `sphere r=${m.radiusA} Å, edge ${m.edgeA ?? 10} Å`,
          volumeFraction: fraction(mask),
          autoThreshold: null,
          particleFraction: null,
          densityFraction: null,
        },
      };
    }
    case 'auto': {
      const avg = new Float32Array(h1.data.length);
      for (let i = 0; i < avg.length; i++) avg[i] = 0.5 * (h1.data[i]! + h2.data[i]!);
      const auto = autoMask(avg, nx, ny, nz, o.pixelSizeA, m);
      const total = sum(auto.mask);
      return {
        mask: auto.mask,
        auto,
        sum: total,
        info: {
          kind: 'auto',
          source: 'automatic',
          volumeFraction: auto.volumeFraction,
          autoThreshold: auto.threshold,
          particleFraction: null,
          densityFraction: auto.coreVoxels / total,
        },
      };
    }
  }
}

function sum(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}
