import type { Command } from 'commander';
import type { JobResult } from '../../../core/app/job.js';
import {
  openReslog,
  reslogAssemble,
  reslogFull,
  reslogJob,
  reslogMask,
  reslogOrder,
  type ReslogJobInput,
  type ReslogMeasure,
  type ReslogResult,
} from '../../../core/app/jobs/reslog.js';
import { addExecutorOptions, type ExecutorFlags } from '../../executor/index.js';
import { InputError } from '../../files.js';
import { writeOutputs } from '../../job-io.js';
import { withParticleEngine } from '../../reconstruct/engine.js';
import {
  flagArgs,
  particleFlagArgs,
  particleInputs,
  type ParticleFlags,
  type ParticleInputs,
} from '../../reconstruct/particle-inputs.js';
import { parseStage, planOutput, RunParts, STAGES, submitStaged } from '../../reconstruct/staged.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, num, positiveNumber } from '../options.js';

interface ReslogFlags extends ParticleFlags, ExecutorFlags {
  sizes?: number[];
  repeats: number;
  seed: number;
  maxresA?: number;
  pad: number;
  ctf: boolean;
  angpix?: number;
  stage?: string;
  parts?: string;
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
    .argument('[particles]', 'particle STAR (RELION 3.0–5) or cryoSPARC .cs with angles, CTF and half sets')
    .option(
      '--sym <S>',
      'point-group symmetry (C1, Cn, Dn, T, O, I) in RELION’s conventions (default C1, or the project’s)',
    )
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
    .option(
      '--project <dir>',
      'a RELION or cryoSPARC project folder: the refinement’s particles and its mask are found there (files given win)',
    )
    .option('--project-dir <dir>', 'folder the image paths are relative to (RELION project; cryoSPARC project)');
  addMaskOptions(cmd)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write reslog.json and the ResLog figure (reslog.svg) here')
    .addOption(cmd.createOption('--stage <stage>', STAGES).hideHelp())
    .addOption(cmd.createOption('--parts <dir>', 'the staged run’s folder of intermediate files').hideHelp());
  addExecutorOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx reslog Refine3D/job029/run_data.star --sym D2 --auto-mask --out reslog/\n' +
        '  cryodx reslog run_data.star --mask mask.mrc --sizes 500,1000,2000,4000,8000 --repeats 3 --json\n' +
        '  cryodx reslog --project /data/relion_project --executor slurm --partition cpu --wait --out reslog/',
    )
    .action(async (particlesArg: string | undefined, opts: ReslogFlags) => {
      const found = await particleInputs(particlesArg, opts, null);
      if (opts.stage) return stage(particlesArg, found, opts);
      if (opts.executor === 'slurm') {
        if (!opts.out) throw new InputError('--executor slurm needs --out (the tasks write their files there)');
        return submitStaged({
          command: 'reslog',
          ...(particlesArg ? { particlesArg } : {}),
          passOn: passOn(opts),
          inputs: found.paths,
          out: opts.out,
          flags: opts,
          quiet: !!opts.json,
        });
      }
      const { value: job } = await withParticleEngine(found, 'ResLog', (e) =>
        reslogJob({ ...jobInput(found, opts), ...e.input }, e.progress, e.compute),
      );
      await report(job, found, opts);
    });
}

function jobInput(found: ParticleInputs, opts: ReslogFlags): Omit<ReslogJobInput, 'images'> {
  return {
    particles: found.particles,
    symmetry: found.symmetry,
    mask: found.mask,
    ...(opts.sizes ? { sizes: opts.sizes } : {}),
    repeats: opts.repeats,
    seed: opts.seed,
    maxresA: opts.maxresA ?? null,
    pad: opts.pad,
    noCtf: !opts.ctf,
    pixelSizeA: opts.angpix ?? null,
  };
}

async function report(job: JobResult<ReslogResult>, found: ParticleInputs, opts: ReslogFlags): Promise<void> {
  if (opts.out) await writeOutputs(opts.out, job.outputs, found.paths);
  if (opts.json) return printJson(job.result);
  if (found.used.length)
    process.stdout.write(`From the project: ${found.used.map((u) => `${u.role} ${u.file}`).join('; ')}\n`);
  process.stdout.write(summary(job.result, opts.out) + '\n');
  [...found.notes, ...job.warnings].forEach((w) => warn(w.message));
}

/** The flags every stage gets, as typed (paths relative to the folder the run was started from). */
function passOn(o: ReslogFlags): string[] {
  return [
    ...flagArgs('--sizes', o.sizes?.join(',')),
    ...flagArgs('--repeats', o.repeats),
    ...flagArgs('--seed', o.seed),
    ...flagArgs('--maxres-a', o.maxresA),
    ...flagArgs('--pad', o.pad),
    ...(o.ctf ? [] : ['--no-ctf']),
    ...flagArgs('--angpix', o.angpix),
    ...particleFlagArgs(o),
    ...(o.json ? ['--json'] : []),
  ];
}

/**
 * One stage of a staged run: the largest size (full: its measure, the automatic mask), the plan (a task per random
 * order), one order's sizes below it, and the fit from them all (assemble).
 */
async function stage(particlesArg: string | undefined, found: ParticleInputs, opts: ReslogFlags): Promise<void> {
  const which = parseStage(opts.stage!);
  if (!opts.parts) throw new InputError('--stage needs --parts (the staged run’s folder)');
  const parts = new RunParts(opts.parts, found.paths);
  const t0 = Date.now();
  await withParticleEngine(found, `ResLog ${opts.stage}`, async (e) => {
    const run = await openReslog({ ...jobInput(found, opts), ...e.input }, e.compute);
    if (which.kind === 'full') {
      const { measure, autoMask } = await reslogFull(run, e.progress);
      return parts.write([
        { name: 'full.json', text: JSON.stringify(measure) },
        ...(autoMask ? [RunParts.mask(autoMask)] : []),
      ]);
    }
    if (which.kind === 'plan') {
      const args = ['reslog', ...(particlesArg ? [particlesArg] : []), ...passOn(opts)];
      const inputs = [...found.paths, ...(parts.has('mask.mrc') ? [parts.path('mask.mrc')] : [])];
      const tasks = Array.from({ length: run.repeats }, (_, r) => ({
        name: `ResLog order ${r + 1}/${run.repeats}`,
        args: [...args, '--stage', `order:${r}`, '--parts', parts.dir],
        paths: inputs,
      }));
      return parts.write([planOutput(tasks)]);
    }
    const mask = reslogMask(run, await parts.mask());
    if (which.kind === 'order') {
      const measured = await reslogOrder(run, which.index!, mask, e.progress);
      return parts.write([{ name: orderName(which.index!), text: JSON.stringify(measured) }]);
    }
    if (which.kind !== 'assemble') throw new InputError(`--stage ${opts.stage}: reslog has no such stage (${STAGES})`);
    const measured = [await parts.json<ReslogMeasure>('full.json')];
    for (let r = 0; r < run.repeats; r++) measured.push(...(await parts.json<ReslogMeasure[]>(orderName(r))));
    await report(reslogAssemble(run, measured, t0), found, opts);
  });
}

const orderName = (r: number): string => `order_${String(r + 1).padStart(2, '0')}.json`;

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
