import type { Command } from 'commander';
import { orientationsJob } from '../../../core/app/jobs/orientations.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';

interface OrientationFlags {
  sym: string;
  bfactor: number;
  diameter: number;
  fourierRadius: number;
  json?: boolean;
  out?: string;
}

export function registerOrientations(program: Command): void {
  program
    .command('orientations')
    .description(
      'orientation coverage from particle angles: SCF and SCF* (Baldwin & Lyumkis), a cryoEF-style efficiency, the ' +
        'tilt that would fill the gaps, the unsampled fraction',
    )
    .argument('<particles>', 'RELION particle STAR (3.0–5) or cryoSPARC .cs with alignments3D/pose')
    .option('--sym <group>', 'point group: C1, Cn, Dn, T, O, I', 'C1')
    .option('--bfactor <A2>', 'B-factor for the efficiency (cryoEF default 160)', positiveNumber('--bfactor'), 160)
    .option(
      '--diameter <A>',
      'particle diameter for the efficiency (cryoEF default 200)',
      positiveNumber('--diameter'),
      200,
    )
    .option(
      '--fourier-radius <k>',
      'Fourier radius of the sampled shell (CommandLineSCF: 50)',
      positiveNumber('--fourier-radius'),
      50,
    )
    .option('--json', 'print one JSON object to stdout')
    .option(
      '--out <dir>',
      'write orientations.json, orientations.svg (equal-area density plot) and its Vega-Lite spec to this folder',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx orientations Refine3D/job042/run_data.star --sym C1\n  cryodx orientations ' +
        'P3_J45_particles.cs --sym D2 --json',
    )
    .action(async (file: string, opts: OrientationFlags) => {
      const job = await orientationsJob({
        particles: await readNamed(file),
        symmetry: opts.sym,
        bfactorA2: opts.bfactor,
        diameterA: opts.diameter,
        fourierRadius: opts.fourierRadius,
      });
      if (opts.out) await writeOutputs(opts.out, job.outputs, [file]);
      const r = job.result;
      if (opts.json) return printJson(r);
      process.stdout.write(
        [
          `${r.nParticles.toLocaleString('en-US')} particles, ${r.symmetry} (×${r.symmetryOrder} views)`,
          `SCF ${r.scf.toFixed(3)}; ${r.verdict.statement}`,
          `  (preferred orientation when the relative SCF* is ${r.verdict.threshold}: cryoSPARC's 0.81, judged ` +
            `against what as many random views give, as report does); efficiency ${r.efficiency.toFixed(2)}`,
          `Unsampled Fourier space: ${(100 * r.unsampledFraction).toFixed(2)} %; recommended tilt for collection: ` +
            `${r.recommendedTiltDeg}°`,
          `  SCF* by tilt: ${r.tiltScan.map((t) => `${t.tiltDeg}° ${fmt(t.scfStar, 3)}`).join(', ')}`,
        ].join('\n') + '\n',
      );
      job.warnings.forEach((w) => warn(w.message));
    });
}
