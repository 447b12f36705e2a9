import { readStar } from '../src/core/io/star/read.js';
import { bytesOf } from './paths.js';

/** RELION's postprocess.star as columns keyed by shell, and its general values. */
export interface RelionPostprocess {
  general: Map<string, string>;
  shells: Map<number, Record<string, number>>;
}

export function readRelionPostprocess(path: string): RelionPostprocess {
  const doc = readStar(bytesOf(path), { source: path });
  const general = doc.blocks.find((b) => b.name === 'general')!.pairs;
  const loop = doc.blocks.find((b) => b.name === 'fsc')!.loop!;
  const cols = loop.columns.map((c) => [c, loop.numbers(c)] as const);
  const shells = new Map<number, Record<string, number>>();
  const idx = loop.numbers('rlnSpectralIndex');
  // RELION 3.1.3 sometimes writes a shell twice; the rows are identical, keep one.
  for (let r = 0; r < loop.rows; r++) shells.set(idx[r]!, Object.fromEntries(cols.map(([c, v]) => [c, v[r]!])));
  return { general, shells };
}
