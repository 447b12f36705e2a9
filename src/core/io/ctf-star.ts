import { FormatError } from './errors.js';
import type { CtfEstimate } from '../model/ctf.js';
import type { StarDocument } from './star/read.js';
import type { StarTableOut } from './star/write.js';

/** CTF results from a RELION micrographs_ctf.star (rlnDefocusU/V, rlnDefocusAngle, rlnCtfMaxResolution …). */
export function ctfFromStar(doc: StarDocument): CtfEstimate[] {
  const block = doc.blocks.find((b) => b.loop && b.loop.has('rlnDefocusU') && b.loop.has('rlnCtfMaxResolution'));
  if (!block) throw new FormatError('no micrograph CTF table', { source: doc.source, expected: 'a loop with _rlnDefocusU and _rlnCtfMaxResolution (micrographs_ctf.star)' });
  const l = block.loop!;
  const [du, dv, ang, maxres] = l.numberColumns(['rlnDefocusU', 'rlnDefocusV', 'rlnDefocusAngle', 'rlnCtfMaxResolution']);
  const fom = l.has('rlnCtfFigureOfMerit') ? l.numbers('rlnCtfFigureOfMerit') : null;
  // Thickness is not a RELION 3.1 column; cryodx writes it (from CTFFIND5) as rlnMicrographIceThickness.
  const thick = l.has('rlnMicrographIceThickness') ? l.numbers('rlnMicrographIceThickness') : null;
  const names = l.has('rlnMicrographName') ? l.strings('rlnMicrographName') : null;
  return Array.from({ length: l.rows }, (_, i) => ({
    micrograph: names?.[i] ?? `micrograph ${i + 1}`,
    defocusUA: du![i]!,
    defocusVA: dv![i]!,
    astigmatismAngleDeg: ang![i]!,
    phaseShiftRad: 0,
    crossCorrelation: fom?.[i] ?? NaN,
    fitResolutionA: maxres![i]!,
    tiltAxisDeg: null,
    tiltAngleDeg: null,
    thicknessA: thick?.[i] ?? null,
  }));
}

/** A RELION-style micrographs_ctf.star micrographs table. */
export function ctfToStar(estimates: CtfEstimate[]): StarTableOut[] {
  const col = (f: (e: CtfEstimate) => number | string): (number | string)[] => estimates.map(f);
  const columns = ['rlnMicrographName', 'rlnDefocusU', 'rlnDefocusV', 'rlnDefocusAngle', 'rlnCtfFigureOfMerit', 'rlnCtfMaxResolution', 'rlnMicrographIceThickness'];
  const values = [col((e) => e.micrograph), col((e) => e.defocusUA), col((e) => e.defocusVA), col((e) => e.astigmatismAngleDeg), col((e) => e.crossCorrelation), col((e) => e.fitResolutionA), col((e) => e.thicknessA ?? 0)];
  return [{ name: 'micrographs', loop: { columns, values: values as (number[] | string[])[] } }];
}
