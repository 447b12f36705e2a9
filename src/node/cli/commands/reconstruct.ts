import { join } from 'node:path';
import type { Command } from 'commander';
import {
  mergeReconstructJob,
  reconstructJob,
  type ReconstructResult,
  type SubsetChoice,
} from '../../../core/app/jobs/reconstruct.js';

import { addExecutorOptions, positiveInt, shards, startRun, type ExecutorFlags } from '../../executor/index.js';
import { contentKey } from '../../executor/run.js';
import { InputError } from '../../files.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { workerInserter } from '../../parallel/insert-pool.js';
import { withParticleEngine } from '../../reconstruct/engine.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, inputPaths, maskSpec, positiveNumber, type MaskFlags } from '../options.js';
import { VERSION } from '../version.js';
import { processCompute } from '../../compute.js';

interface ReconstructFlags extends MaskFlags, ExecutorFlags {
  sym: string;
  subset?: SubsetChoice;
  maxresA?: number;
  pad: number;
  ctf: boolean;
  angpix?: number;
  projectDir?: string;
  shards?: number;
  shard?: string;
  merge?: string[];
  json?: boolean;
  out?: string;
}

export function registerReconstruct(program: Command): void {
  const cmd = program
    .command('reconstruct')
    .description(
      'Half maps (or one map) from particle images and their refined angles and CTFs by direct Fourier ' +
        'inversion, as relion_reconstruct does it; prints the half-map FSC',
    )
    .argument('[particles]', 'particle STAR (RELION 3.0–5) or cryoSPARC .cs with angles and CTF')
    .option('--sym <S>', 'point-group symmetry (C1, Cn, Dn, T, O, I) in RELION’s conventions', 'C1')
    .option('--subset <both|1|2|all>', 'half sets (default both when the particles carry them) or all', subsetName)
    .option('--maxres-a <A>', 'highest resolution inserted (default Nyquist)', positiveNumber('--maxres-a'))
    .option('--pad <n>', 'padding factor of the Fourier grid (RELION --pad)', positiveNumber('--pad'), 2)
    .option('--no-ctf', 'no CTF correction (RELION without --ctf)')
    .option('--angpix <A>', 'pixel size of the images in Å (overrides the optics table)', positiveNumber('--angpix'))
    .option('--project-dir <dir>', 'folder the image paths are relative to (RELION project; cryoSPARC project)');
  addMaskOptions(cmd)
    .option('--shards <n>', 'with --executor slurm: tasks to split the particles into', positiveInt('--shards'))
    .option('--shard <i/N>', 'insert only shard i of N and write its partial sums (what each SLURM task runs)')
    .option('--merge <files...>', 'finish partial sums written by --shard into the maps')
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write half1.mrc and half2.mrc (or map.mrc), the FSC files and reconstruct.json here');
  addExecutorOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx reconstruct Refine3D/job029/run_data.star --sym D2 --out rebuilt/\n' +
        '  cryodx reconstruct particles.cs --project-dir /data/P12 --subset all --json --out map/\n' +
        '  cryodx reconstruct run_data.star --executor slurm --shards 8 --partition cpu --wait --out rebuilt/',
    )
    .action(async (particlesPath: string | undefined, opts: ReconstructFlags) => {
      if (opts.merge) return merge(opts);
      if (!particlesPath) throw new InputError('give the particle STAR or .cs file');
      if (opts.executor === 'slurm') return sharded(particlesPath, opts);
      await local(particlesPath, opts);
    });
}

function subsetName(v: string): SubsetChoice {
  if (!['both', '1', '2', 'all'].includes(v)) throw new InputError(`--subset ${v}: expected both, 1, 2 or all`);
  return v as SubsetChoice;
}

function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
    throw new InputError(`--shard ${v}: expected i/N with 1 ≤ i ≤ N, e.g. 3/8`);
  return { index: Number(m[1]) - 1, count: Number(m[2]) };
}

async function local(particlesPath: string, opts: ReconstructFlags): Promise<void> {
  const [particles, mask] = await Promise.all([readNamed(particlesPath), maskSpec(opts)]);
  const shard = parseShard(opts.shard);
  const { value: job, stacks } = await withParticleEngine(
    { particlesPath, projectDir: opts.projectDir },
    'Reconstruct',
    (e) =>
      reconstructJob(
        {
          particles,
          images: e.images,
          symmetry: opts.sym,
          ...(opts.subset ? { subset: opts.subset } : {}),
          maxresA: opts.maxresA ?? null,
          pad: opts.pad,
          noCtf: !opts.ctf,
          pixelSizeA: opts.angpix ?? null,
          ...(mask ? { mask } : {}),
          ...(shard ? { shard } : {}),
          inserter: workerInserter(particlesCount(particles.bytes)) ?? undefined,
        },
        e.progress,
        e.compute,
      ),
  );
  if (stacks) job.warnings.unshift({ code: 'stack-paths', message: stacks });
  if (opts.out) await writeOutputs(opts.out, job.outputs, inputPaths(particlesPath, opts.mask));
  if (opts.json) return printJson(job.result);
  process.stdout.write(summary(job.result, opts.out) + '\n');
  job.warnings.forEach((w) => warn(w.message));
}

