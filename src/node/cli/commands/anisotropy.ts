import type { Command } from 'commander';
import { anisotropyJob } from '../../../core/app/jobs/anisotropy.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, inputPaths, integer, maskSpec, num, positiveNumber, type MaskFlags } from '../options.js';
import { processCompute } from '../../compute.js';

interface AnisotropyFlags extends MaskFlags {
  angpix?: number;
  coneAngle: number;
  directions: number;
  json?: boolean;
  out?: string;
}

export function registerAnisotropy(program: Command): void {
  const cmd = program
    .command('anisotropy')
    .description(
      'directional resolution from the half maps: conical FSCs (3DFSC), sphericity, cFAR and the 3D FSC volume',
    )
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option(
      '--cone-angle <deg>',
      'half-angle of each cone (3DFSC: 20)',
      num('--cone-angle', { min: 0, exclusiveMin: true, max: 90 }),
      20,
    )
    .option('--directions <n>', 'number of cone axes on the hemisphere', integer('--directions', 10, 20000), 500)
    .option('--json', 'print one JSON object to stdout')
    .option(
      '--out <dir>',
      'write 3dfsc.mrc (the 3D FSC volume), directions.star (axis and resolution) and anisotropy.json to this folder',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx anisotropy run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc ' +
        '--out 3DFSC/\n  cryodx anisotropy half1.mrc half2.mrc --auto-mask --cone-angle 20 --directions 1000 --json',
    )
    .action(async (h1: string, h2: string, opts: AnisotropyFlags) => {
      const mask = await maskSpec(opts);
      const compute = await processCompute();
      const progress = terminalProgress('anisotropy');
      let job;
      try {
        job = anisotropyJob(
          {
            half1: await readNamed(h1),
            half2: await readNamed(h2),
            ...(mask ? { mask } : {}),
            pixelSizeA: opts.angpix ?? null,
            coneAngleDeg: opts.coneAngle,
            directions: opts.directions,
          },
          progress.ctx,
          compute,
        );
      } finally {
        progress.stop();
      }
      if (opts.out) await writeOutputs(opts.out, job.outputs, inputPaths(h1, h2, opts.mask));
      const r = job.result;
      if (opts.json) return printJson(r);
      const dir = (a: [number, number, number]): string => `(${a.map((c) => c.toFixed(2)).join(', ')})`;
      process.stdout.write(
        [
          `Sphericity ${r.sphericity.toFixed(3)} (3DFSC: < 0.85 suggests preferred orientation); cFAR ` +
            `${r.cfar.toFixed(2)} (cryoSPARC: < 0.5 is anisotropic)`,
          `Directional resolution over ${r.directions.length} cones of ${r.coneAngleDeg}°: best ` +
            `${fmt(r.directionalResolutionA.best)} Å along ${dir(r.bestDirection)}, worst ` +
            `${fmt(r.directionalResolutionA.worst)} Å along ${dir(r.worstDirection)}, median ` +
            `${fmt(r.directionalResolutionA.median)} Å; global ${fmt(r.globalResolutionA)} Å`,
        ].join('\n') + '\n',
      );
      job.warnings.forEach((w) => warn(w.message));
    });
}
