import { ctfFromBytes } from '../core/report/analyze.js';
import type { CtfEstimate } from '../core/model/ctf.js';
import { readInput } from './files.js';

/** Micrograph CTF results from RELION micrographs_ctf.star files and CTFFIND 4 / 5 text outputs. */
export async function readCtfResults(paths: string[]): Promise<CtfEstimate[]> {
  const est: CtfEstimate[] = [];
  for (const f of paths) est.push(...ctfFromBytes(f, await readInput(f)));
  return est;
}
