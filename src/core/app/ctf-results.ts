import { decodeText, maybeGunzip } from '../io/bytes.js';
import { ctfFromStar } from '../io/ctf-star.js';
import { readCtffind } from '../io/ctffind.js';
import { readStar } from '../io/star/read.js';
import type { CtfEstimate } from '../model/ctf.js';
import type { NamedBytes } from './job.js';

/** CTF results (RELION micrographs_ctf.star or CTFFIND 4 / 5 text) from a file's bytes. */
export function ctfFromBytes(name: string, raw: Uint8Array): CtfEstimate[] {
  const bytes = maybeGunzip(raw);
  return /\.star(\.gz)?$/i.test(name)
    ? ctfFromStar(readStar(bytes, { source: name }))
    : readCtffind(decodeText(bytes), name).estimates;
}

export function ctfFromFiles(files: NamedBytes[]): CtfEstimate[] {
  return files.flatMap((f) => ctfFromBytes(f.name, f.bytes));
}
