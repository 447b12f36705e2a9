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
 * Starts the pool once per process: threads = available cores (at most 4; CRYODX_THREADS overrides, 1 disables);
 * null when there is nothing to share the work with. Jobs get it through its compute context (../compute.ts).
 */
export function startFftPool(): FftPool | null {
  if (pool) return pool;
  const threads = threadsFor(Infinity);
  const file = workerScript('fft-worker');
  if (threads < 2 || !file) return null;
  pool = new FftPool(threads, file);
  return pool;
}