/** A rough particle count (rows of the file) to size the worker pool; the job counts exactly. */
function particlesCount(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) n++;
  return Math.max(n, 64);
}

async function merge(opts: ReconstructFlags): Promise<void> {
  const [partials, mask] = await Promise.all([Promise.all(opts.merge!.map(readNamed)), maskSpec(opts)]);
  const input = { partials, symmetry: opts.sym, ...(mask ? { mask } : {}) };
  const job = mergeReconstructJob(input, undefined, await processCompute());
  if (opts.out) await writeOutputs(opts.out, job.outputs, inputPaths(opts.merge, opts.mask));
  if (opts.json) return printJson(job.result);
  process.stdout.write(summary(job.result, opts.out) + '\n');
  job.warnings.forEach((w) => warn(w.message));
}

/**
 * Shards on the executor: each task runs `reconstruct --shard i/N` into the run's folder, the merge job runs
 * `reconstruct --merge` on their partial sums, into the same files as a local run writes.
 */
async function sharded(particlesPath: string, opts: ReconstructFlags): Promise<void> {
  if (!opts.out) throw new InputError('--executor slurm needs --out (the shards write their partial sums there)');
  const n = opts.shards ?? 4;
  const passOn = [
    '--sym',
    opts.sym,
    '--pad',
    String(opts.pad),
    ...(opts.subset ? ['--subset', opts.subset] : []),
    ...(opts.maxresA ? ['--maxres-a', String(opts.maxresA)] : []),
    ...(opts.ctf ? [] : ['--no-ctf']),
    ...(opts.angpix ? ['--angpix', String(opts.angpix)] : []),
    ...(opts.projectDir ? ['--project-dir', opts.projectDir] : []),
  ];
  const partsDir = join(opts.out, 'partial_sums');
  const tasks = await Promise.all(
    shards(
      Array.from({ length: n }, (_, k) => k),
      n,
    ).map(async ([k]) => ({
      kind: 'command' as const,
      name: `shard ${k! + 1}/${n}`,
      args: ['reconstruct', particlesPath, ...passOn, '--shard', `${k! + 1}/${n}`, '--out', partsDir],
      key: await contentKey('reconstruct-shard', { passOn, k, n, version: VERSION }, [particlesPath]),
    })),
  );
  const files = tasks.map((_, k) => join(partsDir, `partial_sums_${String(k + 1).padStart(3, '0')}.cxps`));
  const mergeArgs = [
    'reconstruct',
    '--merge',
    ...files,
    '--sym',
    opts.sym,
    '--out',
    opts.out,
    ...(opts.mask ? ['--mask', opts.mask] : opts.autoMask ? ['--auto-mask'] : []),
  ];
  const say = (l: string): void => void (opts.json ? undefined : process.stderr.write(l));
  const r = await startRun(
    { kind: 'reconstruct', out: opts.out, version: VERSION, tasks, merge: { args: mergeArgs } },
    opts,
    say,
  );
  if (!r.complete) {
    process.stdout.write(`${r.message}; the maps will be in ${opts.out}/ when the merge job ends\n`);
    return;
  }
  process.stdout.write(`${r.message}. Wrote the maps into ${opts.out}/\n`);
}

function summary(r: ReconstructResult, out: string | undefined): string {
  const lines = [
    `${r.particles} particles (${r.perHalf.join(' + ')}), box ${r.boxSize} px at ${fmt(r.pixelSizeA)} Å, ` +
      `${r.symmetry}, ` +
      `${r.ctfCorrected ? 'CTF-corrected' : 'no CTF correction'}, to ${fmt(r.maxresA)} Å, in ${r.seconds.toFixed(1)} s`,
  ];
  if (r.fsc)
    lines.push(
      `Half-map FSC: ${fmt(r.resolutionA)} Å (${r.fsc.criterion}` +
        `${r.fsc.mask ? `, ${r.fsc.mask.kind} mask, corrected` : ', unmasked'})`,
    );
  if (out)
    lines.push(
      `Wrote ${r.subset === 'both' ? 'half1.mrc, half2.mrc, fsc.star, fsc.xml' : 'the map'} and ` +
        `reconstruct.json in ${out}/`,
    );
  return lines.join('\n');
}
