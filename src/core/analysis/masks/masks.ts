import { FormatError, InputError, type Warning } from '../../errors.js';
import { allocateSpectrum, irfft3d, rfft3d, type FourierCompute } from '../../fourier/rfft3d.js';
import { applyLowPass } from '../postprocess/spectrum-ops.js';
import type { Volume } from '../../model/volume.js';
import { squaredDistanceToInside } from './distance.js';
import { countNonFinite, quantile } from '../../util/stats.js';
import { forEachBlock } from '../../util/blocks.js';

/** Value of a raised-cosine edge at distance t into an edge of width w (1 at t ≤ 0, 0 at t ≥ w). */
export function raisedCosine(t: number, w: number): number {
  if (t <= 0) return 1;
  if (t >= w) return 0;
  return 0.5 + 0.5 * Math.cos((Math.PI * t) / w);
}

function maskBlock(data: Float32Array, from: number, to: number, acc: Float64Array): void {
  let lo = acc[0]!,
    hi = acc[1]!,
    soft = 0,
    sum = 0,
    above = 0;
  for (let i = from; i < to; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v > 1e-4 && v < 1 - 1e-4) soft++;
    if (v > 0.5) above++;
    sum += v;
  }
  acc[0] = lo;
  acc[1] = hi;
  acc[2]! += soft;
  acc[3]! += sum;
  acc[4]! += above;
}

/** What checking a mask measured on the way: Σ mask and the fraction of the box above 0.5. */
export interface MaskCheck {
  warnings: Warning[];
  sum: number;
  volumeFraction: number;
}

/**
 * Checks a user mask against the half maps: same grid, values within [0, 1] (RELION refuses otherwise); its pixel
 * size was decided with the half maps' (model/pixel-size.ts). Returns warnings for a hard (binary) edge.
 */
export function validateMask(mask: Volume, ref: Volume, source: string): MaskCheck {
  if (mask.nx !== ref.nx || mask.ny !== ref.ny || mask.nz !== ref.nz) {
    throw new FormatError('mask is not on the half maps’ grid', {
      source,
      found: `${mask.nx}×${mask.ny}×${mask.nz}`,
      expected: `${ref.nx}×${ref.ny}×${ref.nz}`,
      hint: 'Resample the mask onto the half maps (relion_image_handler --new_box / --rescale_angpix)',
    });
  }
  // [lo, hi, soft voxels, sum, voxels above 0.5], in blocks (see forEachBlock).
  const acc = Float64Array.of(Infinity, -Infinity, 0, 0, 0);
  forEachBlock(mask.data.length, (from, to) => maskBlock(mask.data, from, to, acc));
  const [lo, hi, soft, sum, above] = acc as unknown as [number, number, number, number, number];
  // The sum is finite exactly when every value is: only then is the first bad one looked for.
  const { first } = Number.isFinite(sum) ? { first: -1 } : countNonFinite(mask.data);
  if (first >= 0)
    throw new FormatError('mask contains NaN or infinite values', {
      source,
      field: `voxel ${first}`,
      found: String(mask.data[first]),
      expected: 'values in [0, 1]',
    });
  if (lo < -1e-4 || hi > 1 + 1e-4) {
    throw new FormatError('mask values are outside [0, 1]', {
      source,
      found: `range ${lo.toPrecision(4)} … ${hi.toPrecision(4)}`,
      expected: '0 (solvent) … 1 (particle)',
      hint: 'Is this a map rather than a mask? Make one with cryodx --auto-mask or relion_mask_create',
    });
  }
  const warnings: Warning[] = [];
  if (sum === 0)
    throw new FormatError('mask is empty (all zero)', { source, expected: 'a mask covering the particle' });
  if (soft === 0)
    warnings.push({
      code: 'mask-hard-edge',
      message:
        `${source}: the mask has a hard edge (only 0 and 1): the masked FSC will be inflated by mask–mask ` +
        `correlation; add a soft edge of a few pixels`,
    });
  return { warnings, sum, volumeFraction: above / mask.data.length };
}

/** Soft spherical mask centred on the box: 1 inside radiusA, raised cosine to 0 over edgeA. */
export function sphericalMask(
  nx: number,
  ny: number,
  nz: number,
  pixelSizeA: number,
  radiusA: number,
  edgeA: number,
): Float32Array {
  const out = new Float32Array(nx * ny * nz);
  const cx = Math.floor(nx / 2),
    cy = Math.floor(ny / 2),
    cz = Math.floor(nz / 2);
  const r0 = radiusA / pixelSizeA,
    w = edgeA / pixelSizeA;
  let i = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) out[i] = raisedCosine(Math.hypot(x - cx, y - cy, z - cz) - r0, w);
  return out;
}

/**
 * Low-pass filter as RELION's lowPassFilterMap (filter_edge_width 2): a raised cosine in |k| from
 * one shell below to one shell above round(box·pixel / resolution).
 */
export function lowPass(
  data: Float32Array,
  nx: number,
  ny: number,
  nz: number,
  pixelSizeA: number,
  resolutionA: number,
  compute?: FourierCompute,
): Float32Array {
  // Float32: the filtered map is thresholded for a mask; float32 rounding is far below any threshold's reach.
  const spec = rfft3d(data, nx, ny, nz, allocateSpectrum(nx, ny, nz, true, compute), null, compute);
  applyLowPass(spec, pixelSizeA, resolutionA, 2);
  return irfft3d(spec, undefined, compute);
}

