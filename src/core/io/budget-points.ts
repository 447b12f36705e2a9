import type { BudgetPoint } from '../model/budget.js';
import { FormatError } from '../errors.js';
import type { StarDocument } from './star/read.js';

/**
 * (particles, resolution) points from a CSV: a header naming a particle column (particles, n,
 * nparticles, count) and a resolution column (resolution, resolutiona, d, resolution_a), in any order.
 */
export function readBudgetCsv(text: string, source: string): BudgetPoint[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines.length < 2)
    throw new FormatError('no data rows', { source, expected: 'a header line and one row per refinement' });
  const split = (l: string): string[] =>
    l
      .split(/[,\t;]|\s+/)
      .map((c) => c.trim())
      .filter((c) => c !== '');
  const header = split(lines[0]!).map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  const ni = header.findIndex((h) => ['particles', 'n', 'nparticles', 'count', 'numberofparticles'].includes(h));
  const di = header.findIndex((h) => ['resolution', 'resolutiona', 'd', 'resolutionangstrom', 'da'].includes(h));
  if (ni < 0 || di < 0)
    throw new FormatError('missing column', {
      source,
      line: 1,
      found: lines[0]!,
      expected: 'a "particles" and a "resolution" (Å) column',
    });
  return lines.slice(1).map((l, k) => {
    const cells = split(l);
    const particles = Number(cells[ni]);
    const resolutionA = Number(cells[di]);
    if (!(particles > 0) || !(resolutionA > 0))
      throw new FormatError('value is not a positive number', {
        source,
        line: k + 2,
        found: l,
        expected: 'particles > 0 and resolution in Å > 0',
      });
    return { particles, resolutionA, source: `${source}:${k + 2}` };
  });
}

/** The resolution a RELION postprocess.star (rlnFinalResolution) or run_model.star (rlnCurrentResolution) reports. */
export function resolutionFromStar(doc: StarDocument): number {
  for (const b of doc.blocks) {
    for (const key of ['rlnFinalResolution', 'rlnCurrentResolution']) {
      const v = b.pairs.get(key);
      if (v !== undefined && Number(v) > 0) return Number(v);
    }
  }
  throw new FormatError('no resolution', {
    source: doc.source,
    expected: '_rlnFinalResolution (postprocess.star) or _rlnCurrentResolution (run_model.star)',
  });
}

/** B-factor and resolution of a postprocess.star, for the single-map estimate. */
export function bfactorFromStar(doc: StarDocument): { bfactorA2: number; resolutionA: number } {
  const general = doc.blocks.find((b) => b.pairs.has('rlnBfactorUsedForSharpening'));
  if (!general)
    throw new FormatError('no B-factor', {
      source: doc.source,
      expected: '_rlnBfactorUsedForSharpening (a postprocess.star with --auto_bfac)',
    });
  return { bfactorA2: Number(general.pairs.get('rlnBfactorUsedForSharpening')), resolutionA: resolutionFromStar(doc) };
}
