import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../files.js';
import { packageRoot } from '../paths.js';
import { fillTemplate, templateValues } from './template.js';
import { finished, specOf, stateOf, writeJson, type RunSpec } from './run.js';
import { loadTasks } from './local.js';

/**
 * The SLURM executor: the tasks as one job array submitted through the site's template, a merge job that depends on
 * it (afterany: it runs whether tasks failed or not), and the merge job resubmitting the failed tasks with a new
 * merge job after them while attempts remain. Job ids go to the run's state.json, so a waiting client follows the
 * chain and Ctrl-C cancels all of it. Nothing here schedules: SLURM does.
 */
const run = promisify(execFile);

/** The CLI as the cluster's nodes run it: this Node, this build. */
function cli(...args: string[]): string {
  const main = join(packageRoot(), 'dist', 'node', 'cli', 'main.js');
  return [process.execPath, main, ...args].map(shellQuote).join(' ');
}

function shellQuote(s: string): string {
  return /^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

async function sbatch(args: string[], script: string): Promise<string> {
  const path = join(script);
  try {
    const { stdout } = await run('sbatch', ['--parsable', ...args, path]);
    return stdout.trim().split(';')[0]!;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT')
      throw new InputError('sbatch is not on the PATH: run where SLURM is installed, or use --executor local');
    throw new InputError(`sbatch refused the job: ${(err.stderr ?? err.message).trim()}`);
  }
}

async function script(dir: string, spec: RunSpec, name: string, command: string, log: string): Promise<string> {
  const path = join(dir, `${name}.sh`);
  const text = fillTemplate(
    spec.scheduler.template,
    templateValues({
      name: `cryodx-${name}`,
      command,
      queue: spec.scheduler.partition,
      threads: spec.scheduler.threads,
      outfile: join(dir, 'logs', `${log}.out`),
      errfile: join(dir, 'logs', `${log}.err`),
    }),
  );
  await writeFile(path, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o755 });
  return path;
}

/** Submits the given tasks (an array) and a merge job after them; records the ids. Returns them. */
export async function submit(dir: string, indices: number[]): Promise<string[]> {
  const spec = specOf(dir);
  const state = stateOf(dir);
  const ids: string[] = [];
  let after: string[] = [];
  if (indices.length) {
    for (const i of indices) state.attempts[i] = (state.attempts[i] ?? 0) + 1;
    await writeJson(join(dir, 'state.json'), state);
    const round = Math.max(...indices.map((i) => state.attempts[i]!));
    const sh = await script(dir, spec, `tasks-${round}`, cli('_task', dir), `task-%a-try${round}`);
    ids.push(await sbatch([`--array=${indices.join(',')}`, `--chdir=${spec.cwd}`], sh));
    after = [ids[0]!];
  }
  const sh = await script(dir, spec, 'merge', cli('_merge', dir), `merge-${Date.now()}`);
  ids.push(
    await sbatch([...(after.length ? [`--dependency=afterany:${after.join(':')}`] : []), `--chdir=${spec.cwd}`], sh),
  );
  const now = stateOf(dir);
  await writeJson(join(dir, 'state.json'), { ...now, jobs: [...now.jobs, ...ids] });
  return ids;
}

/** The pending tasks of a fresh run, submitted; finished ones (by content) are not. */
export async function startSlurm(dir: string): Promise<string[]> {
  const spec = specOf(dir);
  const done = finished(dir, spec);
  return submit(
    dir,
    spec.tasks.map((_, i) => i).filter((i) => !done[i]),
  );
}

/** The merge job's work: merge, or resubmit the failures with a new merge job after them. */
export async function mergeOnSlurm(dir: string): Promise<number> {
  const m = await (await loadTasks()).merge(dir);
  if (m.kind === 'retry') {
    await submit(dir, m.indices);
    return 0;
  }
  await writeJson(join(dir, 'state.json'), { ...stateOf(dir), outcome: m.kind, message: m.message });
  process.stdout.write(`${m.message}\n`);
  return m.kind === 'complete' ? 0 : 1;
}

/** Ctrl-C or a termination signal, noted from before the first submission until the run is followed to its end. */
export interface StopSignal {
  requested: boolean;
}

export function watchSignals(): { stop: StopSignal; release: () => void } {
  const stop: StopSignal = { requested: false };
  const on = (): void => {
    stop.requested = true;
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    stop,
    release: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** Cancels every job the run submitted, and says so. */
export async function cancelRun(dir: string): Promise<never> {
  const jobs = stateOf(dir).jobs;
  if (jobs.length) await run('scancel', jobs).catch(() => undefined);
  throw new InputError(`cancelled: scancel ${jobs.join(' ')}`);
}

/** Follows a submitted run until its outcome; a stop request cancels every job it submitted. */
export async function waitForSlurm(
  dir: string,
  stop: StopSignal,
  onProgress?: (done: number, total: number) => void,
  pollMs = 1000,
): Promise<{ outcome: string; message: string }> {
  for (;;) {
    if (stop.requested) return cancelRun(dir);
    const state = stateOf(dir);
    const spec = specOf(dir);
    onProgress?.(finished(dir, spec).filter(Boolean).length, spec.tasks.length);
    if (state.outcome !== 'running') return { outcome: state.outcome, message: state.message ?? '' };
    if (!(await anyAlive(state.jobs))) {
      // The chain ended without writing an outcome (a merge job killed, a node lost): say so, with the logs.
      await new Promise((r) => setTimeout(r, pollMs));
      const again = stateOf(dir);
      if (again.outcome !== 'running') return { outcome: again.outcome, message: again.message ?? '' };
      throw new InputError(`the SLURM jobs ${state.jobs.join(', ')} ended without a result: see ${join(dir, 'logs')}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Whether any of these jobs (or their array tasks, listed as ID_K) is still pending or running. The whole queue is
 * listed and filtered here: asked about a job that has left the queue, squeue fails for all of them.
 */
async function anyAlive(jobs: string[]): Promise<boolean> {
  if (!jobs.length) return false;
  const { stdout } = await run('squeue', ['-h', '-o', '%i']);
  const ours = new Set(jobs);
  return stdout.split('\n').some((l) => ours.has(l.trim().split('_')[0]!));
}

export function slurmLog(dir: string): string {
  const p = join(dir, 'logs');
  return existsSync(p) ? p : dir;
}

export function readTemplate(path: string | undefined, fallback: string): string {
  if (!path) return fallback;
  if (!existsSync(path)) throw new InputError(`--template ${path}: no such file`);
  const t = readFileSync(path, 'utf8');
  if (!t.includes('XXXcommandXXX'))
    throw new InputError(`--template ${path}: no XXXcommandXXX placeholder (where cryodx's command goes)`);
  return t;
}