/** The automatic mask's recipe when none is given: the RELION tutorial's relion_mask_create settings. */
export const AUTO_MASK = { lowPassA: 15, extendPx: 3, softEdgePx: 6 } as const;

/** The soft edge of a spherical mask when none is given (Å). */
export const SPHERE_EDGE_A = 10;

export interface AutoMaskOptions {
  /** Low-pass before thresholding, Å (RELION tutorial: 15). */
  lowPassA?: number;
  /** Density threshold on the low-passed map; chosen from the data when absent. */
  threshold?: number;
  /** Binary extension, pixels (tutorial: 3). */
  extendPx?: number;
  /** Raised-cosine soft edge, pixels (tutorial: 6). */
  softEdgePx?: number;
}

export interface AutoMask {
  mask: Float32Array;
  threshold: number;
  thresholdFrom: 'user' | 'data';
  lowPassA: number;
  extendPx: number;
  softEdgePx: number;
  /** Fraction of the box with mask > 0.5. */
  volumeFraction: number;
  /** Voxels of the thresholded core before extension. */
  coreVoxels: number;
}

/**
 * RELION-like automatic soft mask from the average of the half maps: low-pass (15 Å), threshold,
 * extend, raised-cosine edge. The threshold, when not given, is chosen from the data: the
 * low-passed map's solvent level (median) plus 6 robust standard deviations of the solvent
 * (1.4826 × median absolute deviation below the median, where particle density does not reach).
 */
export function autoMask(
  average: Float32Array,
  nx: number,
  ny: number,
  nz: number,
  pixelSizeA: number,
  options: AutoMaskOptions = {},
  compute?: FourierCompute,
): AutoMask {
  const lowPassA = options.lowPassA ?? AUTO_MASK.lowPassA;
  const extendPx = options.extendPx ?? AUTO_MASK.extendPx;
  const softEdgePx = options.softEdgePx ?? AUTO_MASK.softEdgePx;
  const lp = lowPass(average, nx, ny, nz, pixelSizeA, lowPassA, compute);
  const threshold = options.threshold ?? dataThreshold(lp);
  const inside = new Uint8Array(lp.length);
  let core = 0;
  for (let i = 0; i < lp.length; i++)
    if (lp[i]! >= threshold) {
      inside[i] = 1;
      core++;
    }
  if (core === 0) {
    let max = -Infinity;
    for (let i = 0; i < lp.length; i++) if (lp[i]! > max) max = lp[i]!;
    throw new InputError(
      options.threshold !== undefined
        ? `--mask-threshold ${threshold}: no voxel of the low-passed average reaches it (its highest value is ` +
            `${max.toPrecision(3)}); give a lower --mask-threshold`
        : `--auto-mask: no voxel of the low-passed average reaches the threshold found from the data ` +
            `(${threshold.toPrecision(3)}): the half maps hold no density; check the files`,
    );
  }
  // As relion_mask_create: the binary mask grows to voxels strictly closer than extendPx, and the
  // soft edge is measured from that grown mask.
  if (extendPx > 0) {
    const dCore = squaredDistanceToInside(inside, nx, ny, nz, extendPx);
    const e2 = extendPx * extendPx;
    for (let i = 0; i < inside.length; i++) if (dCore[i]! < e2) inside[i] = 1;
  }
  const mask = new Float32Array(lp.length);
  if (extendPx <= 0 && softEdgePx <= 0) {
    // A plain thresholded mask needs no distances.
    for (let i = 0; i < mask.length; i++) mask[i] = inside[i]!;
    return {
      mask,
      threshold,
      thresholdFrom: options.threshold === undefined ? 'data' : 'user',
      lowPassA,
      extendPx,
      softEdgePx,
      volumeFraction: core / mask.length,
      coreVoxels: core,
    };
  }
  const d2 = squaredDistanceToInside(inside, nx, ny, nz, softEdgePx);
  // Squared distances are integers, and beyond the edge they come out as 1e20 (edge value 0):
  // the edge is a table of the few values it can take.
  const last = Math.floor(softEdgePx * softEdgePx);
  const edge = Float64Array.from({ length: last + 1 }, (_, k) => raisedCosine(Math.sqrt(k), softEdgePx));
  let above = 0;
  for (let i = 0; i < mask.length; i++) {
    const d = d2[i]!;
    const v = d <= last ? edge[d]! : 0;
    mask[i] = v;
    if (v > 0.5) above++;
  }
  return {
    mask,
    threshold,
    thresholdFrom: options.threshold === undefined ? 'data' : 'user',
    lowPassA,
    extendPx,
    softEdgePx,
    volumeFraction: above / mask.length,
    coreVoxels: core,
  };
}

export function dataThreshold(lp: Float32Array): number {
  const median = quantile(lp, 0.5);
  // Spread of the solvent from the lower half only: the particle's density sits above the median.
  const dev = new Float32Array(lp.length >> 1);
  let k = 0;
  for (let i = 0; i < lp.length && k < dev.length; i++) if (lp[i]! <= median) dev[k++] = median - lp[i]!;
  const sigma = 1.4826 * quantile(dev.subarray(0, k), 0.5);
  return median + 6 * sigma;
}
