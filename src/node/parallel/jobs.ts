import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Threads for `jobs` jobs: the cores, at most 4, CRYODX_THREADS overriding (1 = no workers). */
export function threadsFor(jobs: number): number {
  const env = Number(process.env['CRYODX_THREADS']);
  return Math.min(jobs, Math.max(1, Math.min(4, Number.isFinite(env) && env > 0 ? env : availableParallelism())));
}

export async function runJobs<J, R>(
  script: string,
  jobs: J[],
  local: (job: J) => Promise<R> | R,
  fail: (index: number, message: string) => Error,
  onDone?: (done: number) => void,
  transfer?: (job: J) => ArrayBuffer[],
): Promise<R[]> {
  const out = new Array<R>(jobs.length);
  const threads = threadsFor(jobs.length);
  const file = workerScript(script);
  let done = 0;
  if (threads < 2 || !file) {
    for (const [i, job] of jobs.entries()) {
      out[i] = await local(job);
      onDone?.(++done);
    }
    return out;
  }
  const workers = Array.from({ length: threads }, () => new Worker(file));
  try {
    let next = 0;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              w.postMessage({ id, job: jobs[id] }, transfer?.(jobs[id]!) ?? []);
            };
            w.on('message', (r: JobReply<R>) => {
              if (!r.ok) return reject(fail(r.id, r.message ?? 'failed'));
              out[r.id] = r.result!;
              onDone?.(++done);
              send();
            });
            w.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
