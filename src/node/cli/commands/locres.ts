import type { Command } from 'commander';
import { join } from 'node:path';
import { locresJob } from '../../../core/app/jobs/locres.js';
import { InputError } from '../../files.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, inputPaths, maskSpec, positiveNumber, type MaskFlags } from '../options.js';
import { processCompute } from '../../compute.js';

interface LocresFlags extends MaskFlags {
  angpix?: number;
  windowA?: string;
  stepA?: number;
  method: string;
  json?: boolean;
  out: string;
}

export function registerLocres(program: Command): void {
  const cmd = program
    .command('locres')
    .description(
      'local resolution (RELION --locres or blocres style), its distribution, the core-vs-periphery gradient and ' +
        'the regions markedly worse than the rest',
    )
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option(
      '--window-a <A|auto>',
      'outer diameter of the soft spherical window in Å (auto: RELION 75 Å; blocres 6× the resolution)',
      'auto',
    )
    .option(
      '--step-a <A>',
      'distance between sample points in Å (default: window / 3, RELION 25 Å)',
      positiveNumber('--step-a'),
    )
    .option(
      '--method <relion|blocres>',
      'relion: phase-randomisation corrected FSC per window; blocres: larger window, no randomisation',
      'relion',
    )
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'output folder: locres.mrc, locres_filtered.mrc, locres_points.star, locres.json', 'locres')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx locres run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc ' +
        '--out LocalRes/\n  cryodx locres half1.mrc half2.mrc --auto-mask --method blocres --out locres --json',
    )
    .action(async (h1: string, h2: string, opts: LocresFlags) => {
      if (opts.method !== 'relion' && opts.method !== 'blocres')
        throw new InputError(`--method takes relion or blocres, got "${opts.method}"`);
      const windowA = opts.windowA === undefined || opts.windowA === 'auto' ? undefined : Number(opts.windowA);
      if (windowA !== undefined && !(Number.isFinite(windowA) && windowA > 0))
        throw new InputError(`--window-a takes a diameter in Å or "auto", got "${opts.windowA}"`);
      const mask = await maskSpec(opts);
      const compute = await processCompute();
      const progress = terminalProgress('local resolution');
      let job;
      try {
        job = locresJob(
          {
            half1: await readNamed(h1),
            half2: await readNamed(h2),
            ...(mask ? { mask } : {}),
            pixelSizeA: opts.angpix ?? null,
            method: opts.method,
            ...(windowA !== undefined ? { windowA } : {}),
            ...(opts.stepA !== undefined ? { stepA: opts.stepA } : {}),
          },
          progress.ctx,
          compute,
        );
      } finally {
        progress.stop();
      }
      await writeOutputs(opts.out, job.outputs, inputPaths(h1, h2, opts.mask));
      const r = job.result;
      if (opts.json) return printJson(r);
      process.stdout.write(
        [
          `Local resolution (${r.method}, window ${fmt(r.windowA)} Å every ${fmt(r.stepA)} Å, ${r.points.length} ` +
            `points) within the ${mask ? 'mask' : 'sampled region'}:`,
          `  median ${fmt(r.medianA)} Å (5 %: ${fmt(r.percentilesA.p5)} Å, 95 %: ${fmt(r.percentilesA.p95)} Å); ` +
            `global FSC ${fmt(r.globalResolutionA)} Å`,
          `  core ${fmt(r.coreA)} Å, periphery ${fmt(r.peripheryA)} Å`,
          ...r.regions
            .slice(0, 5)
            .map(
              (g) =>
                `  worse region: ${fmt(g.medianA)} Å over ${(g.volumeA3 / 1000).toFixed(1)} nm³ at ` +
                `(${g.centroidA.map((c) => c.toFixed(0)).join(', ')}) Å`,
            ),
          `Wrote ${join(opts.out, 'locres.mrc')} (colour the sharpened map with it in ChimeraX), ` +
            `locres_filtered.mrc, locres_points.star, locres.json`,
        ].join('\n') + '\n',
      );
      job.warnings.forEach((w) => warn(w.message));
    });
}
