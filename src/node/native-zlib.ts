import { deflateSync, gunzipSync } from 'node:zlib';
import { useCodec } from '../core/io/compression.js';

/** Node's own zlib for PNGs and .gz inputs on this thread (core/io/compression.ts says why). */
export function useNativeZlib(): void {
  useCodec({ zlib: (raw) => plain(deflateSync(raw)), gunzip: (gz) => plain(gunzipSync(gz)) });
}

/**
 * A plain Uint8Array that owns its memory: a Buffer's slice() shares memory where a Uint8Array's copies, and a
 * small Buffer may sit in Node's shared pool, whose ArrayBuffer must never be transferred to another thread.
 */
function plain(b: Buffer): Uint8Array {
  const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return own ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}
