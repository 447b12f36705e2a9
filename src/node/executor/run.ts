import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeOutputAtomic } from '../files.js';

/**
 * A sharded run's folder (`OUT/.cryodx-run/`): what every task does (tasks.json), the run's state (attempts per
 * task, the scheduler's job ids, the outcome), one marker per finished or failed task, and a cache of results keyed
 * by the content of their inputs, so that a run started again does only what is not done yet.
 */
export type TaskSpec =
  | {
      kind: 'ctf-shard';
      name: string;
      paths: string[];
      /** Output stems of the paths, from the whole run (absent in runs planned before 0.1: from the shard's paths). */
      stems?: string[];
      options: unknown;
      key: string;
    }
  | { kind: 'report'; name: string; dataset: Record<string, string>; key: string }
  /** One cryodx command line (a reconstruction shard), run in the task's process. */
  | { kind: 'command'; name: string; args: string[]; key: string };

export interface RunSpec {
  /** 'staged': command tasks whose merge may first plan more tasks (merge.next), then runs merge.args. */
  kind: 'ctf' | 'batch' | 'reconstruct' | 'staged';
  out: string;
  /** The working folder the user ran from (relative input paths resolve there). */
  cwd: string;
  version: string;
  tasks: TaskSpec[];
  maxAttempts: number;
  /** What the merge needs beyond the tasks (the CTF options; the datasets file's name). */
  merge: Record<string, unknown>;
  scheduler: { template: string; partition: string; threads: number };
}

export interface RunState {
  attempts: number[];
  jobs: string[];
  outcome: 'running' | 'complete' | 'incomplete';
  message?: string;
}

export function runDir(out: string): string {
  return join(resolve(out), '.cryodx-run');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeOutputAtomic(path, JSON.stringify(value, null, 1));
}

export function specOf(dir: string): RunSpec {
  return readJson<RunSpec>(join(dir, 'tasks.json'));
}

export function stateOf(dir: string): RunState {
  return readJson<RunState>(join(dir, 'state.json'));
}

export const doneMarker = (dir: string, i: number): string => join(dir, 'tasks', `${i}.done.json`);
export const failedMarker = (dir: string, i: number): string => join(dir, 'tasks', `${i}.failed.json`);
export const cachePath = (dir: string, key: string, ext: string): string => join(dir, 'cache', `${key}${ext}`);

/** Where a task's result lives: keyed by the content of its inputs, whatever its place in this run. */
export function resultPath(dir: string, t: TaskSpec): string {
  // A CTF shard keeps its rows (its micrographs' files are written by the task itself).
  return cachePath(dir, t.key, t.kind === 'ctf-shard' ? '.rows.json' : '.json');
}

/** Tasks whose result is in the cache (done before, by this run or an earlier one, with the same inputs). */
export function finished(dir: string, spec: RunSpec): boolean[] {
  return spec.tasks.map((t) => existsSync(resultPath(dir, t)));
}

export function failures(dir: string, spec: RunSpec): { index: number; name: string; message: string }[] {
  const done = finished(dir, spec);
  return spec.tasks.flatMap((t, i) =>
    existsSync(failedMarker(dir, i)) && !done[i]
      ? [{ index: i, name: t.name, message: readJson<{ message: string }>(failedMarker(dir, i)).message }]
      : [],
  );
}

/** A run's folder, its markers and logs cleared (the cache of finished results is kept). */
export function prepareRunDir(dir: string): void {
  for (const sub of ['tasks', 'logs']) rmSync(join(dir, sub), { recursive: true, force: true });
  for (const f of ['incomplete.json', 'state.json']) rmSync(join(dir, f), { force: true });
  for (const sub of ['tasks', 'cache', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
}

/** sha256 of a file's bytes, streamed (micrographs are large). */
export function fileHash(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', fail)
      .on('end', () => ok(h.digest('hex')));
  });
}

/** A task's key: what it does and the content of what it reads. */
export async function contentKey(kind: string, options: unknown, paths: string[]): Promise<string> {
  const h = createHash('sha256').update(kind).update(JSON.stringify(options));
  for (const p of paths) h.update(existsSync(p) ? await fileHash(p) : `missing:${p}`);
  return h.digest('hex').slice(0, 32);
}
