import { describe, expect, it } from 'vitest';
import { signedRandom as rng } from '../util/random.js';
import { halfLength, irfft3d, rfft3d, signedFrequency } from './rfft3d.js';

function naive3d(
  f: Float32Array,
  nx: number,
  ny: number,
  nz: number,
  kx: number,
  ky: number,
  kz: number,
): [number, number] {
  let re = 0,
    im = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const a = -2 * Math.PI * ((kx * x) / nx + (ky * y) / ny + (kz * z) / nz);
        const v = f[x + nx * (y + ny * z)]!;
        re += v * Math.cos(a);
        im += v * Math.sin(a);
      }
  return [re, im];
}

describe('3D real FFT against a naive DFT', () => {
  const r = rng(3);
  for (const [nx, ny, nz] of [
    [4, 6, 5],
    [7, 4, 3],
    [8, 8, 8],
    [5, 5, 5],
    [6, 1, 1],
    [9, 10, 11],
    [12, 7, 37],
  ] as const) {
    it(`${nx}×${ny}×${nz}`, () => {
      const f = Float32Array.from({ length: nx * ny * nz }, r);
      const s = rfft3d(f, nx, ny, nz);
      const nxh = halfLength(nx);
      let worst = 0;
      for (let z = 0; z < nz; z++)
        for (let y = 0; y < ny; y++)
          for (let x = 0; x < nxh; x++) {
            const [re, im] = naive3d(f, nx, ny, nz, x, y, z);
            const i = 2 * (x + nxh * (y + ny * z));
            worst = Math.max(worst, Math.abs(s.data[i]! - re), Math.abs(s.data[i + 1]! - im));
          }
      expect(worst).toBeLessThan(1e-9 * nx * ny * nz);
      const back = irfft3d(s);
      for (let i = 0; i < f.length; i++) expect(back[i]).toBeCloseTo(f[i]!, 5);
    });
  }

  it('a plane wave lands on its frequency', () => {
    const n = 16;
    const f = new Float32Array(n * n * n);
    for (let z = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) f[x + n * (y + n * z)] = Math.cos((2 * Math.PI * (3 * x - 2 * y + 5 * z)) / n);
    const s = rfft3d(f, n, n, n);
    const nxh = halfLength(n);
    // cos → half the energy at (3, −2, 5): index (3, 14, 5).
    expect(s.data[2 * (3 + nxh * (14 + n * 5))]).toBeCloseTo((n * n * n) / 2, 2);
    expect(signedFrequency(14, 16)).toBe(-2);
    expect(signedFrequency(8, 16)).toBe(8);
    expect(signedFrequency(4, 9)).toBe(4);
    expect(signedFrequency(5, 9)).toBe(-4);
  });
});
