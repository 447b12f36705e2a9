import { resolveMask, type MaskSpec, type ResolvedMask } from '../src/core/analysis/masks/choice.js';
import { checkMap, type CheckedHalves, type CheckedMap } from '../src/core/model/checked-map.js';
import type { Volume } from '../src/core/model/volume.js';

/**
 * Maps made or read in a test, checked as the app checks what it reads (model/checked-map.ts), for analyses that
 * take only checked maps.
 */
export function checked(v: Volume, name = 'map', pixelSizeA = v.pixelSizeA?.[0] ?? 1): CheckedMap {
  return checkMap(name, v, pixelSizeA);
}

/** Two maps as a pair of half maps, each checked on its own (identical halves stay possible, for the FSC's warning). */
export function pair(a: Volume, b: Volume, pixelSizeA = a.pixelSizeA?.[0] ?? 1): CheckedHalves {
  return {
    half1: checked(a, 'half map 1', pixelSizeA),
    half2: checked(b, 'half map 2', pixelSizeA),
    names: ['half map 1', 'half map 2'],
    pixelSizeA,
  };
}

/** A mask spec resolved on a pair's grid, a mask file given as a Volume. */
export function maskFor(h: CheckedHalves, spec: MaskSpec<Volume>, name = 'mask.mrc'): ResolvedMask | null {
  const s: MaskSpec<{ name: string; volume: CheckedMap }> =
    spec.kind === 'user' ? { kind: 'user', file: { name, volume: checked(spec.file, name, h.pixelSizeA) } } : spec;
  return resolveMask(h, s, []);
}
