import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoInputs } from '../../../core/app/jobs/demo.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { packageRoot } from '../../paths.js';
import { runReportCommand } from './report.js';
import { VERSION } from '../version.js';

/**
 * The README's main command: simulates a dataset from PDB 1TII with known problems (overall B,
 * blur along z from missing views, clustered views, poorly fitting CTFs), writes it as a user's
 * files would be, and runs the report on them.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulate an example dataset from PDB 1TII with planted problems and run the full report on it')
    .option('--out <dir>', 'output folder (inputs/ and the report)', 'cryodx-demo')
    .addHelpText('after', '\nExample:\n  cryodx demo --out cryodx-demo && open cryodx-demo/report.html')
    .action(async (opts: { out: string }) => {
      const t0 = Date.now();
      process.stderr.write('Simulating half maps, particles and CTF results from PDB 1TII …\n');
      const pdb = await readFile(join(packageRoot(), 'fixtures', 'structures', '1tii.pdb'), 'utf8');
      const d = demoInputs(pdb, '1TII');
      const written = await writeOutputs(opts.out, d.files, []);
      const at = (name: string): string => join(opts.out, name);
      const report = await runReportCommand(
        {
          half1: await readNamed(at(d.half1)),
          half2: await readNamed(at(d.half2)),
          mask: { kind: 'auto' },
          particles: await readNamed(at(d.particles)),
          ctf: [await readNamed(at(d.ctf))],
          symmetry: 'C1',
          version: VERSION,
        },
        opts.out,
        written,
      );
      const p = d.planted;
      process.stdout.write(
        [
          `cryodx demo (${((Date.now() - t0) / 1000).toFixed(0)} s). Planted: B ${p.bfactorA2} Å², blur along z ` +
            `(B ${p.directionalBfactorA2} Å²), ${100 * p.clusteredFraction} % top views, ` +
            `${100 * p.badCtfFraction} % poor CTF fits.`,
          report.verdict.headline,
          ...report.verdict.top.map((t, i) => `  ${i + 1}. ${t.title} (${t.strength}): ${t.summary}`),
          `Report: ${join(opts.out, 'report.html')}  (inputs in ${join(opts.out, 'inputs')})`,
        ].join('\n') + '\n',
      );
    });
}
