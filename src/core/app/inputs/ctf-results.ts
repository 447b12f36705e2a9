import { decodeText, maybeGunzip } from '../../io/bytes.js';
import { ctfFromStar } from '../../io/ctf-star.js';
import { readCtffind } from '../../io/ctffind.js';
import { readStar } from '../../io/star/read.js';
import { isNpy, readNpy } from '../../io/npy.js';
import { ctfFromCryosparcExposures } from '../../io/cryosparc/processing.js';
import type { CtfEstimate } from '../../model/ctf.js';
import type { NamedBytes } from '../job.js';
import { readCtfTable } from '../../io/tomo/formats.js';
import type { TiltSource } from '../../model/tomo.js';
import { readAberrations, type AberrationReading } from '../../analysis/ctf/aberrations.js';
import { readOpticsAberrations } from '../../io/star/aberrations.js';

/** CTF results (RELION micrographs_ctf.star or CTFFIND 4 / 5 text) from a file's bytes. */
export function ctfFromBytes(name: string, raw: Uint8Array): CtfEstimate[] {
  const bytes = maybeGunzip(raw, name);
  if (isNpy(bytes)) return ctfFromCryosparcExposures(readNpy(bytes, name), name);
  if (/\.star(\.gz)?$/i.test(name)) return ctfFromStar(readStar(bytes, { source: name }));
  const text = decodeText(bytes);
  // AreTomo3's per-tilt _CTF.txt: CTFFIND's first 7 columns and dfHand.
  return isAretomoCtf(name, text) ? ctfFromTiltTable(readCtfTable(text, name)) : readCtffind(text, name).estimates;
}

export function isAretomoCtf(name: string, text: string): boolean {
  if (/^# Output from CTFFind/im.test(text.slice(0, 4096))) return false;
  const row = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return /_CTF\.txt$/i.test(name) || row?.trim().split(/\s+/).length === 8;
}

/** Per-tilt CTF rows as micrograph estimates ("TS_5 image 3"); a fit or score the program did not give is NaN. */
function ctfFromTiltTable(s: TiltSource): CtfEstimate[] {
  return s.tilts.map((t) => ({
    micrograph: `${s.series ?? s.file} image ${t.index + 1}`,
    defocusUA: t.defocusUA ?? NaN,
    defocusVA: t.defocusVA ?? NaN,
    astigmatismAngleDeg: t.astigmatismAngleDeg ?? 0,
    phaseShiftRad: 0,
    crossCorrelation: t.ctfScore ?? NaN,
    fitResolutionA: t.fitResolutionA ?? NaN,
    tiltAxisDeg: null,
    tiltAngleDeg: t.tiltDeg ?? null,
    thicknessA: null,
  }));
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
