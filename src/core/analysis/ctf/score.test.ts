import { describe, expect, it } from 'vitest';
import { simdKernels } from '../../fourier/simd.js';
import { seededRandom } from '../../util/random.js';
import { chiConstants, correlation, type Annulus } from './fit-model.js';

function annulus(n: number, seed: number): Annulus {
  const r = seededRandom(seed);
  const a: Annulus = {
    k2: new Float64Array(n),
    offset: new Float32Array(n),
    cos2: new Float32Array(n),
    sin2: new Float32Array(n),
    value: new Float32Array(n),
    kernels: null,
  };
  for (let i = 0; i < n; i++) {
    const k = 1 / 30 + r() * (1 / 4 - 1 / 30);
    const t = r() * Math.PI;
    a.k2[i] = k * k;
    a.offset[i] = (r() - 0.5) * 2000;
    a.cos2[i] = Math.cos(2 * t);
    a.sin2[i] = Math.sin(2 * t);
    a.value[i] = r() - 0.5;
  }
  return a;
}

describe('CTF fit score on the WebAssembly kernels', () => {
  const c = chiConstants({ voltageKv: 300, csMm: 2.7, amplitudeContrast: 0.07, pixelSizeA: 0.83 });
  it('equals the TypeScript loop (every stride, odd and even sample counts, two annuli in turn)', () => {
    const annuli = [annulus(10597, 1), annulus(4000, 2)];
    for (const [meanDefocusA, ax, ay, phase] of [
      [15000, 300, -120, 0],
      [42000, -2500, 900, 1.2],
      [5000, 0, 0, 0.3],
    ] as const) {
      const p = { meanDefocusA, astigmatismXA: ax, astigmatismYA: ay, phaseShiftRad: phase, thicknessA: 0 };
      for (const a of annuli)
        for (const stride of [1, 2, 3]) {
          const ref = correlation(c, p, { ...a, kernels: null }, stride);
          const ours = correlation(c, p, { ...a, kernels: simdKernels() }, stride);
          expect(Math.abs(ours - ref), `stride ${stride}`).toBeLessThan(1e-12);
          expect(Math.abs(ref)).toBeGreaterThan(0);
        }
    }
  });

  it('a model that matches the data scores 1', () => {
    const a = annulus(2001, 3);
    const p = { meanDefocusA: 20000, astigmatismXA: 400, astigmatismYA: 100, phaseShiftRad: 0, thicknessA: 0 };
    // value = the model itself
    for (let i = 0; i < a.k2.length; i++) {
      const df = p.meanDefocusA + a.offset[i]! + 0.5 * (p.astigmatismXA * a.cos2[i]! + p.astigmatismYA * a.sin2[i]!);
      const k2 = a.k2[i]!;
      a.value[i] = -Math.cos(2 * (c.a * k2 * (df - c.b * k2) + c.phase0));
    }
    expect(correlation(c, p, { ...a, kernels: simdKernels() })).toBeCloseTo(1, 6);
  });
});
