import { describe, expect, it } from 'vitest';
import { fftBatch } from './fft.js';
import { signedRandom as rng } from '../util/random.js';
import { planFft } from './plan.js';
import { simdFftBatch } from './rfft-simd.js';
import { allocateSpectrum, irfft3d, rfft3d } from './rfft3d.js';
import { simdFactors, simdKernels } from './simd.js';
import { tiledGroups } from '../analysis/ctf/periodogram.js';

// The WebAssembly SIMD kernels against the TypeScript ones (the reference) and a naive DFT: every
// radix the kernels have (2, 3, 4, 5, 8, the paired odd radices 7 … 31, Bluestein), odd and even
// rows, one-line and one-plane maps. Float64 in both, so they agree to rounding.

// These tests are of the kernels themselves: each names the kernel set it runs (a compute context's simd).
const kernels = simdKernels();
/** The two kernel sets, as a job's compute context chooses them. */
const TS = { simd: false },
  SIMD = { simd: true };

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(a[i]!));
  }
  return d / m;
}

function naiveColumn(x: Float64Array, n: number, batch: number, b: number, dir: -1 | 1): Float64Array {
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) {
      const a = (dir * 2 * Math.PI * ((j * k) % n)) / n;
      const xr = x[2 * (j * batch + b)]!,
        xi = x[2 * (j * batch + b) + 1]!;
      out[2 * k]! += xr * Math.cos(a) - xi * Math.sin(a);
      out[2 * k + 1]! += xr * Math.sin(a) + xi * Math.cos(a);
    }
  return out;
}

