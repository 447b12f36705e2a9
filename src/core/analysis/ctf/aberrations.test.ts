import { describe, expect, it } from 'vitest';
import { bytesOf, fixture } from '../../../../test/paths.js';
import { readOpticsAberrations } from '../../io/star/aberrations.js';
import { readStar } from '../../io/star/read.js';
import { evenIndexToMN, oddIndexToMN, readAberrations, zernikeRadial } from './aberrations.js';

describe('CTF refinement aberrations', () => {
  it('Zernike indices and radial polynomials as RELION numbers them', () => {
    // RELION 3.1: six odd coefficients = n 1 (m −1, 1), n 3 (m −3, −1, 1, 3); nine even = n 0, 2 (−2, 0, 2), 4 (−4 …
    // 4).
    expect([0, 1, 2, 3, 4, 5].map(oddIndexToMN)).toEqual([
      [-1, 1],
      [1, 1],
      [-3, 3],
      [-1, 3],
      [1, 3],
      [3, 3],
    ]);
    expect([0, 1, 2, 3, 4, 8].map(evenIndexToMN)).toEqual([
      [0, 0],
      [-2, 2],
      [0, 2],
      [2, 2],
      [-4, 4],
      [4, 4],
    ]);
    // R₄⁰ = 6ρ⁴ − 6ρ² + 1, R₃¹ = 3ρ³ − 2ρ (textbook).
    expect(zernikeRadial(0, 4, 0.3)).toBeCloseTo(6 * 0.3 ** 4 - 6 * 0.09 + 1, 12);
    expect(zernikeRadial(1, 3, 0.3)).toBeCloseTo(3 * 0.027 - 0.6, 12);
  });

  it('reads the optics table and prices beam tilt, odd terms and magnification at a resolution', () => {
    const [o] = readOpticsAberrations(readStar(bytesOf(fixture('star', 'ctf_refine_particles.star'))));
    expect(o!.oddZernike).toEqual([0.1, -0.2, 0.5, 0, 0, -0.3]);
    expect(o!.evenZernike).toHaveLength(9);
    const r = readAberrations(o!, 3);
    // Beam tilt (0.6, −0.8) mrad = 1 mrad; coma 2π·Cs·λ²·k³·τ with λ(300 kV) = 0.019687 Å, Cs 2.7e7 Å, k = 1/3 Å⁻¹:
    // 2π · 2.7e7 · 3.8758e-4 · 0.037037 · 1e-3 rad = 2.4352 rad = 139.5°.
    expect(r.beamTiltMrad).toBeCloseTo(1, 12);
    expect(r.comaPhaseDeg).toBeCloseTo(139.5, 0);
    // Magnification diag(1.01, 0.99): anisotropy 1.01/0.99 − 1 = 2.02 %, scale √(0.9999) − 1 = −0.005 %.
    expect(r.magAnisotropyPercent).toBeCloseTo(2.0202, 3);
    expect(r.magScalePercent).toBeCloseTo(-0.005, 3);
    // Odd terms at ρ = 1/3: 0.1·ρ sinφ − 0.2·ρ cosφ + 0.5·ρ³ sin3φ − 0.3·ρ³ cos3φ (Z₃^±1 have zero weight),
    // whose largest magnitude over φ is 5.486° (evaluated on a 0.1° grid outside this code; ours samples every 2°).
    expect(r.oddPhaseDeg).toBeCloseTo(5.486, 1);
  });
});
