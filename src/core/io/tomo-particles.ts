import { FormatError } from '../errors.js';
import type { StarDocument } from './star/read.js';
import { RLN } from './star/labels.js';

/** A particle in the tomogram frame, Å from the tomogram centre (RELION 5 rlnCenteredCoordinate*Angst). */
export interface TomoParticle {
  xA: number;
  yA: number;
  zA: number;
}

export function particlesFromStar(doc: StarDocument): TomoParticle[] {
  const block = doc.blocks.find((b) => b.loop?.has(RLN.centeredCoordinateXAngst));
  if (!block)
    throw new FormatError('no particle coordinates', {
      source: doc.source,
      expected: `a loop with _${RLN.centeredCoordinateXAngst}, Y and Z (RELION 5 particles)`,
    });
  const [x, y, z] = block.loop!.numberColumns([
    RLN.centeredCoordinateXAngst,
    RLN.centeredCoordinateYAngst,
    RLN.centeredCoordinateZAngst,
  ]);
  return Array.from(x!, (xA, i) => ({ xA, yA: y![i]!, zA: z![i]! }));
}

/** "x, y, z" in Å from the tomogram centre, one particle per line; a header line is skipped. */
export function particlesFromCsv(text: string, source: string): TomoParticle[] {
  const out: TomoParticle[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const v = t.split(/[\s,;]+/).map(Number);
    if (v.length < 3 || v.slice(0, 3).some((x) => !Number.isFinite(x))) {
      if (i === 0 && out.length === 0) return; // header
      throw new FormatError('expected three numbers (x, y, z in Å)', { source, line: i + 1, found: JSON.stringify(t) });
    }
    out.push({ xA: v[0]!, yA: v[1]!, zA: v[2]! });
  });
  if (!out.length)
    throw new FormatError('no particles', { source, expected: 'lines of x, y, z in Å from the tomogram centre' });
  return out;
}