describe('WebAssembly SIMD kernels', () => {
  it('load in Node 20 (no fallback here)', () => {
    expect(kernels).not.toBeNull();
  });

  it('factor powers of two into radix 8 first, leftover twos as 4·4, 4 or 2', () => {
    expect(simdFactors(256)).toEqual([8, 8, 4]);
    expect(simdFactors(128)).toEqual([8, 4, 4]);
    expect(simdFactors(512)).toEqual([8, 8, 8]);
    expect(simdFactors(448)).toEqual([8, 8, 7]);
    expect(simdFactors(420)).toEqual([4, 3, 5, 7]);
    expect(simdFactors(2)).toEqual([2]);
    expect(simdFactors(257)).toEqual([257]);
  });

  const lengths = [2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16, 17, 19, 23, 29, 31, 32, 37, 49, 64, 77, 120, 143, 257];
  for (const dir of [-1, 1] as const) {
    it(`batched complex transforms, every radix and Bluestein (dir ${dir})`, () => {
      const r = rng(7);
      for (const n of lengths) {
        const batch = 3;
        const x = Float64Array.from({ length: 2 * n * batch }, r);
        const ours = x.slice();
        simdFftBatch(kernels!, n, ours, batch, dir);
        const ref = x.slice();
        fftBatch(planFft(n), ref, new Float64Array(ref.length), batch, dir);
        expect(maxRelDiff(ref, ours), `n = ${n}`).toBeLessThan(1e-13);
        const col = new Float64Array(2 * n);
        for (let j = 0; j < n; j++) col.set(ours.subarray(2 * (j * batch + 1), 2 * (j * batch + 1) + 2), 2 * j);
        expect(maxRelDiff(naiveColumn(x, n, batch, 1, dir), col), `n = ${n} vs DFT`).toBeLessThan(1e-12);
      }
    });
  }

  for (const dir of [-1, 1] as const) {
    it(`float32 transforms (fft32), every radix and Bluestein, batches chunked in pairs (dir ${dir})`, () => {
      const r = rng(8);
      const cases: [number, number][] = [...lengths.map((n): [number, number] => [n, 4]), [512, 300], [257, 90]];
      for (const [n, batch] of cases) {
        const x = Float64Array.from({ length: 2 * n * batch }, r);
        const ours = Float32Array.from(x);
        simdFftBatch(kernels!, n, ours, batch, dir);
        const ref = Float64Array.from(Float32Array.from(x));
        fftBatch(planFft(n), ref, new Float64Array(ref.length), batch, dir);
        // Float32 rounding through log₂ n stages (and Bluestein's chirps): a few 1e-7 of the largest value.
        expect(maxRelDiff(ref, ours), `n = ${n}, batch ${batch}`).toBeLessThan(n > 100 ? 2e-6 : 1e-6);
      }
    });
  }

  for (const [nx, ny, nz] of [
    [4, 6, 5],
    [7, 4, 3],
    [6, 1, 1],
    [1, 9, 4],
    [9, 10, 11],
    [12, 7, 37],
    [64, 64, 64],
    [60, 42, 44],
    [38, 41, 1],
    [22, 26, 14],
    [74, 37, 33],
  ] as const) {
    it(`3D real transform ${nx}×${ny}×${nz}: same spectrum and inverse as the TypeScript kernels`, () => {
      const r = rng(nx * 1000 + ny * 10 + nz);
      const f = Float32Array.from({ length: nx * ny * nz }, r);
      const ref = rfft3d(f, nx, ny, nz, undefined, null, TS);
      const refBack = irfft3d({ ...ref, data: ref.data.slice() }, undefined, TS);
      const ours = rfft3d(f, nx, ny, nz, undefined, null, SIMD);
      const back = irfft3d({ ...ours, data: ours.data.slice() }, undefined, SIMD);
      expect(maxRelDiff(ref.data, ours.data)).toBeLessThan(1e-13);
      expect(maxRelDiff(refBack, back)).toBeLessThan(1e-6);
      expect(maxRelDiff(f, back)).toBeLessThan(1e-6);
    });
  }

  // Tile sizes whose row and column plans end in the data (even stage counts), in the scratch (odd) or
  // go through Bluestein (134 = 2·67): the float32 plane returns whichever holds the spectrum.
  for (const box of [256, 100, 134]) {
    it(`CTF tile periodogram of ${box}² tiles (float32 in the kernels): the TypeScript kernels’ to 1e-6`, () => {
      const r = rng(21);
      const [nx, ny] = [700, 520];
      const image = Float32Array.from({ length: nx * ny }, r);
      const strips = (x: number) => (x < 0 ? 0 : 1);
      const ref = tiledGroups(image, nx, ny, 1.1, box, strips, 2, false);
      const ours = tiledGroups(image, nx, ny, 1.1, box, strips, 2, true);
      for (let g = 0; g < 2; g++) {
        expect(ours[g]!.tiles).toBe(ref[g]!.tiles);
        expect(ours[g]!.tiles).toBeGreaterThan(0);
        expect(maxRelDiff(ref[g]!.amplitude, ours[g]!.amplitude)).toBeLessThan(1e-6);
      }
    });
  }

  // Float32 spectra (the FSC suite's): even rows on forwardPlane32/inversePlane32, odd rows in pairs on
  // forwardPlaneOdd32/inversePlaneOdd32 (an odd ny leaves the last row alone); the z pass on fft32 in blocks
  // of rows with an odd or even half width, radix and Bluestein lengths.
  for (const [nx, ny, nz] of [
    [64, 64, 64],
    [60, 42, 44],
    [22, 27, 14],
    [38, 41, 1],
    [33, 20, 37],
    [35, 27, 9],
    [37, 1, 1],
    [74, 37, 33],
  ] as const) {
    it(`float32 spectrum ${nx}×${ny}×${nz}: the float64 transform to float32 rounding, both kernel sets`, () => {
      const r = rng(nx * 7 + ny * 3 + nz);
      const f = Float32Array.from({ length: nx * ny * nz }, r);
      const mask = Float32Array.from({ length: f.length }, () => Math.abs(r()));
      const ref = rfft3d(f, nx, ny, nz, undefined, mask, TS);
      for (const on of [true, false]) {
        const k = { simd: on };
        const single = rfft3d(f, nx, ny, nz, allocateSpectrum(nx, ny, nz, true), mask, k);
        expect(single.data).toBeInstanceOf(Float32Array);
        const label = on ? 'SIMD' : 'TypeScript';
        // float32 kernels: ~1e-7 of the largest coefficient per pass (a broken split or pass is O(1)).
        expect(maxRelDiff(ref.data, single.data), label).toBeLessThan(on ? 2e-6 : 1e-7);
        const back = irfft3d(single, undefined, k);
        expect(
          maxRelDiff(
            f.map((v, i) => v * mask[i]!),
            back,
          ),
          label,
        ).toBeLessThan(on ? 2e-6 : 1e-6);
      }
    });
  }

  it('masked transform (mask multiplied on the way in) equals the transform of data·mask, both paths', () => {
    const [nx, ny, nz] = [30, 22, 18];
    const r = rng(33);
    const f = Float32Array.from({ length: nx * ny * nz }, r);
    const mask = Float32Array.from({ length: nx * ny * nz }, () => Math.abs(r()) * 2);
    const product = f.map((v, i) => v * mask[i]!);
    for (const on of [true, false]) {
      const a = rfft3d(f, nx, ny, nz, undefined, mask, { simd: on });
      const b = rfft3d(product, nx, ny, nz, undefined, null, { simd: on });
      expect(maxRelDiff(b.data, a.data), on ? 'SIMD' : 'TypeScript').toBeLessThan(1e-6);
    }
  });

  it('a context with SIMD off gets the TypeScript kernels (CRYODX_SIMD=off); on, the one compiled set', () => {
    expect(simdKernels(false)).toBeNull();
    expect(simdKernels(true)).toBe(kernels);
    expect(kernels).not.toBeNull();
  });
});
