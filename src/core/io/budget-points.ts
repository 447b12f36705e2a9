import type { BudgetPoint } from '../model/budget.js';
import { FormatError } from '../errors.js';
import type { StarDocument } from './star/read.js';
import { RLN } from './star/labels.js';

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
    for (const key of [RLN.finalResolution, RLN.currentResolution]) {
      const v = b.pairs.get(key);
      if (v !== undefined && Number(v) > 0) return Number(v);
    }
  }
  throw new FormatError('no resolution', {
    source: doc.source,
    expected: `_${RLN.finalResolution} (postprocess.star) or _${RLN.currentResolution} (run_model.star)`,
  });
}

/** B-factor and resolution of a postprocess.star, for the single-map estimate. */
export interface PostprocessBfactor {
  bfactorA2: number;
  resolutionA: number;
  /** RELION's rlnCorrelationFitGuinierPlot (r² of the Guinier fit), when the B was fitted. */
  guinierR2: number | null;
  /** Nyquist in Å: the finest rlnAngstromResolution of the FSC table, when there is one. */
  nyquistA: number | null;
}

export function bfactorFromStar(doc: StarDocument): PostprocessBfactor {
  const general = doc.blocks.find((b) => b.pairs.has(RLN.bfactorUsedForSharpening));
  if (!general)
    throw new FormatError('no B-factor', {
      source: doc.source,
      expected: `_${RLN.bfactorUsedForSharpening} (a postprocess.star with --auto_bfac)`,
    });
  const r2 = general.pairs.get(RLN.correlationFitGuinierPlot);
  return {
    bfactorA2: Number(general.pairs.get(RLN.bfactorUsedForSharpening)),
    resolutionA: resolutionFromStar(doc),
    guinierR2: r2 !== undefined && Number.isFinite(Number(r2)) ? Number(r2) : null,
    nyquistA: nyquistFromStar(doc),
  };
}

/** Nyquist (Å) of a postprocess.star or run_model.star: its finest shell, or null without an FSC table. */
export function nyquistFromStar(doc: StarDocument): number | null {
  const fsc = doc.blocks.find((b) => b.loop?.has(RLN.angstromResolution))?.loop;
  if (!fsc || fsc.rows === 0) return null;
  const res = fsc.numbers(RLN.angstromResolution);
  let finest = Infinity;
  for (let i = 0; i < res.length; i++) if (res[i]! > 0 && res[i]! < finest) finest = res[i]!;
  return Number.isFinite(finest) ? finest : null;
}
