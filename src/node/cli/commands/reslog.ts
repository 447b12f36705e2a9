import type { Command } from 'commander';
import { reslogJob, type ReslogResult } from '../../../core/app/jobs/reslog.js';
import { InputError } from '../../files.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { withParticleEngine } from '../../reconstruct/engine.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, inputPaths, maskSpec, num, positiveNumber, type MaskFlags } from '../options.js';

interface ReslogFlags extends MaskFlags {
  sym: string;
  sizes?: number[];
  repeats: number;
  seed: number;
  maxresA?: number;
  pad: number;
  ctf: boolean;
  angpix?: number;
  projectDir?: string;
  json?: boolean;
  out?: string;
}

export function registerReslog(program: Command): void {
  const cmd = program
    .command('reslog')
    .description(
      'ResLog: half maps rebuilt from nested random subsets of the particles (angles kept), each measured as ' +
        'relion_postprocess; the Rosenthal–Henderson B, what more particles would buy, or that they would not',
    )
    .argument('<particles>', 'particle STAR (RELION 3.0–5) or cryoSPARC .cs with angles, CTF and half sets')
    .option('--sym <S>', 'point-group symmetry (C1, Cn, Dn, T, O, I) in RELION’s conventions', 'C1')
    .option('--sizes <N,N,…>', 'particle counts (both halves together; default ~200 doubling to all)', sizeList)
    .option(
      '--repeats <n>',
      'random orders per size below the full set',
      num('--repeats', { integer: true, min: 1, max: 20 }),
      3,
    )
    .option('--seed <n>', 'seed of the random orders', num('--seed', { integer: true, min: 0 }), 1)
    .option('--maxres-a <A>', 'highest resolution inserted (default Nyquist)', positiveNumber('--maxres-a'))
    .option('--pad <n>', 'padding factor of the Fourier grid (RELION --pad)', positiveNumber('--pad'), 2)
    .option('--no-ctf', 'no CTF correction')
    .option('--angpix <A>', 'pixel size of the images in Å (overrides the optics table)', positiveNumber('--angpix'))
    .option('--project-dir <dir>', 'folder the image paths are relative to (RELION project; cryoSPARC project)');
  addMaskOptions(cmd)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write reslog.json and the ResLog figure (reslog.svg) here')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx reslog Refine3D/job029/run_data.star --sym D2 --auto-mask --out reslog/\n' +
        '  cryodx reslog run_data.star --mask mask.mrc --sizes 500,1000,2000,4000,8000 --repeats 3 --json',
    )
    .action(async (particlesPath: string, opts: ReslogFlags) => {
      const [particles, mask] = await Promise.all([readNamed(particlesPath), maskSpec(opts)]);
      const { value: job } = await withParticleEngine(particlesPath, opts.projectDir, 'ResLog', (e) =>
        reslogJob(
          {
            particles,
            ...e.input,
            symmetry: opts.sym,
            mask: mask ?? { kind: 'none' },
            ...(opts.sizes ? { sizes: opts.sizes } : {}),
            repeats: opts.repeats,
            seed: opts.seed,
            maxresA: opts.maxresA ?? null,
            pad: opts.pad,
            noCtf: !opts.ctf,
            pixelSizeA: opts.angpix ?? null,
          },
          e.progress,
          e.compute,
        ),
      );
      if (opts.out) await writeOutputs(opts.out, job.outputs, inputPaths(particlesPath, opts.mask));
      if (opts.json) return printJson(job.result);
      process.stdout.write(summary(job.result, opts.out) + '\n');
      job.warnings.forEach((w) => warn(w.message));
    });
}

function sizeList(v: string): number[] {
  const sizes = v.split(',').map((s) => Number(s.trim()));
  if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 4))
    throw new InputError(`--sizes ${v}: expected whole particle counts ≥ 4 separated by commas, e.g. 500,1000,2000`);
  return sizes;
}

function summary(r: ReslogResult, out: string | undefined): string {
  const lines = [
    `ResLog of ${r.particles} particles (box ${r.boxSize} px at ${fmt(r.pixelSizeA)} Å, ${r.symmetry}, ` +
      `${r.repeats} random order${r.repeats > 1 ? 's' : ''}), in ${r.seconds.toFixed(0)} s`,
    '  particles  resolution (Å)  spread (Å)',
    ...r.points.map(
      (p) =>
        `  ${String(p.particles).padStart(9)}  ${p.resolutionA.toFixed(2).padStart(14)}  ` +
        `${(p.spreadA === null ? '—' : p.spreadA.toFixed(2)).padStart(10)}` +
        `${p.samplingLimited ? '  (sampling-limited)' : ''}`,
    ),
  ];
  if (r.fit)
    lines.push(
      `Fit 1/d² = a·ln N + b: a = ${r.fit.slope.toPrecision(3)} Å⁻², r² ${r.fit.r2.toFixed(2)}, ` +
        `overall B ${r.fit.overallBfactorA2 === null ? '—' : r.fit.overallBfactorA2.toFixed(0)} Å²`,
      ...r.predictions.map(
        (p) =>
          `  ${p.factor}× (${p.particles} particles): ` +
          `${p.resolutionA === null ? 'beyond Nyquist' : `${p.resolutionA.toFixed(2)} Å`}` +
          (p.bandA[0] !== null && p.bandA[1] !== null
            ? ` (95 %: ${p.bandA[0].toFixed(2)}–${p.bandA[1].toFixed(2)} Å)`
            : ''),
      ),
    );
  lines.push(r.verdict);
  if (out) lines.push(`Wrote reslog.json and reslog.svg into ${out}/`);
  return lines.join('\n');
}
