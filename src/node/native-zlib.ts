import { deflateSync, gunzipSync } from 'node:zlib';
import type { Codec } from '../core/io/compression.js';

/**
 * Node's own zlib (core/io/compression.ts says why): the .gz files the CLI reads are inflated with it as they are
 * read (job-io.ts), and the jobs' compute context carries it to the PNGs they write.
 */
export const NATIVE_ZLIB: Codec = {
  zlib: (raw) => plain(deflateSync(raw)),
  gunzip: (gz) => plain(gunzipSync(gz)),
};

/**
 * A plain Uint8Array that owns its memory: a Buffer's slice() shares memory where a Uint8Array's copies, and a
 * small Buffer may sit in Node's shared pool, whose ArrayBuffer must never be transferred to another thread.
 */
function plain(b: Buffer): Uint8Array {
  const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return own ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}
