import { stemOf } from './relion.js';

/** A series name from a file name: the stem without the suffix a program adds (`_CTF`, `_TLT`, `.aln` …). */
export function seriesFromFile(path: string): string {
  return stemOf(path).replace(/(_CTF|_TLT|_ctf|_tlt|\.mrc|\.st|\.mrc\.mdoc)$/i, '');
}

export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}
