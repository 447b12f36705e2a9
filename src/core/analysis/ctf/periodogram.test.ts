import { describe, expect, it } from 'vitest';
import { signedFrequency } from '../../fourier/rfft3d.js';
import { signedRandom } from '../../util/random.js';
import { tiledAmplitudeSpectrum } from './periodogram.js';

/**
 * Welch's periodogram written out the slow way: every tile's mean subtracted from its pixels, a
 * direct 2D DFT (no FFT), |F|² averaged, square root. The fast path zeroes F(0) instead.
 */
function naiveAmplitude(image: Float32Array, nx: number, origins: [number, number][], box: number): Float64Array {
  const nxh = box / 2 + 1;
  const power = new Float64Array(nxh * box);
  const rowRe = new Float64Array(nxh * box),
    rowIm = new Float64Array(nxh * box);
  for (const [x0, y0] of origins) {
    let mean = 0;
    for (let y = 0; y < box; y++) for (let x = 0; x < box; x++) mean += image[(y0 + y) * nx + x0 + x]!;
    mean /= box * box;
    for (let y = 0; y < box; y++)
      for (let kx = 0; kx < nxh; kx++) {
        let re = 0,
          im = 0;
        for (let x = 0; x < box; x++) {
          const v = image[(y0 + y) * nx + x0 + x]! - mean,
            a = (-2 * Math.PI * kx * x) / box;
          re += v * Math.cos(a);
          im += v * Math.sin(a);
        }
        rowRe[kx + nxh * y] = re;
        rowIm[kx + nxh * y] = im;
      }
    for (let ky = 0; ky < box; ky++)
      for (let kx = 0; kx < nxh; kx++) {
        let re = 0,
          im = 0;
        for (let y = 0; y < box; y++) {
          const a = (-2 * Math.PI * signedFrequency(ky, box) * y) / box,
            c = Math.cos(a),
            s = Math.sin(a);
          re += rowRe[kx + nxh * y]! * c - rowIm[kx + nxh * y]! * s;
          im += rowRe[kx + nxh * y]! * s + rowIm[kx + nxh * y]! * c;
        }
        power[kx + nxh * ky]! += re * re + im * im;
      }
  }
  return power.map((p) => Math.sqrt(p / (origins.length * box * box)));
}

describe('tiled amplitude spectrum (Welch periodogram)', () => {
  // 160 × 112 px in 64-px tiles overlapping by half: x origins 0, 32, 64, 96; y 8, 40 (slack 16 split evenly).
  const [nx, ny, box] = [160, 112, 64];
  const r = signedRandom(5);
  // A large offset and a gradient: what the per-tile mean must remove without leaking into other bins.
  const image = Float32Array.from({ length: nx * ny }, (_, i) => 500 + 0.01 * (i % nx) + r());
  const origins: [number, number][] = [];
  for (const y0 of [8, 40]) for (const x0 of [0, 32, 64, 96]) origins.push([x0, y0]);
  const expected = naiveAmplitude(image, nx, origins, box);
  let peak = 0;
  for (const v of expected) peak = Math.max(peak, v);

  for (const simd of [true, false]) {
    it(`equals mean-subtracted tiles through a direct DFT (${simd ? 'SIMD' : 'TypeScript'} kernels)`, () => {
      const s = tiledAmplitudeSpectrum(image, nx, ny, 1.2, box, simd);
      expect(s.tiles).toBe(origins.length);
      expect(s.box).toBe(box);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(s.amplitude[i]! - expected[i]!));
      // Float32 output; the offset of 500 left in would put ~500·64 into F(0) and its neighbours' leakage.
      expect(worst / peak).toBeLessThan(1e-5);
      expect(s.amplitude[0]).toBe(0);
    });
  }
});

describe('periodogram input', () => {
  it('an odd tile size is refused on both kernel sets (the layout puts the origin at box/2)', () => {
    const image = new Float32Array(256 * 256);
    expect(() => tiledAmplitudeSpectrum(image, 256, 256, 1, 127)).toThrow(/tiles of an even size, got 127/);
  });
});
