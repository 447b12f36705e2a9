import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../files.js';
import { runLocal } from './local.js';
import { prepareRunDir, runDir, writeJson, type RunSpec, type TaskSpec } from './run.js';
import { cancelRun, readTemplate, startSlurm, waitForSlurm, watchSignals } from './slurm.js';
import { DEFAULT_TEMPLATE } from './template.js';

/**
 * One way to run sharded work for every command that has it (ctf, batch, watch): `local` (this machine, the
 * default) or `slurm` (a job array and a dependent merge job, through the site's submission template).
 */
export interface ExecutorFlags {
  executor: 'local' | 'slurm';
  template?: string;
  partition?: string;
  threads?: number;
  attempts: number;
  wait?: boolean;
}

export function addExecutorOptions(cmd: Command): Command {
  return cmd
    .option('--executor <local|slurm>', 'where the tasks run: this machine, or SLURM job arrays', executorName, 'local')
    .option(
      '--template <file>',
      'SLURM submission template with RELION-style placeholders (XXXcommandXXX, XXXqueueXXX, XXXthreadsXXX, …)',
    )
    .option('--partition <name>', 'SLURM partition (XXXqueueXXX in the template)')
    .option('--threads <n>', 'threads per task (XXXthreadsXXX)', positiveInt('--threads'))
    .option('--attempts <n>', 'attempts per task before it is reported as failed', positiveInt('--attempts'), 2)
    .option('--wait', 'with --executor slurm: follow the jobs until the merge is done (Ctrl-C cancels them)');
}

function executorName(v: string): 'local' | 'slurm' {
  if (v !== 'local' && v !== 'slurm') throw new InputError(`--executor ${v}: expected local or slurm`);
  return v;
}

export function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} ${v}: expected a whole number ≥ 1`);
    return n;
  };
}

/** Starts (or resumes: finished tasks are found by content) a sharded run and reports how it went. */
export async function startRun(
  spec: Omit<RunSpec, 'scheduler' | 'maxAttempts' | 'cwd'>,
  flags: ExecutorFlags,
  say: (line: string) => void,
): Promise<{ complete: boolean; message: string; jobs: string[] }> {
  const dir = runDir(spec.out);
  const full: RunSpec = {
    ...spec,
    cwd: process.cwd(),
    maxAttempts: flags.attempts,
    scheduler: {
      template: readTemplate(flags.template, DEFAULT_TEMPLATE),
      partition: flags.partition ?? '',
      threads: flags.threads ?? Math.min(4, availableParallelism()),
    },
  };
  prepareRunDir(dir);
  await writeJson(join(dir, 'tasks.json'), full);
  await writeJson(join(dir, 'state.json'), { attempts: full.tasks.map(() => 0), jobs: [], outcome: 'running' });
  let last = -1;
  const progress = (done: number, total: number): void => {
    if (done !== last)
      say(`${process.stderr.isTTY ? '\r' : ''}${done}/${total} tasks done${process.stderr.isTTY ? '' : '\n'}`);
    last = done;
  };
  if (flags.executor === 'local') {
    if (flags.threads) process.env['CRYODX_THREADS'] = String(flags.threads);
    const message = await runLocal(dir, progress);
    return { complete: true, message, jobs: [] };
  }
  // Signals are caught from before the first sbatch: a Ctrl-C at any moment cancels what was submitted.
  const { stop, release } = watchSignals();
  try {
    const jobs = await startSlurm(dir);
    say(`submitted: job array and merge ${jobs.join(', ')} (state in ${dir})\n`);
    if (stop.requested) await cancelRun(dir);
    if (!flags.wait) return { complete: false, message: `submitted ${jobs.join(', ')}`, jobs };
    const r = await waitForSlurm(dir, stop, progress);
    say('\n');
    if (r.outcome !== 'complete') throw new InputError(r.message);
    return { complete: true, message: r.message, jobs };
  } finally {
    release();
  }
}

/** Items into `count` shards in order (each shard a task: seconds of work, so a scheduler's second is small). */
export function shards<T>(items: T[], count: number): T[][] {
  const n = Math.max(1, Math.min(count, items.length));
  return Array.from({ length: n }, (_, k) =>
    items.slice(Math.floor((k * items.length) / n), Math.floor(((k + 1) * items.length) / n)),
  );
}

export type { TaskSpec };
