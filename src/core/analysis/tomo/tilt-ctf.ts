import { fitCtfSet, type CtfSetFit, type SpectrumSet } from '../ctf/fit.js';
import { CTF_FIT_DEFAULTS, type CtfFitOptions } from '../ctf/fit-options.js';
import { tiledGroups } from '../ctf/periodogram.js';
import { distanceFromAxisA, planeDefocusOffsetA, type Handedness } from './geometry.js';

/**
 * Per-tilt CTF of a tilt series (seed 001). `whole-image`: every tile of the image, grouped into
 * strips parallel to the tilt axis, each strip's defocus tied to the centre's by the tilted plane
 * (Δf = Δf_centre − h·d·tan θ); one fit of the centre defocus and astigmatism to all of them.
 * `axis-strip`: the conventional estimate from the tiles within half a tile of the axis only.
 */
export type TiltCtfMethod = 'whole-image' | 'axis-strip';

export interface TiltCtfOptions extends CtfFitOptions {
  method?: TiltCtfMethod;
  handedness?: Handedness;
  boxPx?: number;
  /** false: the TypeScript kernels (the job's compute context, carried with each tilt to its thread). */
  simd?: boolean;
}

export interface TiltFit extends CtfSetFit {
  tiles: number;
  strips: number;
}

export function fitTilt(
  image: ArrayLike<number>,
  nx: number,
  ny: number,
  pixelSizeA: number,
  tiltDeg: number,
  tiltAxisDeg: number,
  options: TiltCtfOptions = {},
): TiltFit {
  const box = Math.min(options.boxPx ?? 512, nx - (nx % 2), ny - (ny % 2));
  const method = options.method ?? 'whole-image',
    h = options.handedness ?? 1;
  const stride = box / 2;
  // Strip index from a tile centre's distance to the axis, in tile strides.
  const maxStrips = Math.ceil(Math.hypot(nx, ny) / stride) + 1;
  const centreIndex = Math.floor(maxStrips / 2);
  const sums = new Float64Array(maxStrips),
    counts = new Float64Array(maxStrips);
  const groupOf = (x: number, y: number): number => {
    const dPx = distanceFromAxisA(x, y, tiltAxisDeg, 1);
    if (method === 'axis-strip') return Math.abs(dPx) <= stride ? 0 : -1;
    const g = Math.round(dPx / stride) + centreIndex;
    sums[g]! += dPx * pixelSizeA;
    counts[g]! += 1;
    return g;
  };
  const simd = options.simd ?? true;
  const strips = method === 'axis-strip' ? 1 : maxStrips;
  const groups = tiledGroups(image, nx, ny, pixelSizeA, box, groupOf, strips, simd);
  const parts = groups
    .map((g, i) => ({
      amplitude: g.amplitude,
      tiles: g.tiles,
      offsetA: method === 'axis-strip' ? 0 : planeDefocusOffsetA(sums[i]! / Math.max(1, counts[i]!), tiltDeg, h),
    }))
    .filter((p) => p.tiles > 0);
  if (!parts.length)
    throw new RangeError(`no tile lies within ${stride} px of the tilt axis (${tiltAxisDeg}°): check --tilt-axis-deg`);
  const set: SpectrumSet = { box: groups[0]!.box, pixelSizeA, parts };
  const fit = fitCtfSet(set, { ...CTF_FIT_DEFAULTS, ...options }, simd);
  return { ...fit, tiles: parts.reduce((a, p) => a + p.tiles, 0), strips: parts.length };
}
