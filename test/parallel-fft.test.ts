import { afterAll, describe, expect, it } from 'vitest';
import { irfft3d, rfft3d } from '../src/core/fourier/rfft3d.js';
import { FftPool } from '../src/node/parallel/fft-pool.js';
import { glibcRand, relionUniform, seededRandom } from '../src/core/util/random.js';
import { randomizePhasesBeyond } from '../src/core/analysis/fsc/randomize.js';
import { forEachFrequency } from '../src/core/fourier/frequencies.js';
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
  // The threads as a job gets them (its compute context), and this thread alone.
  const threads = pool.compute();
  const alone = { simd: true };

  for (const [nx, ny, nz] of [
    [112, 104, 100],
    [105, 100, 101],
  ] as const) {
    it(`${nx}×${ny}×${nz}: identical to the one-thread transform, both directions`, () => {
      const rnd = seededRandom(nx);
      const f = Float32Array.from({ length: nx * ny * nz }, () => rnd() - 0.5);
      const serial = rfft3d(f, nx, ny, nz, undefined, null, alone);
      const par = rfft3d(f, nx, ny, nz, undefined, null, threads);
      expect(par.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(maxDiff(par.data, serial.data)).toBe(0);
      const back = irfft3d(par, undefined, threads);
      const backSerial = irfft3d(serial, undefined, alone);
      expect(maxDiff(back, backSerial)).toBe(0);
      let worst = 0;
      for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(back[i]! - f[i]!));
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('masked transform on the threads (mask multiplied plane by plane): identical to one thread', () => {
    const [nx, ny, nz] = [100, 104, 110];
    const rnd = seededRandom(8);
    const f = Float32Array.from({ length: nx * ny * nz }, () => rnd() - 0.5);
    const mask = Float32Array.from({ length: nx * ny * nz }, () => rnd());
    const serial = rfft3d(f, nx, ny, nz, undefined, mask, alone);
    const par = rfft3d(f, nx, ny, nz, undefined, mask, threads);
    expect(par.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(maxDiff(par.data, serial.data)).toBe(0);
    const plain = rfft3d(f, nx, ny, nz);
    expect(maxDiff(plain.data, serial.data)).toBeGreaterThan(1);
  });

  it('phase randomisation on the threads draws RELION’s stream in the same order: identical spectra', () => {
    const [nx, ny, nz] = [104, 110, 100];
    const rnd = seededRandom(5);
    const f = Float32Array.from({ length: nx * ny * nz }, () => rnd() - 0.5);
    const randomise = (parallel: boolean) => {
      const c = parallel ? threads : alone;
      const stream = relionUniform(glibcRand(1), 0, 2 * Math.PI);
      const a = rfft3d(f, nx, ny, nz, undefined, null, c);
      const b = rfft3d(f, nx, ny, nz, undefined, null, c);
      randomizePhasesBeyond(a, 17, stream, parallel ? threads.phases : null);
      randomizePhasesBeyond(b, 17, stream, parallel ? threads.phases : null);
      // The next value of the stream: both runs must have drawn exactly as many.
      return { a: a.data.slice(), b: b.data.slice(), next: stream() };
    };
    const serial = randomise(false);
    const par = randomise(true);
    // Independent walk: every stored voxel in storage order, one draw where |k| ≥ 17.
    const naive = rfft3d(f, nx, ny, nz);
    const stream = relionUniform(glibcRand(1), 0, 2 * Math.PI);
    forEachFrequency(naive, (i, r2) => {
      if (r2 < 17 * 17) return;
      const amp = Math.hypot(naive.data[2 * i]!, naive.data[2 * i + 1]!);
      const ph = stream();
      naive.data[2 * i] = amp * Math.cos(ph);
      naive.data[2 * i + 1] = amp * Math.sin(ph);
    });
    // (cos and sin by fastCos there, within 3e-11 of Math.cos/Math.sin; a shifted stream would be O(amplitude).)
    expect(maxDiff(serial.a, naive.data)).toBeLessThan(1e-6);
    expect(maxDiff(par.a, serial.a)).toBe(0);
    expect(maxDiff(par.b, serial.b)).toBe(0);
    expect(par.next).toBe(serial.next);
    // The two halves got different phases beyond shell 17, the same amplitudes.
    expect(maxDiff(serial.a, serial.b)).toBeGreaterThan(0.01);
  });
});
