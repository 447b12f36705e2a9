import { postprocess, type BfactorChoice, type PostprocessResult } from '../../analysis/postprocess/postprocess.js';

export type { PostprocessResult };
import { InputError } from '../../errors.js';
import { emdbFscXml, postprocessStarTables } from '../../exports/relion-postprocess.js';
import { writeMrcParts } from '../../io/mrc/write.js';
import { readMtf } from '../../io/mtf.js';
import { readStar } from '../../io/star/read.js';
import { writeStar } from '../../io/star/write.js';
import type { Compute } from '../../parallel/compute.js';
import type { ProgressContext } from '../../util/progress.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult, type NamedBytes } from '../job.js';
import { loadHalfMaps, volumeLike, type HalfMapInputs } from '../inputs/maps.js';

export interface PostprocessJobInput extends HalfMapInputs {
  /** RELION's sign: negative sharpens. Absent = automatic from the Guinier plot. */
  bfactorA2?: number;
  autobLowResA?: number;
  /** 0 or absent: up to where the corrected FSC vanishes. */
  autobHighResA?: number;
  mtf?: NamedBytes;
  lowPass?: number | 'resolution';
  randomizeFromA?: number;
}

/** The fewest Guinier shells an automatic B-factor is fitted to (a line through two points has no residual). */
export const MIN_GUINIER_SHELLS = 3;

/** `cryodx postprocess`: relion_postprocess at parity, with RELION's files. */
export function postprocessJob(
  inp: PostprocessJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): JobResult<PostprocessResult> {
  if (!inp.mask || inp.mask.kind === 'none')
    throw new InputError('postprocess needs a mask: give --mask M or --auto-mask (or --sphere-radius A)');
  const lowA = inp.autobLowResA ?? 10;
  const highA = inp.autobHighResA ?? 0;
  if (inp.bfactorA2 === undefined && highA > 0 && highA >= lowA)
    throw new InputError(
      `--autob-highres ${highA} Å is not finer than --autob-lowres ${lowA} Å, so the B-factor fit has no shells: ` +
        'the low-resolution end is the larger number of Å (e.g. --autob-lowres 10 --autob-highres 4)',
    );
  const h = loadHalfMaps(inp, compute);
  const bfactor: BfactorChoice =
    inp.bfactorA2 !== undefined
      ? { kind: 'adhoc', bfactorA2: inp.bfactorA2 }
      : { kind: 'auto', lowResA: inp.autobLowResA ?? 10, highResA: inp.autobHighResA ?? 0 };
  const mtf = inp.mtf ? readMtf(readStar(inp.mtf.bytes, { source: inp.mtf.name })) : undefined;
  const out = postprocess(
    h.half1,
    h.half2,
    {
      pixelSizeA: h.pixelSizeA,
      mask: h.mask,
      bfactor,
      ...(mtf ? { mtf } : {}),
      ...(inp.lowPass !== undefined ? { lowPass: inp.lowPass } : {}),
      ...(inp.randomizeFromA !== undefined ? { randomizeFromA: inp.randomizeFromA } : {}),
    },
    progress,
    compute,
  );
  const { result } = out;
  // A B-factor fitted to fewer than three shells is not a fit: refused before any file is written.
  if (bfactor.kind === 'auto' && (result.guinier?.points ?? 0) < MIN_GUINIER_SHELLS) {
    const fine =
      highA > 0 ? `--autob-highres ${highA} Å` : `the resolution (${result.resolutionA?.toFixed(1) ?? '—'} Å)`;
    throw new InputError(
      `the Guinier plot has ${result.guinier?.points ?? 0} shell(s) between --autob-lowres ${lowA} Å and ${fine}, ` +
        `fewer than the ${MIN_GUINIER_SHELLS} a B-factor fit needs: widen the range or give an ad-hoc --bfactor`,
    );
  }
  result.warnings = uniqueWarnings([...h.warnings, ...result.warnings]);
  const like = (d: Float32Array): ReturnType<typeof volumeLike> => volumeLike(h.half1, h.pixelSizeA, d);
  const label =
    `cryodx postprocess: B ${result.bfactorA2.toFixed(2)} A^2, resolution ` +
    `${result.resolutionA?.toFixed(3) ?? '-'} A`;
  const outputs: JobOutput[] = [
    { name: 'postprocess.mrc', parts: writeMrcParts(like(out.sharpened), { labels: [label] }) },
  ];
  if (out.maskedSharpened)
    outputs.push({
      name: 'postprocess_masked.mrc',
      parts: writeMrcParts(like(out.maskedSharpened), { labels: [label + ', masked'] }),
    });
  if (out.autoMask) outputs.push({ name: 'postprocess_automask.mrc', parts: writeMrcParts(like(out.autoMask.mask)) });
  const maskName = h.maskName ?? (out.autoMask ? 'postprocess_automask.mrc' : null);
  outputs.push({
    name: 'postprocess.star',
    text: writeStar(postprocessStarTables(result, { half1: h.names[0], half2: h.names[1], maskName })),
  });
  outputs.push({
    name: 'postprocess_fsc.xml',
    text: emdbFscXml({ ...result.fsc, shells: result.shells, warnings: [] }, 'cryodx masked-corrected FSC'),
  });
  outputs.push({ name: 'postprocess.json', text: jsonText(result) });
  return { result, outputs, warnings: result.warnings };
}
