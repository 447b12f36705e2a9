import { FormatError } from '../../errors.js';
import { BFACTOR_A2, FINITE, type FieldRange } from '../fields.js';
import type { StarDocument } from '../star/read.js';
import { RLN } from '../star/labels.js';

const FRAME: FieldRange = { min: 0, max: 1e6 };

/**
 * Bayesian polishing's per-frame B-factors (relion frame_recombiner.cpp writes bfactors.star): frame number
 * from 0, `rlnBfactorUsedForSharpening` (Å², RELION's sign: more negative = more signal lost) and
 * `rlnFittedInterceptGuinierPlot` (ln of the frame's scale).
 */
export interface PerFrameBfactor {
  frame: number;
  bfactorA2: number;
  lnScale: number;
}

export function readPolishBfactors(doc: StarDocument): PerFrameBfactor[] {
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.bfactorUsedForSharpening))?.loop;
  if (!loop || !loop.has(RLN.movieFrameNumber))
    throw new FormatError('no per-frame B-factors', {
      source: doc.source,
      expected:
        `data_perframe_bfactors with _${RLN.movieFrameNumber} and _${RLN.bfactorUsedForSharpening} ` +
        '(bfactors.star)',
    });
  const f = loop.numbers(RLN.movieFrameNumber, FRAME);
  const b = loop.numbers(RLN.bfactorUsedForSharpening, BFACTOR_A2);
  const c = loop.has(RLN.fittedInterceptGuinierPlot) ? loop.numbers(RLN.fittedInterceptGuinierPlot, FINITE) : null;
  return Array.from({ length: loop.rows }, (_, i) => ({ frame: f[i]!, bfactorA2: b[i]!, lnScale: c?.[i] ?? 0 }));
}
