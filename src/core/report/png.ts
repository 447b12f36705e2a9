import { concatBytes } from '../io/bytes.js';
import { crc32, zlibCompress, type Codec } from '../io/compression.js';
import { quantiles } from '../util/stats.js';

/**
 * A grey-scale 8-bit PNG (PNG specification, ISO/IEC 15948: signature, IHDR, one IDAT of zlib
 * data with filter byte 0 per row, IEND; CRC-32 per chunk), so a report can embed map slices as
 * images without a canvas or a native library.
 */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Grey values 0…255, row-major (width × height). */
export function encodeGreyPng(pixels: Uint8Array, width: number, height: number, codec?: Codec): Uint8Array {
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibCompress(raw, codec)),
    chunk('IEND', new Uint8Array(0)),
  ];
  return concatBytes(parts);
}

/**
 * The central section of a map, scaled between its 1st and 99th percentiles, flipped so y runs up; with the pixel
 * size, a scale bar (white on a black rim, bottom left) of `scaleBarA(n, pixelSizeA)` Å.
 */
export function centralSlicePng(
  data: Float32Array,
  n: number,
  axis: 'z' | 'y' | 'x' = 'z',
  pixelSizeA: number | null = null,
  codec?: Codec,
): Uint8Array {
  const c = Math.floor(n / 2);
  const vals = new Float32Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const idx = axis === 'z' ? b + n * (a + n * c) : axis === 'y' ? b + n * (c + n * a) : c + n * (b + n * a);
      vals[(n - 1 - a) * n + b] = data[idx]!;
    }
  const px = scaledPixels(vals, n, n, false);
  if (pixelSizeA) drawScaleBar(px, n, n, scaleBarA(n, pixelSizeA) / pixelSizeA);
  return encodeGreyPng(px, n, n, codec);
}

/** A round length (Å) near a quarter of the box: the scale bar's. */
export function scaleBarA(n: number, pixelSizeA: number): number {
  const quarter = (n * pixelSizeA) / 4;
  const steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];
  return steps.filter((s) => s <= quarter).pop() ?? steps[0]!;
}

/** A bar `lengthPx` long and n/64 thick, white inside a one-pixel black rim, at the bottom left. */
function drawScaleBar(px: Uint8Array, width: number, height: number, lengthPx: number): void {
  const t = Math.max(2, Math.round(height / 64)),
    m = Math.max(2, Math.round(width / 32));
  const x0 = m,
    x1 = Math.min(width - 1, m + Math.round(lengthPx)),
    y1 = height - 1 - m,
    y0 = y1 - t;
  for (let y = y0 - 1; y <= y1 + 1; y++)
    for (let x = x0 - 1; x <= x1 + 1; x++) {
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      px[y * width + x] = x >= x0 && x <= x1 && y >= y0 && y <= y1 ? 255 : 0;
    }
}

/** A 2D image (x fastest), flipped so y runs up, scaled like centralSlicePng. */
export function imagePng(data: Float32Array, width: number, height: number, codec?: Codec): Uint8Array {
  return scaledPng(data, width, height, true, codec);
}

function scaledPng(vals: Float32Array, width: number, height: number, flipY: boolean, codec?: Codec): Uint8Array {
  return encodeGreyPng(scaledPixels(vals, width, height, flipY), width, height, codec);
}

/** Grey levels between the 1st and 99th percentiles; rows in reverse order when flipY. */
function scaledPixels(vals: Float32Array, width: number, height: number, flipY: boolean): Uint8Array {
  const [lo, hi] = quantiles(vals, [0.01, 0.99]) as [number, number];
  const range = hi - lo || 1;
  const px = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = y * width,
      to = (flipY ? height - 1 - y : y) * width;
    for (let x = 0; x < width; x++)
      px[to + x] = Math.max(0, Math.min(255, Math.round(((vals[from + x]! - lo) / range) * 255)));
  }
  return px;
}
