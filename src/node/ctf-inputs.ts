import { decodeText, maybeGunzip } from '../core/io/bytes.js';
import { ctfFromStar } from '../core/io/ctf-star.js';
import { readCtffind } from '../core/io/ctffind.js';
import { readStar } from '../core/io/star/read.js';
import type { CtfEstimate } from '../core/model/ctf.js';
import { readInput } from './files.js';

/** Micrograph CTF results from RELION micrographs_ctf.star files and CTFFIND 4 / 5 text outputs. */
export async function readCtfResults(paths: string[]): Promise<CtfEstimate[]> {
  const est: CtfEstimate[] = [];
  for (const f of paths) {
    const bytes = maybeGunzip(await readInput(f));
    if (/\.star$/i.test(f)) est.push(...ctfFromStar(readStar(bytes, { source: f })));
    else est.push(...readCtffind(decodeText(bytes), f).estimates);
  }
  return est;
}
