import { decodeText, maybeGunzip } from '../io/bytes.js';
import { ctfFromStar } from '../io/ctf-star.js';
import { readCtffind } from '../io/ctffind.js';
import { readStar } from '../io/star/read.js';
import { isNpy, readNpy } from '../io/npy.js';
import { ctfFromCryosparcExposures } from '../io/cryosparc/processing.js';
import type { CtfEstimate } from '../model/ctf.js';
import type { NamedBytes } from './job.js';
import { readAberrations, type AberrationReading } from '../analysis/ctf/aberrations.js';
import { readOpticsAberrations } from '../io/star/aberrations.js';

/** CTF results (RELION micrographs_ctf.star or CTFFIND 4 / 5 text) from a file's bytes. */
export function ctfFromBytes(name: string, raw: Uint8Array): CtfEstimate[] {
  const bytes = maybeGunzip(raw, name);
  if (isNpy(bytes)) return ctfFromCryosparcExposures(readNpy(bytes, name), name);
  return /\.star(\.gz)?$/i.test(name)
    ? ctfFromStar(readStar(bytes, { source: name }))
    : readCtffind(decodeText(bytes), name).estimates;
}

export function ctfFromFiles(files: NamedBytes[]): CtfEstimate[] {
  return files.flatMap((f) => ctfFromBytes(f.name, f.bytes));
}

/** CTF refinement's aberrations (optics tables of particle STARs) read at a resolution; [] when none. */
export function aberrationsFromFiles(files: NamedBytes[], resolutionA: number): AberrationReading[] {
  return files
    .filter((f) => /\.star(\.gz)?$/i.test(f.name))
    .flatMap((f) => readOpticsAberrations(readStar(maybeGunzip(f.bytes, f.name), { source: f.name })))
    .map((o) => readAberrations(o, resolutionA));
}
