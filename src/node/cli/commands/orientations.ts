import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { orientationCoverage, viewingDirections } from '../../../core/analysis/orientations/scf.js';
import { orientationDensitySpec } from '../../../core/report/figures/orientation.js';
import { renderSvg } from '../../render.js';
import { csToStar } from '../../../core/io/cryosparc/convert.js';
import { detectFormat } from '../../../core/io/detect.js';
import { maybeGunzip } from '../../../core/io/bytes.js';
import { readNpy } from '../../../core/io/npy.js';
import { readParticles } from '../../../core/io/star/particles.js';
import { readStar } from '../../../core/io/star/read.js';
import { writeStar } from '../../../core/io/star/write.js';
import { InputError, readInput, writeOutputAtomic } from '../../files.js';
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
    .description('orientation coverage from particle angles: SCF and SCF* (Baldwin & Lyumkis), a cryoEF-style efficiency, the tilt that would fill the gaps, the unsampled fraction')
    .argument('<particles>', 'RELION particle STAR (3.0–5) or cryoSPARC .cs with alignments3D/pose')
    .option('--sym <group>', 'point group: C1, Cn, Dn, T, O, I', 'C1')
    .option('--bfactor <A2>', 'B-factor for the efficiency (cryoEF default 160)', positiveNumber('--bfactor'), 160)
    .option('--diameter <A>', 'particle diameter for the efficiency (cryoEF default 200)', positiveNumber('--diameter'), 200)
    .option('--fourier-radius <k>', 'Fourier radius of the sampled shell (CommandLineSCF: 50)', positiveNumber('--fourier-radius'), 50)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write orientations.json, orientations.svg (equal-area density plot) and its Vega-Lite spec')
    .addHelpText('after', '\nExamples:\n  cryodx orientations Refine3D/job042/run_data.star --sym C1\n  cryodx orientations P3_J45_particles.cs --sym D2 --json')
    .action(async (file: string, opts: OrientationFlags) => {
      const bytes = maybeGunzip(await readInput(file));
      const fmtName = detectFormat(file, bytes.subarray(0, 4096));
      let doc;
      if (fmtName === 'npy') doc = readStar(writeStar(csToStar(readNpy(bytes, file), file).tables), { source: file });
      else if (fmtName === 'star') doc = readStar(bytes, { source: file });
      else throw new InputError(`${file}: expected a RELION particle STAR or a cryoSPARC .cs file`);
      const { particles, warnings } = readParticles(doc);
      if (!particles.angleRotDeg || !particles.angleTiltDeg) throw new InputError(`${file}: the particles have no angles (rlnAngleRot, rlnAngleTilt / alignments3D/pose): run a 3D refinement first`);
      const r = orientationCoverage(particles.angleRotDeg, particles.angleTiltDeg, { symmetry: opts.sym, bfactorA2: opts.bfactor, diameterA: opts.diameter, fourierRadius: opts.fourierRadius });
      const result = { ...r, warnings: [...warnings, ...r.warnings] };
      if (opts.out) {
        await mkdir(opts.out, { recursive: true });
        await writeOutputAtomic(join(opts.out, 'orientations.json'), JSON.stringify(result, null, 1), [file]);
        const dirs = viewingDirections(particles.angleRotDeg, particles.angleTiltDeg, opts.sym);
        const spec = orientationDensitySpec(dirs, { title: `Orientation distribution (${r.symmetry}, symmetry-expanded)` });
        await writeOutputAtomic(join(opts.out, 'orientations.svg'), await renderSvg(spec), [file]);
        await writeOutputAtomic(join(opts.out, 'orientations.vl.json'), JSON.stringify(spec), [file]);
      }
      if (opts.json) return printJson(result);
      process.stdout.write([
        `${r.nParticles.toLocaleString('en-US')} particles, ${r.symmetry} (×${r.symmetryOrder} views)`,
        `SCF ${r.scf.toFixed(3)}, SCF* ${r.scfStar.toFixed(3)} (cryoSPARC: < 0.81 suggests preferred orientation); efficiency ${r.efficiency.toFixed(2)}`,
        `Unsampled Fourier space: ${(100 * r.unsampledFraction).toFixed(2)} %; recommended tilt for collection: ${r.recommendedTiltDeg}°`,
        `  SCF* by tilt: ${r.tiltScan.map((t) => `${t.tiltDeg}° ${fmt(t.scfStar, 3)}`).join(', ')}`,
      ].join('\n') + '\n');
      result.warnings.forEach((w) => warn(w.message));
    });
}
