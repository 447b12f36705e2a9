import { gunzip, type Codec } from './compression.js';
import { FormatError } from '../errors.js';

/** Bytes as a Uint8Array view, without copying. */
export function asBytes(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** Parts one after the other in one array (a file written in parts, read back whole). */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Gzip is detected by its magic number, not the file name, so `.map.gz` and a gzip stream
 * renamed to `.mrc` both read. A truncated or damaged stream is the file's fault: said so, by name.
 */
export function maybeGunzip(bytes: Uint8Array, source = 'input', codec?: Codec): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzip(bytes, codec);
  } catch (e) {
    throw new FormatError('the gzip data are truncated or damaged', {
      source,
      found: (e as Error).message,
      hint: 'Copy or download the file again (gzip -t FILE tests it)',
    });
  }
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export function decodeAscii(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
