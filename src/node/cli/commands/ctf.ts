import type { Command } from 'commander';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  ctfTables,
  micrographFitOptions,
  outputStems,
  type CtfRow,
  type MicrographFitOptions,
} from '../../../core/app/jobs/ctf-run.js';
import {
  addExecutorOptions,
  positiveInt,
  shards,
  startRun,
  type ExecutorFlags,
  type TaskSpec,
} from '../../executor/index.js';
import { contentKey } from '../../executor/run.js';
import { InputError } from '../../files.js';
import { outputFolder, writeOutputs } from '../../job-io.js';
import { streamMicrographs } from '../../parallel/ctf-pool.js';
import { VERSION } from '../version.js';
import { fmt, printJson, warn } from '../output.js';
import { addCtfOptions, ctfOptionsOf, positiveNumber, type CtfFlags } from '../options.js';

interface CtfCommandFlags extends CtfFlags, ExecutorFlags {
  shards?: number;
  angpix?: number;
  phaseShift?: boolean;
  thickness?: boolean;
  json?: boolean;
  out: string;
}

export function registerCtf(program: Command): void {
  const cmd = program
    .command('ctf')
    .description(
      "fit each micrograph's CTF (defocus U/V, astigmatism azimuth, phase shift, fit resolution, CTFFIND5-style " +
        'thickness); several micrographs run on worker threads',
    )
    .argument('<micrographs...>', 'motion-corrected micrographs (MRC); a movie stack is summed')
    .option('--angpix <A>', 'pixel size in Å (default: the MRC header)', positiveNumber('--angpix'));
  addCtfOptions(cmd, { defocusRangeA: '5000:50000', fitRangeA: '30:5' })
    .option('--phase-shift', 'also fit a phase shift (phase plate)')
    .option('--thickness', 'also estimate the sample thickness (CTFFIND5)')
    .option('--json', 'print the results as a JSON array to stdout')
    .option(
      '--shards <n>',
      'with --executor slurm: tasks to split the micrographs into (default: about 25 micrographs each)',
      positiveInt('--shards'),
    )
    .option(
      '--out <dir>',
      'output folder: per micrograph NAME.txt (CTFFIND), NAME_avrot.txt, NAME_diag.mrc/.png, NAME_fit.svg; ' +
        'micrographs_ctf.star, ctf.json',
      'ctf',
    );
  addExecutorOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx ctf MotionCorr/job002/Movies/*.mrc --angpix 0.83 --out CtfFind\n  cryodx ctf ' +
        'Movies/*.mrc ' +
        '--angpix 0.83 --executor slurm --partition gpu --shards 40 --wait --out CtfFind\n  cryodx ctf mic.mrc ' +
        '--angpix 1.06 --voltage-kv 200 --thickness --json\n  cryodx ctf vpp_mic.mrc --angpix 1.1 --phase-shift ' +
        '--defocus-range-a 3000:15000',
    )
    .action(async (paths: string[], opts: CtfCommandFlags) => {
      const options = micrographFitOptions({
        ...ctfOptionsOf(opts),
        ...(opts.angpix !== undefined ? { pixelSizeA: opts.angpix } : {}),
        findPhaseShift: !!opts.phaseShift,
        findThickness: !!opts.thickness,
      });
      if (opts.executor === 'slurm') return shardedCtf(paths, options, opts);
      const quiet = opts.json || !process.stderr.isTTY;
      // Each micrograph's files are written as its fit arrives; only the rows are kept for the tables.
      const stems = outputStems(paths);
      const rows = new Array<CtfRow>(paths.length);
      await outputFolder(opts.out);
      try {
        await streamMicrographs(
          paths,
          stems,
          options,
          VERSION,
          async (i, r) => {
            rows[i] = r.row;
            await writeOutputs(opts.out, r.outputs, paths);
          },
          (n) => {
            if (!quiet) process.stderr.write(`\rfitted ${n}/${paths.length}`);
          },
        );
      } catch (e) {
        throw e instanceof RangeError ? new InputError(e.message) : e;
      }
      if (!quiet) process.stderr.write('\n');
      await writeOutputs(opts.out, ctfTables(rows, options), paths);
      const job = { result: rows, warnings: rows.flatMap((r) => r.warnings) };
      if (opts.json) return printJson(job.result);
      for (const r of job.result) {
        process.stdout.write(
          `${r.micrograph}: defocus ${fmt(r.defocusUA, 6)} / ${fmt(r.defocusVA, 6)} Å ` +
            `at ${r.astigmatismAngleDeg.toFixed(1)}°` +
            (opts.phaseShift ? `, phase shift ${r.phaseShiftRad.toFixed(3)} rad` : '') +
            `, fit to ${r.fitResolutionA.toFixed(2)} Å (CC ${r.crossCorrelation.toFixed(3)})` +
            (r.thicknessA !== null ? `, thickness ${(r.thicknessA / 10).toFixed(0)} nm` : '') +
            '\n',
        );
      }
      process.stdout.write(
        `Wrote ${join(opts.out, 'micrographs_ctf.star')}, ctf.json and per-micrograph CTFFIND text, diagnostic ` +
          `images and fit plots in ${opts.out}/\n`,
      );
      job.warnings.forEach((w) => warn(w.message));
    });
}

/** The micrographs in shards on the executor (SLURM), merged into the same files as a local run writes. */
async function shardedCtf(paths: string[], options: MicrographFitOptions, opts: CtfCommandFlags): Promise<void> {
  // Stems from the whole run (names that repeat across folders stay apart), sharded with their paths.
  const stems = outputStems(paths);
  const groups = shards(
    paths.map((_, i) => i),
    opts.shards ?? Math.ceil(paths.length / MICROGRAPHS_PER_SHARD),
  );
  const tasks: TaskSpec[] = await Promise.all(
    groups
      .map((ix) => ix.map((i) => paths[i]!))
      .map(async (g, k) => ({
        kind: 'ctf-shard' as const,
        name: `shard ${k + 1} (${g[0]}${g.length > 1 ? ` … ${g[g.length - 1]}` : ''})`,
        paths: g,
        stems: groups[k]!.map((i) => stems[i]!),
        options,
        key: await contentKey('ctf-shard', { options, version: VERSION }, g),
      })),
  );
  const say = (l: string): void => void (opts.json ? undefined : process.stderr.write(l));
  const r = await startRun({ kind: 'ctf', out: opts.out, version: VERSION, tasks, merge: { options } }, opts, say);
  if (!r.complete) {
    process.stdout.write(`${r.message}; outputs will be in ${opts.out}/ when the merge job ends\n`);
    return;
  }
  if (opts.json) return printJson(JSON.parse(readFileSync(join(opts.out, 'ctf.json'), 'utf8')));
  process.stdout.write(
    `${r.message}. Wrote ${join(opts.out, 'micrographs_ctf.star')}, ctf.json and per-micrograph files\n`,
  );
}

/** About this many micrographs per task: each fit takes seconds, a scheduler's start about one. */
const MICROGRAPHS_PER_SHARD = 25;
