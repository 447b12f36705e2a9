import { afterAll, describe, expect, it } from 'vitest';
import { irfft3d, rfft3d, setParallelFftRunner } from '../src/core/fourier/rfft3d.js';
import { FftPool } from '../src/node/parallel/fft-pool.js';
import { seededRandom } from '../src/core/util/random.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

// npm test builds dist/ before vitest runs, so the compiled worker exists.
const workerFile = join(ROOT, 'dist', 'node', 'parallel', 'fft-worker.js');

describe.skipIf(!existsSync(workerFile))('3D FFT on worker threads', () => {
  const pool = new FftPool(3, workerFile);
  afterAll(() => pool.terminate());

  for (const [nx, ny, nz] of [
    [112, 104, 100],
    [105, 100, 101],
  ] as const) {
    it(`${nx}×${ny}×${nz}: identical to the one-thread transform, both directions`, () => {
      const rnd = seededRandom(nx);
      const f = Float32Array.from({ length: nx * ny * nz }, () => rnd() - 0.5);
      setParallelFftRunner(null);
      const serial = rfft3d(f, nx, ny, nz);
      setParallelFftRunner(pool);
      const par = rfft3d(f, nx, ny, nz);
      expect(par.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(maxDiff(par.data, serial.data)).toBe(0);
      const back = irfft3d(par);
      setParallelFftRunner(null);
      const backSerial = irfft3d(serial);
      expect(maxDiff(back, backSerial)).toBe(0);
      let worst = 0;
      for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(back[i]! - f[i]!));
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
