import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import type { Inserter } from '../../core/app/jobs/reconstruct.js';
import type { ParticleBatch } from '../../core/analysis/reconstruct/batch.js';
import { InsertionGrid, type GridShape } from '../../core/analysis/reconstruct/grid.js';
import { threadsFor, workerScript } from './jobs.js';

interface GridReply {
  data: Float32Array;
  weight: Float32Array;
  particles: number;
}

type Reply =
  | { kind: 'ready' }
  | { kind: 'done'; count: number }
  | { kind: 'grids'; grids: GridReply[] }
  | { kind: 'error'; message: string };

/**
 * Insertion on worker threads: each owns its padded grids (one per target), batches go to the least busy
 * worker (at most two in flight each, so reading stays a bounded step ahead), and at the end the workers'
 * grids are added. Memory: one set of grids per worker plus the batches in flight. Falls back to null
 * (the caller inserts on its own thread) with one thread or no compiled worker script.
 */
export function workerInserter(particles: number): Inserter | null {
  const file = workerScript('insert-worker');
  const threads = threadsFor(Math.ceil(particles / 64));
  if (!file || threads < 2) return null;
  return inserterOn(() => spawn(file, threads), true);
}

/**
 * Workers kept across insertion passes: reslog and whatif run one pass per subset, group and control, and
 * starting two workers (their modules, the SIMD kernels) cost ~0.3 s a pass. `close()` ends them.
 */
export class InsertWorkers {
  private workers: Worker[] | null = null;
  private readonly file = workerScript('insert-worker');
  private readonly threads = threadsFor(Infinity);
  /**
   * Grid arrays handed back (summed workers' grids, and the job's once used), given to the workers at the next
   * pass: a fresh grid's first touch costs more than clearing a kept one (0.7 s per 250 MB here, against 0.01 s).
   * At most one set per worker.
   */
  private readonly spare: GridArrays[] = [];

  /** An inserter on the kept workers, or null (insert on the calling thread) for a small pass or one thread. */
  readonly inserterFor = (particles: number): Inserter | null => {
    if (!this.file || this.threads < 2 || particles < 128) return null;
    return inserterOn(() => (this.workers ??= spawn(this.file!, this.threads)), false, this.pool);
  };

  /** Grids the job no longer needs, for the next passes. */
  readonly recycle = (grids: InsertionGrid[]): void => {
    for (const g of grids) this.pool.give({ data: g.data, weight: g.weight });
  };

  private readonly pool: ArrayPool = {
    give: (a) => {
      const held = this.spare.reduce((n, x) => n + x.data.byteLength + x.weight.byteLength, 0);
      const size = a.data.byteLength + a.weight.byteLength;
      if (size && this.spare.length < 2 * this.threads && held + size <= SPARE_BYTES) this.spare.push(a);
    },
    take: (data, weight) => {
      const i = this.spare.findIndex((a) => a.data.length === data && a.weight.length === weight);
      return i >= 0 ? this.spare.splice(i, 1)[0]! : null;
    },
  };

  async close(): Promise<void> {
    await Promise.all((this.workers ?? []).map((w) => w.terminate()));
    this.workers = null;
  }
}

function spawn(file: string, threads: number): Worker[] {
  setFlagsFromString('--no-concurrent-recompilation');
  return Array.from({ length: threads }, () => new Worker(file));
}

/** At most this much memory in kept arrays (a quarter of the machine's), beyond it arrays are left to the GC. */
export const SPARE_BYTES = totalmem() / 4;

interface GridArrays {
  data: Float32Array;
  weight: Float32Array;
}

interface ArrayPool {
  give(a: GridArrays): void;
  take(dataLength: number, weightLength: number): GridArrays | null;
}

function inserterOn(take: () => Worker[], terminate: boolean, pool?: ArrayPool): Inserter {
  let workers: Worker[] = [];
  let shape: GridShape | null = null;
  const busy: number[] = [];
  const waiting: (() => void)[] = [];
  let failure: Error | null = null;
  const wake = (): void => waiting.splice(0).forEach((f) => f());
  const listeners = new Map<Worker, { message: (r: Reply) => void; error: (e: Error) => void }>();
  const listen = (w: Worker, i: number): void => {
    const message = (r: Reply): void => {
      if (r.kind === 'done') busy[i]!--;
      else if (r.kind === 'error') failure = new Error(r.message);
      wake();
    };
    const error = (e: Error): void => {
      failure = e;
      wake();
    };
    w.on('message', message).on('error', error);
    listeners.set(w, { message, error });
  };
  const once = <T extends Reply['kind']>(w: Worker, kind: T): Promise<Extract<Reply, { kind: T }>> =>
    new Promise((resolve, reject) => {
      const on = (r: Reply): void => {
        if (r.kind === kind) {
          w.off('message', on);
          resolve(r as Extract<Reply, { kind: T }>);
        } else if (r.kind === 'error') {
          w.off('message', on);
          reject(new Error(r.message));
        }
      };
      w.on('message', on);
    });
  return {
    async start(s, targets) {
      shape = s;
      workers = take();
      workers.forEach((w, i) => {
        busy[i] = 0;
        listen(w, i);
      });
      const probe = new InsertionGrid(s, new Float32Array(0), new Float32Array(0), true);
      await Promise.all(
        workers.map((w) => {
          const ready = once(w, 'ready');
          const kept = Array.from({ length: targets }, () => pool?.take(2 * probe.voxels, probe.voxels) ?? null);
          const buffers = kept.filter((a): a is GridArrays => a !== null);
          const moved = buffers.flatMap((a) => [a.data.buffer as ArrayBuffer, a.weight.buffer as ArrayBuffer]);
          w.postMessage({ kind: 'start', shape: s, targets, kept }, moved);
          return ready;
        }),
      );
    },
    async insert(batch: ParticleBatch) {
      for (;;) {
        if (failure) throw failure;
        const i = busy.indexOf(Math.min(...busy));
        if (busy[i]! < 2) {
          busy[i]!++;
          workers[i]!.postMessage({ kind: 'batch', batch }, [
            batch.bytes.buffer as ArrayBuffer,
            batch.params.buffer as ArrayBuffer,
          ]);
          return;
        }
        await new Promise<void>((r) => waiting.push(r));
      }
    },
    async finish() {
      while (busy.some((b) => b > 0) && !failure) await new Promise<void>((r) => waiting.push(r));
      if (failure) throw failure;
      const replies = await Promise.all(
        workers.map((w) => {
          const got = once(w, 'grids');
          w.postMessage({ kind: 'finish' });
          return got;
        }),
      );
      for (const [w, l] of listeners) w.off('message', l.message).off('error', l.error);
      listeners.clear();
      if (terminate) await Promise.all(workers.map((w) => w.terminate()));
      const grid = (g: GridReply): InsertionGrid =>
        Object.assign(new InsertionGrid(shape!, g.data, g.weight), { particles: g.particles });
      const sums = replies[0]!.grids.map(grid);
      for (const r of replies.slice(1))
        r.grids.forEach((g, k) => {
          sums[k]!.add(grid(g));
          pool?.give(g);
        });
      return sums;
    },
  };
}
