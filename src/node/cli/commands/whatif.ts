import type { Command } from 'commander';
import {
  openWhatif,
  whatifAssemble,
  whatifFull,
  whatifFullFrom,
  whatifJob,
  whatifPlan,
  whatifUnit,
  type WhatifFullState,
  type WhatifJobInput,
  type WhatifResult,
  type WhatifRun,
  type WhatifUnitResult,
} from '../../../core/app/jobs/whatif.js';
import { RLN } from '../../../core/io/star/labels.js';
import { addExecutorOptions, type ExecutorFlags } from '../../executor/index.js';
import { InputError } from '../../files.js';
import type { JobResult } from '../../../core/app/job.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { pickerFiles } from '../../project.js';
import { withParticleEngine, type ParticleEngine } from '../../reconstruct/engine.js';
import {
  particleInputs,
  type MicrographFlags,
  type ParticleFlags,
  type ParticleInputs,
  flagArgs,
  particleFlagArgs,
} from '../../reconstruct/particle-inputs.js';
import { parseStage, planOutput, RunParts, STAGES, submitStaged } from '../../reconstruct/staged.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, num, positiveNumber } from '../options.js';

interface WhatifFlags extends ParticleFlags, MicrographFlags, ExecutorFlags {
  exclude: string[];
  picks: string[];
  particleDiameterA?: number;
  micrographAngpix?: number;
  metadata: boolean;
  controls: number;
  seed: number;
  reslog?: string;
  maps?: boolean;
  pad: number;
  angpix?: number;
  stage?: string;
  parts?: string;
  json?: boolean;
  out?: string;
}

export function registerWhatif(program: Command): void {
  const cmd = program
    .command('whatif')
    .description(
      'What each fix buys, measured: half maps rebuilt without each group of particles a finding flags (and ' +
        'without as many random particles, the control); harmful / neutral / useful, with the spread that decides it',
    )
    .argument('[particles]', 'particle STAR (RELION 3.0–5) or cryoSPARC .cs with angles, CTF and half sets')
    .option(
      '--sym <S>',
      'point-group symmetry (C1, Cn, Dn, T, O, I) in RELION’s conventions (default C1, or the project’s)',
    )
    .option('--ctf <star>', 'micrographs_ctf.star: unreliable fits, fits coarser than the map, thick ice')
    .option('--motion <star>', 'corrected_micrographs.star: motion outliers')
    .option('--classes <star>', `a classification’s particle STAR (${RLN.classNumber}): one group per class`)
    .option(
      '--exclude <rule>',
      `a group of your own, e.g. '${RLN.defocusU}>25000' or '${RLN.opticsGroup}==2'; repeat`,
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--picks <dir|file>',
      'one picker’s coordinates (repeat for a second picker): the particles only one picker found, as groups',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--particle-diameter-a <A>',
      'particle size in Å (picks matched within a quarter of it)',
      positiveNumber('--particle-diameter-a'),
    )
    .option(
      '--micrograph-angpix <A>',
      'pixel size of the micrographs the picks are on',
      positiveNumber('--micrograph-angpix'),
    )
    .option('--no-metadata', 'no groups from the particle STAR’s own columns (defocus, astigmatism, optics, pMax)')
    .option(
      '--controls <n>',
      'random-removal draws per group',
      num('--controls', { integer: true, min: 2, max: 20 }),
      3,
    )
    .option('--seed <n>', 'seed of the random controls', num('--seed', { integer: true, min: 0 }), 1)
    .option('--reslog <json>', 'reslog.json of the same particles: its slope projects results to the full count')
    .option('--maps', 'with --out: write the full and each what-if map and whatif.cxc (ChimeraX) to compare them')
    .option('--pad <n>', 'padding factor of the Fourier grid (RELION --pad)', positiveNumber('--pad'), 2)
    .option('--angpix <A>', 'pixel size of the images in Å (overrides the optics table)', positiveNumber('--angpix'))
    .option(
      '--project <dir>',
      'a RELION or cryoSPARC project folder: the refinement’s particles, its mask, micrographs_ctf.star, ' +
        'corrected_micrographs.star and the latest classification are found there (files given win)',
    )
    .option('--project-dir <dir>', 'folder the image paths are relative to (RELION project; cryoSPARC project)');
  addMaskOptions(cmd)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write whatif.json (and with --maps the maps and whatif.cxc) here')
    .addOption(hidden(cmd, '--stage <stage>', STAGES))
    .addOption(hidden(cmd, '--parts <dir>', 'the staged run’s folder of intermediate files'));
  addExecutorOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx whatif Refine3D/job029/run_data.star --auto-mask ' +
        '--ctf CtfFind/job003/micrographs_ctf.star ' +
        '--motion MotionCorr/job002/corrected_micrographs.star --out whatif/\n' +
        `  cryodx whatif run_data.star --mask mask.mrc --exclude '${RLN.defocusU}>25000' ` +
        '--reslog reslog/reslog.json --json\n' +
        '  cryodx whatif --project /data/relion_project --executor slurm --partition cpu --wait --out whatif/',
    )
    .action(async (particlesArg: string | undefined, opts: WhatifFlags) => {
      const found = await particleInputs(particlesArg, opts, opts);
      if (opts.stage) return stage(particlesArg, found, opts);
      if (opts.executor === 'slurm') return submit(particlesArg, found, opts);
      const base = await jobInput(found, opts);
      const { value: job } = await withParticleEngine(found, 'What-if', (e) =>
        whatifJob({ ...base, ...e.input }, e.progress, e.compute),
      );
      await report(job, found, opts);
    });
}

