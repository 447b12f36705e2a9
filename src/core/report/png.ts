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
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The central z-section of a map, scaled between its 1st and 99th percentiles, flipped so y runs up. */
export function centralSlicePng(data: Float32Array, n: number, axis: 'z' | 'y' | 'x' = 'z', codec?: Codec): Uint8Array {
  const c = Math.floor(n / 2);
  const vals = new Float32Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const idx = axis === 'z' ? b + n * (a + n * c) : axis === 'y' ? b + n * (c + n * a) : c + n * (b + n * a);
      vals[(n - 1 - a) * n + b] = data[idx]!;
    }
  return scaledPng(vals, n, n, false, codec);
}

/** A 2D image (x fastest), flipped so y runs up, scaled like centralSlicePng. */
export function imagePng(data: Float32Array, width: number, height: number, codec?: Codec): Uint8Array {
  return scaledPng(data, width, height, true, codec);
}

/** Grey levels between the 1st and 99th percentiles; rows in reverse order when flipY. */
function scaledPng(vals: Float32Array, width: number, height: number, flipY: boolean, codec?: Codec): Uint8Array {
  const [lo, hi] = quantiles(vals, [0.01, 0.99]) as [number, number];
  const range = hi - lo || 1;
  const px = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = y * width,
      to = (flipY ? height - 1 - y : y) * width;
    for (let x = 0; x < width; x++)
      px[to + x] = Math.max(0, Math.min(255, Math.round(((vals[from + x]! - lo) / range) * 255)));
  }
  return encodeGreyPng(px, width, height, codec);
}
