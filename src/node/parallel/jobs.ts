import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths.js';

/**
 * Independent jobs (micrographs, tilts) one per worker thread, results in input order. The worker
 * scripts answer { id, ok, result } or { id, ok: false, message } for each { id, job }.
 */
export interface JobReply<R> {
  id: number;
  ok: boolean;
  result?: R;
  message?: string;
}

/** The compiled worker script `name`.js beside this module, or in dist/ when running from sources. */
export function workerScript(name: string): string | null {
  const here = fileURLToPath(import.meta.url);
  const beside = join(here, '..', `${name}.js`);
  if (here.endsWith('.js') && existsSync(beside)) return beside;
  const built = join(packageRoot(), 'dist', 'node', 'parallel', `${name}.js`);
  return existsSync(built) ? built : null;
}

const prestarted = new Map<string, Worker[]>();

/**
 * A job worker optimises its hot functions on its own thread, not on V8's background compiler thread:
 * with one busy worker per core that thread only queues behind them, and every function stays
 * unoptimised meanwhile. Read by each isolate when it is created (not by those already running).
 * cryodx ctf, four 2048² micrographs on 2 cores: 0.91 → 0.76 s, CPU 1.61 → 1.38 s.
 */
function newJobWorker(file: string): Worker {
  setFlagsFromString('--no-concurrent-recompilation');
  return new Worker(file);
}

/**
 * Starts the workers a run of `jobs` jobs on `script` will take, before the caller has loaded what it
 * needs to send them (the CLI's modules): they load theirs meanwhile. Unreferenced until taken, so a
 * command that fails first still exits.
 */
export function prestartWorkers(script: string, jobs: number): void {
  const file = workerScript(script);
  const threads = threadsFor(jobs);
  if (!file || threads < 2 || prestarted.has(script)) return;
  const workers = Array.from({ length: threads }, () => newJobWorker(file));
  for (const w of workers) w.unref();
  prestarted.set(script, workers);
}

/** `threads` workers on `file`: those prestarted for `script` first, new ones for the rest. */
function startWorkers(script: string, file: string, threads: number): Worker[] {
  const ready = (prestarted.get(script) ?? []).splice(0, threads);
  for (const w of ready) w.ref();
  return [...ready, ...Array.from({ length: threads - ready.length }, () => newJobWorker(file))];
}

/** Threads for `jobs` jobs: the cores, at most 4, CRYODX_THREADS overriding (1 = no workers). */
export function threadsFor(jobs: number): number {
  const env = Number(process.env['CRYODX_THREADS']);
  return Math.min(jobs, Math.max(1, Math.min(4, Number.isFinite(env) && env > 0 ? env : availableParallelism())));
}

/** As streamJobs, every result kept and returned in input order. */
export async function runJobs<J, R>(
  script: string,
  jobs: J[],
  local: (job: J) => Promise<R> | R,
  fail: (index: number, message: string) => Error,
  options: JobOptions<J> = {},
): Promise<R[]> {
  const out = new Array<R>(jobs.length);
  await streamJobs(script, jobs, local, fail, (i, r) => void (out[i] = r), options);
  return out;
}

export interface JobOptions<J> {
  /** Called with the number of jobs done after each one. */
  onDone?: (done: number) => void;
  /** The buffers of a job to transfer to its worker rather than copy. */
  transfer?: (job: J) => ArrayBuffer[];
  /**
   * Jobs sent to each worker ahead of its replies (default 1). A worker that reads its own input from
   * disk takes 2: the next file is read (on libuv's threads) while the current one computes.
   */
  inFlight?: number;
}

/**
 * Each job's result handed to `onResult` as it arrives (in any order) and not kept: a caller that writes
 * results out holds only those in flight. `onResult` may return a promise (a file being written): the run
 * ends when every one has settled.
 */
export async function streamJobs<J, R>(
  script: string,
  jobs: J[],
  local: (job: J) => Promise<R> | R,
  fail: (index: number, message: string) => Error,
  onResult: (index: number, result: R) => unknown,
  { onDone, transfer, inFlight = 1 }: JobOptions<J> = {},
): Promise<void> {
  const threads = threadsFor(jobs.length);
  const file = workerScript(script);
  const handling: Promise<unknown>[] = [];
  // A failed write is reported by the Promise.all at the end, not as an unhandled rejection meanwhile.
  const handle = (i: number, r: R): void => {
    const h = Promise.resolve(onResult(i, r));
    h.catch(() => undefined);
    handling.push(h);
  };
  let done = 0;
  if (threads < 2 || !file) {
    for (const [i, job] of jobs.entries()) {
      handle(i, await local(job));
      onDone?.(++done);
    }
    await Promise.all(handling);
    return;
  }
  const workers = startWorkers(script, file, threads);
  try {
    let next = 0;
    const senders: (() => void)[] = [];
    const running = workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          let pending = 0;
          const send = (): void => {
            if (next >= jobs.length) return void (pending === 0 && resolve());
            pending++;
            const id = next++;
            w.postMessage({ id, job: jobs[id] }, transfer?.(jobs[id]!) ?? []);
          };
          w.on('message', (r: JobReply<R>) => {
            if (!r.ok) return reject(fail(r.id, r.message ?? 'failed'));
            pending--;
            // The next job first: the worker computes while this thread handles the result.
            send();
            handle(r.id, r.result!);
            onDone?.(++done);
          });
          w.on('error', reject);
          senders.push(send);
        }),
    );
    // Round by round, so that every worker has a job before any has two.
    for (let k = 0; k < inFlight; k++) senders.forEach((send) => send());
    await Promise.all(running);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  await Promise.all(handling);
}
