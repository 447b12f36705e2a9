import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SharedMemoryPool } from '../../core/parallel/pool.js';
import { packageRoot } from '../paths.js';

/** The shared-memory pool on Node worker threads (kept from the event loop with unref). */
export class FftPool extends SharedMemoryPool {
  constructor(threads: number, workerFile: string) {
    super(Array.from({ length: threads - 1 }, () => {
      const w = new Worker(workerFile);
      w.unref();
      return w;
    }));
  }
}

/** The compiled worker script; from TypeScript sources (tests, tsx) the built one in dist/ is used. */
function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const beside = here.replace(/fft-pool\.(ts|js)$/, 'fft-worker.js');
  if (here.endsWith('.js') && existsSync(beside)) return beside;
  const built = join(packageRoot(), 'dist', 'node', 'parallel', 'fft-worker.js');
  return existsSync(built) ? built : null;
}

let pool: FftPool | null = null;

/**
 * Installs the pool once per process: threads = available cores (at most 4; CRYODX_THREADS
 * overrides, 1 disables). Returns the number of threads in use.
 */
export function installFftPool(): number {
  if (pool) return pool.threads;
  const env = Number(process.env['CRYODX_THREADS']);
  const threads = Math.max(1, Math.min(4, Number.isFinite(env) && env > 0 ? env : availableParallelism()));
  const file = workerFile();
  if (threads < 2 || !file) return 1;
  pool = new FftPool(threads, file);
  pool.install();
  return threads;
}
