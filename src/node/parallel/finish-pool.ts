import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { GridFinisher } from '../../core/app/jobs/particle-maps.js';
import type { InsertionGrid } from '../../core/analysis/reconstruct/grid.js';
import { SPARE_BYTES } from './insert-pool.js';
import { threadsFor, workerScript } from './jobs.js';

type Reply =
  | { id: number; ok: true; map: Float32Array; data: Float32Array; weight: Float32Array }
  | { id: number; ok: false; message: string };

/**
 * Finishing on worker threads, kept across a run: reslog and whatif finish two half maps per measure, and the
 * FFT pool's threads speed up only the transforms of one finish, while two finishes side by side, one per thread,
 * also run the passes between the transforms in parallel. At most `threads` grids are finished at once; each
 * worker holds one finish's arrays (its iteration box in float32 and its spectrum) while it runs.
 */
export class FinishWorkers {
  private workers: Worker[] | null = null;
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private next = 0;
  private readonly file = workerScript('finish-worker');
  private readonly threads = threadsFor(Infinity);

  constructor(private readonly simd = true) {}

  /** Grid arrays the workers gave back, for the next copies (at most a pair's: data and weights of two halves). */
  private readonly spare: Float32Array[] = [];

  /** The finisher for a job's input, or undefined (finish on the calling thread) with one thread. */
  get finisher(): GridFinisher | undefined {
    if (!this.file || this.threads < 2) return undefined;
    return {
      finish: (grids, o) => Promise.all(grids.map((g) => this.finishOne(g, o))),
      array: (length) => {
        const i = this.spare.findIndex((a) => a.length === length);
        return i >= 0 ? this.spare.splice(i, 1)[0]! : new Float32Array(length);
      },
    };
  }

  private take(): Promise<Worker> {
    if (!this.workers) {
      setFlagsFromString('--no-concurrent-recompilation');
      this.workers = Array.from({ length: this.threads }, () => new Worker(this.file!));
      this.idle.push(...this.workers);
    }
    const w = this.idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  private async finishOne(g: InsertionGrid, o: { symmetry: string; iterations: number }): Promise<Float32Array> {
    const w = await this.take();
    const id = this.next++;
    let crashed = false;
    try {
      return await new Promise<Float32Array>((resolve, reject) => {
        const onMessage = (r: Reply): void => {
          if (r.id !== id) return;
          w.off('message', onMessage).off('error', onError);
          if (r.ok) {
            this.spare.push(r.data, r.weight);
            this.spare.splice(0, Math.max(0, this.spare.length - 4));
            while (this.spare.reduce((n, a) => n + a.byteLength, 0) > SPARE_BYTES) this.spare.shift();
            resolve(r.map);
          } else reject(new Error(r.message));
        };
        const onError = (e: Error): void => {
          crashed = true;
          w.off('message', onMessage).off('error', onError);
          reject(e);
        };
        w.on('message', onMessage).on('error', onError);
        const message = { id, shape: g.shape, data: g.data, weight: g.weight, ...o, simd: this.simd };
        w.postMessage(message, [g.data.buffer as ArrayBuffer, g.weight.buffer as ArrayBuffer]);
      });
    } finally {
      // A worker that died (out of memory) is replaced, so that the next finish does not wait on it forever.
      if (crashed && this.workers) {
        const fresh = new Worker(this.file!);
        this.workers = this.workers.map((x) => (x === w ? fresh : x));
        this.give(fresh);
      } else this.give(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all((this.workers ?? []).map((w) => w.terminate()));
    this.workers = null;
    this.idle.length = 0;
  }
}