/** An option the staged run's tasks use, kept out of --help. */
function hidden(cmd: Command, flags: string, description: string) {
  return cmd.createOption(flags, description).hideHelp();
}

/** The job's input but for the engine's part (images, workers). */
async function jobInput(found: ParticleInputs, opts: WhatifFlags): Promise<Omit<WhatifJobInput, 'images'>> {
  const reslog = await readNamedOptional(opts.reslog);
  const picks = await Promise.all(
    opts.picks.map(async (p) => ({ name: p, files: await Promise.all((await pickerFiles(p)).map(readNamed)) })),
  );
  return {
    ...(picks.length ? { picks } : {}),
    particleDiameterA: opts.particleDiameterA ?? null,
    micrographPixelSizeA: opts.micrographAngpix ?? null,
    particles: found.particles,
    symmetry: found.symmetry,
    mask: found.mask,
    ...(found.ctf ? { ctf: found.ctf } : {}),
    ...(found.motion ? { motion: found.motion } : {}),
    ...(found.classes ? { classes: found.classes } : {}),
    ...(reslog ? { reslog } : {}),
    exclude: opts.exclude,
    metadataGroups: opts.metadata,
    controls: opts.controls,
    seed: opts.seed,
    pad: opts.pad,
    pixelSizeA: opts.angpix ?? null,
    writeMaps: !!opts.maps && !!opts.out,
  };
}

async function report(job: JobResult<WhatifResult>, found: ParticleInputs, opts: WhatifFlags): Promise<void> {
  if (opts.out) await writeOutputs(opts.out, job.outputs, [...found.paths, ...(opts.reslog ? [opts.reslog] : [])]);
  if (opts.json) return printJson(job.result);
  if (found.used.length)
    process.stdout.write(`From the project: ${found.used.map((u) => `${u.role} ${u.file}`).join('; ')}\n`);
  process.stdout.write(summary(job.result, opts.out) + '\n');
  [...found.notes, ...job.warnings].forEach((w) => warn(w.message));
}

/**
 * On the executor: the full maps as the first task, then one task per map without a group or control, then the
 * verdicts — each stage this command with --stage, its files in OUT/whatif_parts/.
 */
async function submit(particlesArg: string | undefined, found: ParticleInputs, opts: WhatifFlags): Promise<void> {
  if (!opts.out) throw new InputError('--executor slurm needs --out (the tasks write their files there)');
  await submitStaged({
    command: 'whatif',
    ...(particlesArg ? { particlesArg } : {}),
    passOn: passOn(opts),
    inputs: [...found.paths, ...(opts.reslog ? [opts.reslog] : [])],
    out: opts.out,
    flags: opts,
    quiet: !!opts.json,
  });
}

/** The flags every stage gets, as typed (paths relative to the folder the run was started from). */
function passOn(o: WhatifFlags): string[] {
  return [
    ...flagArgs('--ctf', o.ctf),
    ...flagArgs('--motion', o.motion),
    ...flagArgs('--classes', o.classes),
    ...o.exclude.flatMap((r) => ['--exclude', r]),
    ...o.picks.flatMap((p) => ['--picks', p]),
    ...flagArgs('--particle-diameter-a', o.particleDiameterA),
    ...flagArgs('--micrograph-angpix', o.micrographAngpix),
    ...(o.metadata ? [] : ['--no-metadata']),
    ...flagArgs('--controls', o.controls),
    ...flagArgs('--seed', o.seed),
    ...flagArgs('--reslog', o.reslog),
    ...(o.maps ? ['--maps'] : []),
    ...flagArgs('--pad', o.pad),
    ...flagArgs('--angpix', o.angpix),
    ...particleFlagArgs(o),
    ...(o.json ? ['--json'] : []),
  ].filter((a) => a !== '');
}

