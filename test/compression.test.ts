import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32, gzipSync, inflateSync } from 'node:zlib';
import { maybeGunzip } from '../src/core/io/bytes.js';
import { crc32, FFLATE, type Codec } from '../src/core/io/compression.js';
import { encodeGreyPng, imagePng } from '../src/core/report/png.js';
import { NATIVE_ZLIB } from '../src/node/native-zlib.js';

/** The PNG's chunks, each CRC checked with node:zlib's CRC-32, and its IDAT inflated by node:zlib. */
function decodePng(png: Uint8Array): { width: number; height: number; rows: Uint8Array } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8,
    width = 0,
    height = 0;
  const idat: Uint8Array[] = [];
  for (;;) {
    const n = dv.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    expect(dv.getUint32(at + 8 + n)).toBe(zlibCrc32(png.subarray(at + 4, at + 8 + n)));
    if (type === 'IHDR') [width, height] = [dv.getUint32(at + 8), dv.getUint32(at + 12)];
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + n));
    at += 12 + n;
    if (type === 'IEND') break;
  }
  return { width, height, rows: new Uint8Array(inflateSync(Buffer.concat(idat))) };
}

const codecs: [string, Codec][] = [
  ['fflate', FFLATE],
  ['node:zlib', NATIVE_ZLIB],
];

describe.each(codecs)('compression through %s', (_name, codec) => {
  it('a grey PNG: chunks with valid CRCs, rows of filter 0 followed by the pixels', () => {
    const [w, h] = [37, 11];
    const px = Uint8Array.from({ length: w * h }, (_, i) => (i * 7919) % 256);
    const png = decodePng(encodeGreyPng(px, w, h, codec));
    expect([png.width, png.height]).toEqual([w, h]);
    for (let y = 0; y < h; y++) {
      expect(png.rows[y * (w + 1)]).toBe(0);
      expect(png.rows.subarray(y * (w + 1) + 1, (y + 1) * (w + 1))).toEqual(px.subarray(y * w, (y + 1) * w));
    }
  });

  it('gzip: read back; a truncated stream is an error that names the file', () => {
    const data = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 251);
    const gz = new Uint8Array(gzipSync(data));
    expect(maybeGunzip(gz, 'map.mrc.gz', codec)).toEqual(data);
    expect(maybeGunzip(data, 'plain.mrc', codec)).toBe(data);
    expect(() => maybeGunzip(gz.subarray(0, gz.length >> 1), 'half.mrc.gz', codec)).toThrow(
      /^half\.mrc\.gz: the gzip data are truncated or damaged \(found .+\)\. Copy or download the file again/,
    );
  });
});

it.each(codecs)('%s refuses a gzip file whose data were damaged (CRC-32)', (_name, codec) => {
  const data = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 251);
  // Stored blocks (level 0): a flipped byte changes the data, not the stream's structure.
  const gz = new Uint8Array(gzipSync(data, { level: 0 }));
  gz[gz.length >> 1]! ^= 0xff;
  expect(() => maybeGunzip(gz, 'bad.mrc.gz', codec)).toThrow(/bad\.mrc\.gz: the gzip data are truncated or damaged/);
});

it('CRC-32 as node:zlib computes it', () => {
  const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * i) % 256);
  expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  expect(crc32(new Uint8Array(0))).toBe(0);
});

it('node:zlib results own their memory (a small Buffer from Node’s pool is copied, never shared)', () => {
  const small = maybeGunzip(new Uint8Array(gzipSync(Uint8Array.of(1, 2, 3))), 'small.gz', NATIVE_ZLIB);
  expect([...small]).toEqual([1, 2, 3]);
  expect(small.byteOffset).toBe(0);
  expect(small.buffer.byteLength).toBe(3);
  expect(small).not.toBeInstanceOf(Buffer);
  const big = maybeGunzip(new Uint8Array(gzipSync(new Uint8Array(100_000).fill(7))), 'big.gz');
  expect(big.buffer.byteLength).toBe(100_000);
});

it('imagePng: y runs up (the last row on top), grey levels between the 1st and 99th percentiles', () => {
  // Row y holds the value y: the percentiles are rows 0 and 4, so row y is grey round(255·y/4).
  const [w, h] = [6, 5];
  const data = Float32Array.from({ length: w * h }, (_, i) => Math.floor(i / w));
  const png = decodePng(imagePng(data, w, h, NATIVE_ZLIB));
  for (let top = 0; top < h; top++) {
    const grey = Math.round((255 * (h - 1 - top)) / 4);
    expect([...png.rows.subarray(top * (w + 1) + 1, (top + 1) * (w + 1))]).toEqual(new Array(w).fill(grey));
  }
});
