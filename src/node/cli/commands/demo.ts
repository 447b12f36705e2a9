import type { Command } from 'commander';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ctfToStar } from '../../../core/io/ctf-star.js';
import { writeMrc } from '../../../core/io/mrc/write.js';
import { readPdb } from '../../../core/io/pdb.js';
import { writeStar } from '../../../core/io/star/write.js';
import { createVolume } from '../../../core/model/volume.js';
import { demoDataset } from '../../../core/simulate/demo.js';
import { writeOutputAtomic } from '../../files.js';
import { packageRoot } from '../../paths.js';
import { readNamed } from '../../job-io.js';
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
      const inputs = join(opts.out, 'inputs');
      await mkdir(inputs, { recursive: true });
      process.stderr.write('Simulating half maps, particles and CTF results from PDB 1TII …\n');
      const pdb = readPdb(
        await readFile(join(packageRoot(), 'fixtures', 'structures', '1tii.pdb'), 'utf8'),
        '1tii.pdb',
      );
      const d = demoDataset(pdb);
      const px = d.pixelSizeA;
      const vol = (x: Float32Array) => createVolume(d.n, d.n, d.n, [px, px, px], x);
      const h1 = join(inputs, 'run_half1_class001_unfil.mrc'),
        h2 = join(inputs, 'run_half2_class001_unfil.mrc');
      await writeOutputAtomic(
        h1,
        writeMrc(vol(d.half1), { labels: ['cryodx demo: PDB 1TII, B 180 A^2, blur along z, noise'] }),
      );
      await writeOutputAtomic(
        h2,
        writeMrc(vol(d.half2), { labels: ['cryodx demo: PDB 1TII, B 180 A^2, blur along z, noise'] }),
      );
      const particles = join(inputs, 'run_data.star');
      await writeOutputAtomic(
        particles,
        writeStar([
          {
            name: 'optics',
            loop: {
              columns: [
                'rlnOpticsGroup',
                'rlnOpticsGroupName',
                'rlnVoltage',
                'rlnSphericalAberration',
                'rlnAmplitudeContrast',
                'rlnImagePixelSize',
                'rlnImageSize',
              ],
              values: [[1], ['opticsGroup1'], [300], [2.7], [0.1], [px], [d.n]],
            },
          },
          {
            name: 'particles',
            loop: {
              columns: ['rlnImageName', 'rlnAngleRot', 'rlnAngleTilt', 'rlnAnglePsi', 'rlnOpticsGroup'],
              values: [
                Array.from(
                  d.rotDeg,
                  (_, i) => `${String((i % 500) + 1).padStart(6, '0')}@Extract/demo_${Math.floor(i / 500)}.mrcs`,
                ),
                d.rotDeg,
                d.tiltDeg,
                d.rotDeg.map(() => 0),
                d.rotDeg.map(() => 1),
              ],
            },
          },
        ]),
      );
      const ctf = join(inputs, 'micrographs_ctf.star');
      await writeOutputAtomic(ctf, writeStar(ctfToStar(d.ctf)));
      const report = await runReportCommand(
        {
          half1: await readNamed(h1),
          half2: await readNamed(h2),
          mask: { kind: 'auto' },
          particles: await readNamed(particles),
          ctf: [await readNamed(ctf)],
          symmetry: 'C1',
          version: VERSION,
        },
        opts.out,
        [h1, h2, particles, ctf],
      );
      process.stdout.write(
        [
          `cryodx demo (${((Date.now() - t0) / 1000).toFixed(0)} s). Planted: B ${d.planted.bfactorA2} Å², blur ` +
            `along z (B ${d.planted.directionalBfactorA2} Å²), ${100 * d.planted.clusteredFraction} % top views, ` +
            `${100 * d.planted.badCtfFraction} % poor CTF fits.`,
          report.verdict.headline,
          ...report.verdict.top.map((t, i) => `  ${i + 1}. ${t.title} (${t.strength}): ${t.summary}`),
          `Report: ${join(opts.out, 'report.html')}  (inputs in ${inputs})`,
        ].join('\n') + '\n',
      );
    });
}
