import type { Command } from 'commander';
import { fscJob, type FscResult } from '../../../core/app/jobs/fsc.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { COLORS, plotCurves } from '../plot.js';
import { addMaskOptions, inputPaths, maskSpec, num, positiveNumber, type MaskFlags } from '../options.js';
import { processCompute } from '../../compute.js';

interface FscFlags extends MaskFlags {
  angpix?: number;
  mw?: number;
  randomizeAt?: number;
  seed?: number;
  json?: boolean;
  out?: string;
}

export function registerFsc(program: Command): void {
  const cmd = program
    .command('fsc')
    .description(
      'Fourier shell correlation of two half maps: unmasked, masked, phase-randomisation corrected, with every ' +
        'criterion and the warnings a careful user wants',
    )
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option('--mw <kDa>', 'molecular weight for cisTEM’s Part_FSC curve', positiveNumber('--mw'))
    .option(
      '--randomize-at <A>',
      'randomise phases beyond this resolution instead of where the unmasked FSC < 0.8',
      positiveNumber('--randomize-at'),
    )
    .option(
      '--seed <n>',
      'seed of the phase randomisation (default: RELION’s own stream, so the curves equal relion_postprocess’s)',
      num('--seed', { integer: true, min: 0, max: 2 ** 31 - 1 }),
    )
    .option('--json', 'print one JSON object to stdout')
    .option(
      '--out <dir>',
      'write fsc.star (RELION postprocess columns), fsc.xml (EMDB), fsc.json and the automatic mask to this folder',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx fsc run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc\n  ' +
        'cryodx fsc half1.mrc half2.mrc --auto-mask --angpix 1.06 --out fsc/ --json',
    )
    .action(async (h1: string, h2: string, opts: FscFlags) => {
      // The files read side by side (hundreds of MB at 400³ and above).
      const [mask, half1, half2] = await Promise.all([maskSpec(opts), readNamed(h1), readNamed(h2)]);
      const compute = await processCompute();
      const progress = terminalProgress('FSC');
      let job;
      try {
        job = fscJob(
          {
            half1,
            half2,
            ...(mask ? { mask } : {}),
            pixelSizeA: opts.angpix ?? null,
            ...(opts.mw !== undefined ? { mwKDa: opts.mw } : {}),
            ...(opts.randomizeAt !== undefined ? { randomizeFromA: opts.randomizeAt } : {}),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          },
          progress.ctx,
          compute,
        );
      } finally {
        progress.stop();
      }
      if (opts.out) await writeOutputs(opts.out, job.outputs, inputPaths(h1, h2, opts.mask));
      if (opts.json) return printJson(job.result);
      process.stdout.write(summary(job.result) + '\n');
      job.warnings.forEach((w) => warn(w.message));
    });
}

function summary(r: FscResult): string {
  const s = r.shells;
  const c = r.crossings[r.shells[0]!.fscCorrected !== null ? 'fscCorrected' : 'fscUnmasked']!;
  const lines = [
    `Resolution ${fmt(r.resolutionA)} Å (${r.criterion}); interpolated ${fmt(r.resolutionInterpolatedA)} Å`,
    `Pixel ${fmt(r.pixelSizeA)} Å, box ${r.boxSize}` +
      (r.mask ? `, mask: ${r.mask.source} (${(100 * r.mask.volumeFraction).toFixed(1)} % of the box)` : ', no mask') +
      (r.randomizeFromA ? `, phases randomised beyond ${fmt(r.randomizeFromA)} Å` : ''),
    `Criteria: 0.5 → ${fmt(c['0.5'].resolutionA)} Å, half-bit → ${fmt(c['half-bit'].resolutionA)} Å, one-bit → ` +
      `${fmt(c['one-bit'].resolutionA)} Å, 3σ → ${fmt(c['3sigma'].resolutionA)} Å`,
    `Curve shape: ${r.shape.kind}. ${r.shape.meaning}`,
    '',
    plotCurves(
      [
        { name: 'unmasked', values: s.map((x) => x.fscUnmasked), color: COLORS.unmasked },
        ...(r.mask
          ? [
              { name: 'masked', values: s.map((x) => x.fscMasked), color: COLORS.masked },
              { name: 'corrected', values: s.map((x) => x.fscCorrected), color: COLORS.corrected },
              { name: 'phase-randomised', values: s.map((x) => x.fscPhaseRandomized), color: COLORS.random },
            ]
          : []),
      ],
      r.boxSize * r.pixelSizeA,
    ),
  ];
  return lines.join('\n');
}
