import { gunzipSync, zlibSync } from 'fflate';

/**
 * zlib and gzip in one place. fflate (synchronous, pure JavaScript) runs everywhere, the browser
 * included; a platform with a native codec passes it where it is used (Node: src/node/native-zlib.ts, for the
 * files it reads and, in the jobs' compute context, for the PNGs they write). Why: fflate on a worker thread that
 * has not optimised it yet deflates a 512² PNG in ~30 ms, node:zlib in ~2 ms.
 */
export interface Codec {
  /** zlib stream (RFC 1950), as a PNG's IDAT holds. */
  zlib(raw: Uint8Array): Uint8Array;
  /** The data of a gzip file (RFC 1952); throws if they do not match the trailer's CRC-32 and length. */
  gunzip(gz: Uint8Array): Uint8Array;
}

/** The codec every platform has. */
export const FFLATE: Codec = { zlib: (raw) => zlibSync(raw), gunzip: checkedGunzip };

export function zlibCompress(raw: Uint8Array, codec: Codec = FFLATE): Uint8Array {
  return codec.zlib(raw);
}

export function gunzip(gz: Uint8Array, codec: Codec = FFLATE): Uint8Array {
  return codec.gunzip(gz);
}

/**
 * fflate inflates without checking the gzip trailer (CRC-32 and length of the data, RFC 1952 §2.3.1),
 * so a file damaged in the middle would read as wrong numbers: checked here, as zlib does.
 */
function checkedGunzip(gz: Uint8Array): Uint8Array {
  const out = gunzipSync(gz);
  const t = new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 8);
  if (crc32(out) !== t.getUint32(0, true)) throw new Error('incorrect data check (CRC-32)');
  if (out.length % 2 ** 32 !== t.getUint32(4, true)) throw new Error('incorrect length check');
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG chunks and gzip trailers carry it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