/** One stage of a staged run, in a task (or the merge) of the executor. */
async function stage(particlesArg: string | undefined, found: ParticleInputs, opts: WhatifFlags): Promise<void> {
  const which = parseStage(opts.stage!);
  if (!opts.parts) throw new InputError('--stage needs --parts (the staged run’s folder)');
  const parts = new RunParts(opts.parts, found.paths);
  const base = await jobInput(found, { ...opts, out: opts.maps ? parts.dir : undefined });
  const t0 = Date.now();
  await withParticleEngine(found, `What-if ${opts.stage}`, async (e) => {
    const run = await openWhatif({ ...base, ...e.input }, e.compute);
    if (which.kind === 'full') return fullStage(run, found, parts, e);
    const state = await parts.json<WhatifFullState>('full.json');
    const plan = whatifPlan(run, state);
    if (which.kind === 'plan') {
      const args = ['whatif', ...(particlesArg ? [particlesArg] : []), ...passOn(opts)];
      const inputs = [...found.paths, ...(opts.reslog ? [opts.reslog] : []), parts.path('full.json')];
      const tasks = plan.units.map((u, i) => ({
        name:
          `what-if map ${i + 1}/${plan.units.length}: without ${plan.groups[u.group]!.name}` +
          (u.control === null ? '' : ` (control ${u.control + 1})`),
        args: [...args, '--stage', `unit:${i}`, '--parts', parts.dir],
        paths: inputs,
      }));
      return parts.write([planOutput(tasks)]);
    }
    const full = await loadFull(run, parts, state);
    if (which.kind === 'unit') {
      const { map, ...measured } = await whatifUnit(run, full, plan, which.index!, e.progress);
      return parts.write([
        { name: unitName(which.index!), text: JSON.stringify({ ...measured, map: map?.name ?? null }) },
        ...(map ? [map] : []),
      ]);
    }
    if (which.kind !== 'assemble') throw new InputError(`--stage ${opts.stage}: whatif has no such stage (${STAGES})`);
    const units: WhatifUnitResult[] = await Promise.all(
      plan.units.map(async (_, i) => {
        const { map, ...rest } = await parts.json<Omit<WhatifUnitResult, 'map'> & { map: string | null }>(unitName(i));
        return { ...rest, ...(map ? { map: { name: map, bytes: (await parts.read(map)).bytes } } : {}) };
      }),
    );
    await report(await whatifAssemble(run, full, plan, units, t0), found, opts);
  });
}

/** The first task: the full grids (as partial sums), their measure and state, the automatic mask, the full map. */
async function fullStage(run: WhatifRun, found: ParticleInputs, parts: RunParts, e: ParticleEngine): Promise<void> {
  const full = await whatifFull(run, e.progress);
  const header = {
    shape: run.maps.shape,
    source: found.particles.name,
    subset: 'both',
    ctf: !run.inp.noCtf,
    pixelSizeA: run.maps.pixelSizeA,
    range: [0, run.maps.plan.count] as [number, number],
  };
  await parts.write([
    RunParts.grids('full.cxps', full.grids, header),
    { name: 'full.json', text: JSON.stringify(full.state) },
    ...(full.autoMask ? [RunParts.mask(full.autoMask)] : []),
    ...(full.mapFile ? [full.mapFile] : []),
  ]);
}

/** What the first task left, as whatifFull returned it. */
async function loadFull(run: WhatifRun, parts: RunParts, state: WhatifFullState) {
  const [grids, autoMask] = await Promise.all([parts.grids('full.cxps'), parts.mask()]);
  const mapFile =
    run.inp.writeMaps && parts.has('whatif_full.mrc')
      ? { name: 'whatif_full.mrc', bytes: (await parts.read('whatif_full.mrc')).bytes }
      : null;
  return whatifFullFrom(run, grids, autoMask, state.first, mapFile, state);
}

const unitName = (i: number): string => `unit_${String(i + 1).padStart(3, '0')}.json`;

function summary(r: WhatifResult, out: string | undefined): string {
  const d = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const lines = [
    `All ${r.full.particles} particles: ${d(r.full.resolutionInterpolatedA)} Å` +
      (r.full.bfactorA2 !== null ? `, B ${r.full.bfactorA2.toFixed(0)} Å²` : '') +
      ` (box ${r.boxSize} px at ${fmt(r.pixelSizeA)} Å, ${r.symmetry}; ${r.controls} random controls per group)`,
    '  group                                     particles   without   control (± sd)   effect   verdict',
    ...r.groups.map(
      (g) =>
        `  ${g.name.slice(0, 40).padEnd(40)}  ${`${g.particles} (${(100 * g.fraction).toFixed(0)} %)`.padStart(11)}  ` +
        `${d(g.resolutionWithoutA).padStart(8)}  ` +
        `${`${d(g.controlResolutionA)} ± ${d(g.controlSpreadA)}`.padStart(15)}  ` +
        `${(g.effectA === null ? '—' : (g.effectA > 0 ? '+' : '') + g.effectA.toFixed(2)).padStart(7)}   ${g.verdict}`,
    ),
    'Effect: the control’s resolution minus the map’s without the group (Å); positive = leaving the group out helps.',
  ];
  if (r.reach.length) {
    lines.push('Within reach:');
    for (const x of r.reach)
      lines.push(
        `  ${x.what}: ` +
          (x.resolutionA === null
            ? 'beyond the last shell the maps hold (a finer pixel first)'
            : `${d(x.resolutionA)} Å`) +
          (x.bandA && x.bandA[0] !== null && x.bandA[1] !== null ? ` (${d(x.bandA[0])}–${d(x.bandA[1])})` : '') +
          ` [${x.kind}]`,
      );
  }
  if (out) lines.push(`Wrote whatif.json into ${out}/`);
  return lines.join('\n');
}
