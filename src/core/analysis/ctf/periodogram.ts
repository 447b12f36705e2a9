import { simdTilePower } from '../../fourier/rfft-simd.js';
import { simdKernels } from '../../fourier/simd.js';
import { forwardPlanes, halfLength, type Spectrum } from '../../fourier/rfft3d.js';

/**
 * The averaged amplitude spectrum of a micrograph (Welch's periodogram: overlapping tiles, each
 * mean-subtracted, |F|² averaged, square root), the input of CTF fitting as in CTFFIND
 * (Rohou & Grigorieff 2015). Half-plane FFT layout: x = 0 … box/2 fastest, rows y = 0 … box − 1
 * with signed frequency signedFrequency(y, box).
 */
export interface AmplitudeSpectrum {
  box: number;
  pixelSizeA: number;
  nxh: number;
  amplitude: Float32Array;
  tiles: number;
}

/** Tiles transformed per batch: enough to amortise plan set-up, small enough for cache. */
const TILE_BATCH = 8;

export function tiledAmplitudeSpectrum(
  image: ArrayLike<number>,
  nx: number,
  ny: number,
  pixelSizeA: number,
  box = 512,
  simd = true,
): AmplitudeSpectrum {
  const [group] = tiledGroups(image, nx, ny, pixelSizeA, box, () => 0, 1, simd);
  return group!;
}

/**
 * Tiles grouped by `groupOf(tile centre x, y in pixels from the image centre)` (a group index, or −1 to
 * skip the tile): one averaged amplitude spectrum per group, for strips of a tilted image.
 */
export function tiledGroups(
  image: ArrayLike<number>,
  nx: number,
  ny: number,
  pixelSizeA: number,
  box: number,
  groupOf: (xPx: number, yPx: number) => number,
  groups: number,
  simd = true,
): AmplitudeSpectrum[] {
  if (image.length < nx * ny) throw new RangeError(`image holds ${image.length} values, expected ${nx}×${ny}`);
  // Even tiles on both kernel sets: the half-plane layout and the diagnostic image put the origin at box/2.
  if (!(Number.isInteger(box) && box % 2 === 0)) throw new RangeError(`tiles of an even size, got ${box}`);
  const size = Math.min(box, nx - (nx % 2), ny - (ny % 2));
  if (size < 64)
    throw new RangeError(`the image (${nx}×${ny} px) is too small for a CTF fit: it needs at least 64×64 pixels`);
  const starts = (n: number): number[] => {
    const count = Math.max(1, Math.floor((n - size) / (size / 2)) + 1);
    const slack = n - size - (count - 1) * (size / 2);
    // Centre the tiling so that the unused border is split evenly.
    return Array.from({ length: count }, (_, i) => Math.floor(slack / 2) + (i * size) / 2);
  };
  const xs = starts(nx),
    ys = starts(ny);
  const origins = ys
    .flatMap((y0) => xs.map((x0) => [x0, y0] as const))
    .map((o) => ({ o, g: groupOf(o[0] + size / 2 - nx / 2, o[1] + size / 2 - ny / 2) }))
    .filter((t) => t.g >= 0 && t.g < groups);
  const nxh = halfLength(size);
  const power = Array.from({ length: groups }, () => new Float64Array(nxh * size));
  const counts = new Array<number>(groups).fill(0);
  for (const t of origins) counts[t.g]!++;
  const kernels = simdKernels(simd);
  if (kernels) {
    const pixels = image instanceof Float32Array || image instanceof Float64Array ? image : Float64Array.from(image);
    simdTilePower(
      kernels,
      pixels,
      nx,
      size,
      origins.map((t) => t.o),
      origins.map((t) => t.g),
      power,
    );
  } else {
    scalarTilePower(image, nx, size, origins, power);
  }
  return power.map((acc, g) => {
    // Each tile's mean is subtracted before its transform, which zeroes F(0) and changes nothing else:
    // the sum of the tile sits in F(0) alone, so it is zeroed here instead of subtracted from every pixel.
    acc[0] = 0;
    const amplitude = new Float32Array(nxh * size);
    const norm = counts[g]! ? 1 / (counts[g]! * size * size) : 0;
    for (let i = 0; i < amplitude.length; i++) amplitude[i] = Math.sqrt(acc[i]! * norm);
    return { box: size, pixelSizeA, nxh, amplitude, tiles: counts[g]! };
  });
}

/** The TypeScript kernels' periodogram: tiles copied out in batches, transformed, |F|² summed. */
function scalarTilePower(
  image: ArrayLike<number>,
  nx: number,
  size: number,
  origins: { o: readonly [number, number]; g: number }[],
  power: Float64Array[],
): void {
  const nxh = halfLength(size);
  const batch = Math.max(1, Math.min(TILE_BATCH, origins.length));
  const tiles = new Float32Array(size * size * batch);
  const spec: Spectrum = { nx: size, ny: size, nz: batch, nxh, data: new Float64Array(2 * nxh * size * batch) };
  for (let first = 0; first < origins.length; first += batch) {
    const count = Math.min(batch, origins.length - first);
    for (let t = 0; t < count; t++) copyTile(image, nx, origins[first + t]!.o, size, tiles, t * size * size);
    forwardPlanes(tiles, spec, 0, count);
    const d = spec.data;
    for (let t = 0; t < count; t++) {
      const acc = power[origins[first + t]!.g]!,
        off = 2 * nxh * size * t;
      for (let i = 0; i < nxh * size; i++) {
        const re = d[off + 2 * i]!,
          im = d[off + 2 * i + 1]!;
        acc[i]! += re * re + im * im;
      }
    }
  }
}

function copyTile(
  image: ArrayLike<number>,
  nx: number,
  [x0, y0]: readonly [number, number],
  size: number,
  out: Float32Array,
  off: number,
): void {
  for (let y = 0; y < size; y++) {
    const row = (y0 + y) * nx + x0;
    for (let x = 0; x < size; x++) out[off + y * size + x] = image[row + x]!;
  }
}
