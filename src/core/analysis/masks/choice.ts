import type { Warning } from '../../errors.js';
import type { FourierCompute } from '../../fourier/rfft3d.js';
import type { CheckedHalves, CheckedMap } from '../../model/checked-map.js';
import {
  AUTO_MASK,
  SPHERE_EDGE_A,
  autoMask,
  sphericalMask,
  validateMask,
  type AutoMask,
  type AutoMaskOptions,
} from './masks.js';

export { AUTO_MASK, SPHERE_EDGE_A };

/**
 * A mask has two forms between the flag and the FSC: the spec (what the user asked for) and the resolved mask (the
 * array on the half maps' grid with what was measured making it). The CLI, the browser and the project readers
 * all make specs; the app resolves one once per command and every analysis takes that.
 */

/** How to mask; `F` is the mask file as the layer holds it (bytes in a job's input, a checked map once read). */
export type MaskSpec<F> =
  | { kind: 'none' }
  | { kind: 'user'; file: F }
  | ({ kind: 'auto' } & AutoMaskOptions)
  | { kind: 'sphere'; radiusA: number; edgeA?: number };

/** A mask file read and checked (its pixel size decided with the half maps'). */
export interface MaskFile {
  name: string;
  volume: CheckedMap;
}

/** The mask every analysis of a command uses, made once. */
export interface ResolvedMask {
  kind: 'user' | 'auto' | 'sphere';
  data: Float32Array;
  /** The file's name, 'automatic', or the sphere as a phrase. */
  source: string;
  /** Σ mask. */
  sum: number;
  /** Fraction of the box with mask > 0.5. */
  volumeFraction: number;
  autoThreshold: number | null;
  /** Voxels of the density as a fraction of Σ mask, when making the mask measured it (the automatic one). */
  densityFraction: number | null;
  /** The automatic mask with its recipe, for writing it out. */
  auto: AutoMask | null;
}

/** The array a spec asks for, checked against the half maps; null for no mask. */
export function resolveMask(
  h: CheckedHalves,
  spec: MaskSpec<MaskFile>,
  warnings: Warning[],
  compute?: FourierCompute,
): ResolvedMask | null {
  const { nx, ny, nz } = h.half1;
  const px = h.pixelSizeA;
  switch (spec.kind) {
    case 'none':
      return null;
    case 'user': {
      const check = validateMask(spec.file.volume, h.half1, spec.file.name);
      warnings.push(...check.warnings);
      return {
        kind: 'user',
        data: spec.file.volume.data,
        source: spec.file.name,
        sum: check.sum,
        volumeFraction: check.volumeFraction,
        autoThreshold: null,
        densityFraction: null,
        auto: null,
      };
    }
    case 'sphere': {
      const edgeA = spec.edgeA ?? SPHERE_EDGE_A;
      const data = sphericalMask(nx, ny, nz, px, spec.radiusA, edgeA);
      return {
        kind: 'sphere',
        data,
        source: `sphere r=${spec.radiusA} Å, edge ${edgeA} Å`,
        sum: sum(data),
        volumeFraction: above(data, 0.5) / data.length,
        autoThreshold: null,
        densityFraction: null,
        auto: null,
      };
    }
    case 'auto': {
      const a = h.half1.data,
        b = h.half2.data;
      const avg = new Float32Array(a.length);
      for (let i = 0; i < avg.length; i++) avg[i] = 0.5 * (a[i]! + b[i]!);
      const auto = autoMask(avg, nx, ny, nz, px, autoOptions(spec), compute);
      const total = sum(auto.mask);
      return {
        kind: 'auto',
        data: auto.mask,
        source: 'automatic',
        sum: total,
        volumeFraction: auto.volumeFraction,
        autoThreshold: auto.threshold,
        densityFraction: auto.coreVoxels / total,
        auto,
      };
    }
  }
}

function autoOptions(spec: AutoMaskOptions): AutoMaskOptions {
  const { lowPassA, threshold, extendPx, softEdgePx } = spec;
  return {
    ...(lowPassA !== undefined ? { lowPassA } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(extendPx !== undefined ? { extendPx } : {}),
    ...(softEdgePx !== undefined ? { softEdgePx } : {}),
  };
}

function sum(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function above(a: Float32Array, level: number): number {
  let k = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > level) k++;
  return k;
}
