import { describe, expect, it } from 'vitest';
import { fft, fftBatch } from './fft.js';
import { factorize, planFft } from './plan.js';
import { signedRandom } from '../util/random.js';

const rng = signedRandom;

function naiveDft(x: Float64Array, dir: -1 | 1): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    let sr = 0,
      si = 0;
    for (let j = 0; j < n; j++) {
      const a = (dir * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(a),
        s = Math.sin(a);
      sr += x[2 * j]! * c - x[2 * j + 1]! * s;
      si += x[2 * j]! * s + x[2 * j + 1]! * c;
    }
    out[2 * k] = sr;
    out[2 * k + 1] = si;
  }
  return out;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const SIZES = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 20, 25, 27, 31, 32, 37, 49, 60, 64, 97, 100, 121, 127, 128,
  144, 200, 210, 256, 300, 360, 384, 400, 257,
];

describe('1D complex FFT against a naive DFT', () => {
  const r = rng(1);
  for (const n of SIZES) {
    it(`n = ${n} (${factorize(n).join('·')}) both directions`, () => {
      const x = Float64Array.from({ length: 2 * n }, r);
      for (const dir of [-1, 1] as const) {
        const y = x.slice();
        fft(y, dir);
        const ref = naiveDft(x, dir);
        expect(maxAbsDiff(y, ref)).toBeLessThan(1e-11 * n);
      }
    });
  }

  it('batched transforms equal one-at-a-time ones', () => {
    for (const n of [12, 35, 64, 97]) {
      const B = 7;
      const lines = Array.from({ length: B }, () => Float64Array.from({ length: 2 * n }, r));
      const inter = new Float64Array(2 * n * B);
      lines.forEach((l, b) => {
        for (let j = 0; j < n; j++) {
          inter[2 * (j * B + b)] = l[2 * j]!;
          inter[2 * (j * B + b) + 1] = l[2 * j + 1]!;
        }
      });
      fftBatch(planFft(n), inter, new Float64Array(inter.length), B, -1);
      lines.forEach((l, b) => {
        const ref = naiveDft(l, -1);
        for (let j = 0; j < n; j++) {
          expect(inter[2 * (j * B + b)]).toBeCloseTo(ref[2 * j]!, 9);
          expect(inter[2 * (j * B + b) + 1]).toBeCloseTo(ref[2 * j + 1]!, 9);
        }
      });
    }
  });

  it('forward then inverse returns n·x', () => {
    const n = 360;
    const x = Float64Array.from({ length: 2 * n }, r);
    const y = x.slice();
    fft(y, -1);
    fft(y, 1);
    for (let i = 0; i < 2 * n; i++) expect(y[i]! / n).toBeCloseTo(x[i]!, 12);
  });
});
