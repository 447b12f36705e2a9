import { deflateSync, gunzipSync } from 'node:zlib';
import { useCodec } from '../core/io/compression.js';

/** Node's own zlib for PNGs and .gz inputs on this thread (core/io/compression.ts says why). */
export function useNativeZlib(): void {
  useCodec({ zlib: (raw) => plain(deflateSync(raw)), gunzip: (gz) => plain(gunzipSync(gz)) });
}

/** A plain Uint8Array view (a Buffer's slice() shares memory where a Uint8Array's copies). */
const plain = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
