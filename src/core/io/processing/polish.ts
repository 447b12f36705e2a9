import { FormatError } from '../../errors.js';
import { BFACTOR_A2, FINITE, type FieldRange } from '../fields.js';
import type { StarDocument } from '../star/read.js';

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
  const loop = doc.blocks.find((b) => b.loop?.has('rlnBfactorUsedForSharpening'))?.loop;
  if (!loop || !loop.has('rlnMovieFrameNumber'))
    throw new FormatError('no per-frame B-factors', {
      source: doc.source,
      expected: 'data_perframe_bfactors with _rlnMovieFrameNumber and _rlnBfactorUsedForSharpening (bfactors.star)',
    });
  const f = loop.numbers('rlnMovieFrameNumber', FRAME);
  const b = loop.numbers('rlnBfactorUsedForSharpening', BFACTOR_A2);
  const c = loop.has('rlnFittedInterceptGuinierPlot') ? loop.numbers('rlnFittedInterceptGuinierPlot', FINITE) : null;
  return Array.from({ length: loop.rows }, (_, i) => ({ frame: f[i]!, bfactorA2: b[i]!, lnScale: c?.[i] ?? 0 }));
}
