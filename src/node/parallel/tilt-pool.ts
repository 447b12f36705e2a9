import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TiltCtfOptions } from '../../core/tomo/tilt-ctf.js';
import { fitTiltPair, type TiltPair, type TiltSeriesInput } from '../../core/tomo/tilt-series.js';
import { packageRoot } from '../paths.js';

function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const beside = here.replace(/tilt-pool\.(ts|js)$/, 'tilt-worker.js');
  if (here.endsWith('.js') && existsSync(beside)) return beside;
  const built = join(packageRoot(), 'dist', 'node', 'parallel', 'tilt-worker.js');
  return existsSync(built) ? built : null;
}

/** Fits every tilt (both methods) one per worker thread (cores, at most 4; CRYODX_THREADS overrides). */
export async function fitTilts(input: TiltSeriesInput, options: TiltCtfOptions, onDone?: (done: number) => void): Promise<TiltPair[]> {
  const n = input.tiltsDeg.length, plane = input.nx * input.ny;
  const env = Number(process.env['CRYODX_THREADS']);
  const threads = Math.min(n, Math.max(1, Math.min(4, Number.isFinite(env) && env > 0 ? env : availableParallelism())));
  const file = workerFile();
  const out = new Array<TiltPair>(n);
  let done = 0;
  if (threads < 2 || !file) {
    for (let i = 0; i < n; i++) {
      out[i] = fitTiltPair(input.stack.subarray(i * plane, (i + 1) * plane), input, input.tiltsDeg[i]!, options);
      onDone?.(++done);
    }
    return out;
  }
  const workers = Array.from({ length: threads }, () => new Worker(file));
  try {
    let next = 0;
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      const send = (): void => {
        if (next >= n) return resolve();
        const id = next++;
        w.postMessage({ id, image: input.stack.slice(id * plane, (id + 1) * plane), nx: input.nx, ny: input.ny, pixelSizeA: input.pixelSizeA, tiltAxisDeg: input.tiltAxisDeg, tiltDeg: input.tiltsDeg[id]!, options });
      };
      w.on('message', (r: { id: number; ok: boolean; pair?: TiltPair; message?: string }) => {
        if (!r.ok) return reject(new RangeError(`tilt ${r.id + 1} (${input.tiltsDeg[r.id]}°): ${r.message}`));
        out[r.id] = r.pair!;
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
