import { gunzipSync } from 'fflate';

/** Bytes as a Uint8Array view, without copying. */
export function asBytes(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gzip is detected by its magic number, not the file name, so `.map.gz` and a gzip stream
 * renamed to `.mrc` both read. fflate is used because it is synchronous and runs in the browser.
 */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return isGzip(bytes) ? gunzipSync(bytes) : bytes;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export function decodeAscii(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
