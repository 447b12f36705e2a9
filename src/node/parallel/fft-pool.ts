import { Worker } from 'node:worker_threads';
import { SharedMemoryPool } from '../../core/parallel/pool.js';
import { threadsFor, workerScript } from './jobs.js';

/** The shared-memory pool on Node worker threads (kept from the event loop with unref). */
export class FftPool extends SharedMemoryPool {
  constructor(threads: number, workerFile: string) {
    super(
      Array.from({ length: threads - 1 }, () => {
        const w = new Worker(workerFile);
        w.unref();
        return w;
      }),
    );
  }
}

let pool: FftPool | null = null;

/**
 * Installs the pool once per process: threads = available cores (at most 4; CRYODX_THREADS
 * overrides, 1 disables). Returns the number of threads in use.
 */
export function installFftPool(): number {
  if (pool) return pool.threads;
  const threads = threadsFor(Infinity);
  const file = workerScript('fft-worker');
  if (threads < 2 || !file) return 1;
  pool = new FftPool(threads, file);
  pool.install();
  return threads;
}
