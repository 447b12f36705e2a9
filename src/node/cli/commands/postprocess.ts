import type { Command } from 'commander';
import { join } from 'node:path';
import { postprocessJob, type PostprocessResult } from '../../../core/app/jobs/postprocess.js';
import { InputError } from '../../files.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, finiteNumber, inputPaths, maskSpec, num, positiveNumber, type MaskFlags } from '../options.js';
import { RLN } from '../../../core/io/star/labels.js';
import { processCompute } from '../../compute.js';

interface PostprocessFlags extends MaskFlags {
  angpix?: number;
  autoBfactor?: boolean;
  bfactor?: number;
  autobLowres: number;
  autobHighres: number;
  mtf?: string;
  lowPass?: string;
  randomizeAt?: number;
  json?: boolean;
  out: string;
}

export function registerPostprocess(program: Command): void {
  const cmd = program
    .command('postprocess')
    .description(
      'RELION-style post-processing: corrected FSC, Guinier plot and automatic B-factor, FSC-weighted sharpened ' +
        'map, postprocess.star',
    )
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option('--auto-bfactor', 'fit the B-factor to the Guinier plot (default when no --bfactor)')
    .option('--bfactor <A2>', 'ad-hoc B-factor in Å² (RELION’s sign: negative sharpens)', finiteNumber('--bfactor'))
    .option('--autob-lowres <A>', 'lowest resolution in the B-factor fit', positiveNumber('--autob-lowres'), 10)
    .option(
      '--autob-highres <A>',
      'highest resolution in the B-factor fit (0: up to where the FSC vanishes)',
      num('--autob-highres', { min: 0 }),
      0,
    )
    .option('--mtf <star>', `detector MTF (STAR with _${RLN.resolutionInversePixel}, _${RLN.mtfValue})`)
    .option(
      '--low-pass <A|resolution>',
      'low-pass the sharpened map at A Å, or at the FSC resolution (default: none, as RELION 3.1)',
    )
    .option('--randomize-at <A>', 'randomise phases beyond this resolution', positiveNumber('--randomize-at'))
    .option('--json', 'print one JSON object to stdout')
    .option(
      '--out <dir>',
      'output folder: postprocess.mrc, postprocess_masked.mrc, postprocess.star, postprocess_fsc.xml, postprocess.json',
      'postprocess',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx postprocess run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc ' +
        '--auto-bfactor --out PostProcess/\n  cryodx postprocess half1.mrc half2.mrc --auto-mask --bfactor -80 ' +
        '--low-pass resolution --out pp --json',
    )
    .action(async (h1: string, h2: string, opts: PostprocessFlags) => {
      if (opts.autoBfactor && opts.bfactor !== undefined)
        throw new InputError('choose --auto-bfactor or --bfactor, not both');
      const lowPass = parseLowPass(opts.lowPass);
      // The files read side by side (hundreds of MB at 400³ and above).
      const [mask, mtf, half1, half2] = await Promise.all([
        maskSpec(opts),
        readNamedOptional(opts.mtf),
        readNamed(h1),
        readNamed(h2),
      ]);
      const compute = await processCompute();
      const progress = terminalProgress('postprocess');
      let job;
      try {
        job = postprocessJob(
          {
            half1,
            half2,
            ...(mask ? { mask } : {}),
            pixelSizeA: opts.angpix ?? null,
            ...(opts.bfactor !== undefined ? { bfactorA2: opts.bfactor } : {}),
            autobLowResA: opts.autobLowres,
            autobHighResA: opts.autobHighres,
            ...(mtf ? { mtf } : {}),
            ...(lowPass !== undefined ? { lowPass } : {}),
            ...(opts.randomizeAt !== undefined ? { randomizeFromA: opts.randomizeAt } : {}),
          },
          progress.ctx,
          compute,
        );
      } finally {
        progress.stop();
      }
      await writeOutputs(opts.out, job.outputs, inputPaths(h1, h2, opts.mask, opts.mtf));
      if (opts.json) return printJson(job.result);
      process.stdout.write(summary(job.result, opts.out) + '\n');
      job.warnings.forEach((w) => warn(w.message));
    });
}

function parseLowPass(v: string | undefined): number | 'resolution' | undefined {
  if (v === undefined) return undefined;
  if (v === 'resolution') return 'resolution';
  const a = Number(v);
  if (!(Number.isFinite(a) && a > 0))
    throw new InputError(`--low-pass takes a resolution in Å or "resolution", got "${v}"`);
  return a;
}

function summary(r: PostprocessResult, dir: string): string {
  const g = r.guinier;
  return [
    `Resolution ${fmt(r.resolutionA)} Å (corrected FSC = 0.143), phases randomised beyond ${fmt(r.randomizeFromA)} Å`,
    r.bfactorFrom === 'auto' && g
      ? `B-factor ${r.bfactorA2.toFixed(2)} Å² from the Guinier fit ` +
        `${g.fitRangeA ? `${fmt(g.fitRangeA[0])}–${fmt(g.fitRangeA[1])} Å` : ''} (slope ${g.slope.toFixed(3)}, ` +
        `intercept ${g.intercept.toFixed(3)}, r² ${g.r2.toFixed(3)}, ${g.points} shells)`
      : `B-factor ${r.bfactorA2.toFixed(2)} Å² (${r.bfactorFrom})`,
    `Low-pass: ${r.lowPassA ? `${fmt(r.lowPassA)} Å` : 'none (FSC weighting only, as RELION 3.1)'}`,
    `Wrote ${join(dir, 'postprocess.mrc')}, postprocess_masked.mrc, postprocess.star, postprocess_fsc.xml, ` +
      `postprocess.json`,
  ].join('\n');
}
