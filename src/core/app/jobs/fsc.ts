import { computeFsc, type FscResult } from '../../analysis/fsc/suite.js';

export type { FscResult };
import { emdbFscXml, fscStarTables } from '../../exports/relion-postprocess.js';
import { writeMrcParts } from '../../io/mrc/write.js';
import { writeStar } from '../../io/star/write.js';
import type { Compute } from '../../parallel/compute.js';
import type { ProgressContext } from '../../util/progress.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult } from '../job.js';
import { loadHalfMaps, volumeLike, type HalfMapInputs } from '../inputs/maps.js';

export interface FscJobInput extends HalfMapInputs {
  mwKDa?: number;
  /** Randomise phases beyond this resolution (Å) instead of where the unmasked FSC drops below 0.8. */
  randomizeFromA?: number;
  /** Seed of the phase randomisation; absent = RELION's own stream, so the curves equal relion_postprocess's. */
  seed?: number;
}

/** `cryodx fsc`: the FSC suite and its files (fsc.star with RELION's columns, EMDB XML, JSON, auto mask). */
export function fscJob(inp: FscJobInput, progress?: ProgressContext, compute?: Compute): JobResult<FscResult> {
  const h = loadHalfMaps(inp, compute);
  const { result, autoMask } = computeFsc(
    h.half1,
    h.half2,
    {
      pixelSizeA: h.pixelSizeA,
      mask: h.mask,
      ...(inp.randomizeFromA !== undefined ? { randomizeFromA: inp.randomizeFromA } : {}),
      ...(inp.mwKDa !== undefined ? { mwKDa: inp.mwKDa } : {}),
      ...(inp.seed !== undefined ? { seed: inp.seed } : {}),
    },
    progress,
    compute,
  );
  result.warnings = uniqueWarnings([...h.warnings, ...result.warnings]);
  const outputs: JobOutput[] = [];
  const maskName = h.maskName ?? (autoMask ? 'auto_mask.mrc' : null);
  outputs.push({
    name: 'fsc.star',
    text: writeStar(fscStarTables(result, { half1: h.names[0], half2: h.names[1], maskName })),
  });
  outputs.push({
    name: 'fsc.xml',
    text: emdbFscXml(result, `cryodx ${result.mask ? 'masked-corrected' : 'unmasked'} FSC`),
  });
  outputs.push({ name: 'fsc.json', text: jsonText(result) });
  if (autoMask) {
    const label =
      `cryodx auto-mask: lowpass ${autoMask.lowPassA} A, threshold ` +
      `${autoMask.threshold.toPrecision(4)}, extend ${autoMask.extendPx} px, soft edge ${autoMask.softEdgePx} px`;
    outputs.push({
      name: 'auto_mask.mrc',
      parts: writeMrcParts(volumeLike(h.half1, h.pixelSizeA, autoMask.mask), { labels: [label] }),
    });
  }
  return { result, outputs, warnings: result.warnings };
}
