import { describe, expect, it } from 'vitest';
import { signedFrequency } from '../../fourier/rfft3d.js';
import { simdKernels } from '../../fourier/simd.js';
import { seededRandom } from '../../util/random.js';
import { annulus, chiConstants, modelSquared, type Annulus } from './fit-model.js';
import { fitQuality } from './fit-quality.js';
import { normalizeSpectrum, spectrumGrid } from './spectrum.js';

describe('spectrum grid', () => {
  it.each([64, 65])(
    'box %i: radius, radial bin and 2α of every half-plane sample as hypot and atan2 give them',
    (box) => {
      const g = spectrumGrid(box);
      let worst = 0;
      for (let y = 0; y < box; y++) {
        const fy = signedFrequency(y, box);
        for (let x = 0; x < g.nxh; x++) {
          const i = x + g.nxh * y,
            a = 2 * Math.atan2(fy, x);
          expect(g.radius[i]).toBeCloseTo(Math.hypot(x, fy), 4);
          expect(g.bin[i]).toBe(Math.round(Math.hypot(x, fy)));
          worst = Math.max(worst, Math.abs(g.cos2[i]! - Math.cos(a)), Math.abs(g.sin2[i]! - Math.sin(a)));
        }
      }
      // float32 storage: within a few ulps of 1.
      expect(worst).toBeLessThan(2e-7);
      expect([g.cos2[0], g.sin2[0]]).toEqual([1, 0]);
    },
  );
});

describe('background subtraction on the WebAssembly kernels', () => {
  const c = chiConstants({ voltageKv: 300, csMm: 2.7, amplitudeContrast: 0.07, pixelSizeA: 1.1 });
  const p = { meanDefocusA: 14000, astigmatismXA: 600, astigmatismYA: -250, phaseShiftRad: 0.2, thicknessA: 0 };

  /** Falling background, Thon rings of the model above, noise. */
  function spectrum(box: number, seed: number): Float32Array {
    const g = spectrumGrid(box, false);
    const ctf2 = modelSquared(c, p, g, 1.1);
    const r = seededRandom(seed);
    return Float32Array.from(g.radius, (rad, i) => 50 / (1 + rad / 8) + (3 * ctf2[i]!) / (1 + rad / 40) + r() - 0.5);
  }

  it.each([96, 128])('box %i: the same bits as the TypeScript passes, with and without a model', (box) => {
    const amplitude = spectrum(box, box);
    const width = (b: number): number => Math.max(3, b / 6);
    const run = (simd: boolean, withModel: boolean): unknown[] => {
      const g = spectrumGrid(box, simd);
      const model = withModel ? modelSquared(c, p, g, 1.1) : undefined;
      const n = normalizeSpectrum(amplitude, g, width, model);
      return [model, n.values, n.binWeight, n.ringAmplitude];
    };
    for (const withModel of [false, true]) {
      const ref = run(false, withModel);
      expect(run(true, withModel)).toEqual(ref);
      // The reference is not trivial: normalised values of unit order, rings found with the model.
      const values = ref[1] as Float32Array;
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(1);
      if (withModel) expect(Math.max(...(ref[3] as Float64Array))).toBeGreaterThan(0.5);
    }
  });

  it('the score’s annulus and the equi-phase average: the same bits, two parts at different defocus', () => {
    const width = (b: number): number => Math.max(3, b / 6);
    const amplitudes = [spectrum(128, 20), spectrum(128, 21)];
    const run = (simd: boolean): unknown[] => {
      const g = spectrumGrid(128, simd);
      const model = modelSquared(c, p, g, 1.1);
      const parts = amplitudes.map((amplitude, i) => ({
        spectrum: normalizeSpectrum(amplitude, g, width, model),
        offsetA: i ? -800 : 350,
      }));
      const ring = annulus(g, parts, 1.1, 1 / 30, 1 / 4);
      const norm = parts.map((q) => ({ values: q.spectrum.values, offsetA: q.offsetA }));
      // The samples (not the kernels they name) compared.
      return [[ring.k2, ring.offset, ring.cos2, ring.sin2, ring.value], fitQuality(c, p, g, norm, 1.1, 1 / 30)];
    };
    const ref = run(false);
    expect(run(true)).toEqual(ref);
    // Not vacuous: both parts gathered, and the profile follows the rings.
    const [[k2, offset], quality] = ref as [Annulus[keyof Annulus][], ReturnType<typeof fitQuality>];
    expect((k2 as Float64Array).length).toBeGreaterThan(2000);
    expect(new Set(offset as Float32Array).size).toBe(2);
    expect(quality.fitResolutionA).toBeLessThan(15);
    expect(quality.profile.data.filter((v) => v !== 0).length).toBeGreaterThan(20);
  });

  it('gives back what it takes of the kernels’ memory', () => {
    const k = simdKernels()!;
    const g = spectrumGrid(128, true);
    expect(g.kernels).toBe(k);
    const amplitude = spectrum(128, 7);
    normalizeSpectrum(amplitude, g, () => 4, modelSquared(c, p, g, 1.1));
    const top = k.mark();
    for (let i = 0; i < 5; i++) normalizeSpectrum(amplitude, g, () => 4, modelSquared(c, p, g, 1.1));
    expect(k.mark()).toBe(top);
  });
});
