import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fitMicrographFile, type MicrographFit, type MicrographFitOptions } from '../ctf-run.js';
import { InputError } from '../files.js';
import { packageRoot } from '../paths.js';

function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const beside = here.replace(/ctf-pool\.(ts|js)$/, 'ctf-worker.js');
  if (here.endsWith('.js') && existsSync(beside)) return beside;
  const built = join(packageRoot(), 'dist', 'node', 'parallel', 'ctf-worker.js');
  return existsSync(built) ? built : null;
}

type Reply = { id: number; ok: true; result: MicrographFit } | { id: number; ok: false; message: string; name: string };

/**
 * Fits several micrographs, one per worker thread (at most the cores, 4 by default; CRYODX_THREADS
 * overrides). Results come back in input order; `onDone` reports progress. A bad file fails the run
 * with its own message, as the CLI would for one file.
 */
export async function fitMicrographs(paths: string[], options: MicrographFitOptions, onDone?: (done: number) => void): Promise<MicrographFit[]> {
  const env = Number(process.env['CRYODX_THREADS']);
  const threads = Math.min(paths.length, Math.max(1, Math.min(4, Number.isFinite(env) && env > 0 ? env : availableParallelism())));
  const file = workerFile();
  const out: MicrographFit[] = new Array<MicrographFit>(paths.length);
  let done = 0;
  if (threads < 2 || !file) {
    for (const [i, p] of paths.entries()) {
      out[i] = await fitMicrographFile(p, options);
      onDone?.(++done);
    }
    return out;
  }
  const workers = Array.from({ length: threads }, () => new Worker(file));
  try {
    let next = 0;
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      const send = (): void => {
        if (next >= paths.length) return resolve();
        const id = next++;
        w.postMessage({ id, path: paths[id]!, options });
      };
      w.on('message', (r: Reply) => {
        if (!r.ok) return reject(r.name === 'FormatError' || r.name === 'InputError' || r.name === 'RangeError' ? new InputError(r.message) : new Error(r.message));
        out[r.id] = r.result;
        onDone?.(++done);
        send();
      });
      w.on('error', reject);
      send();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
