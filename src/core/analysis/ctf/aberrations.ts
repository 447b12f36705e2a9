import type { OpticsAberrations } from '../../io/star/aberrations.js';
import { wavelengthA } from '../../model/ctf-physics.js';

/**
 * What CTF refinement's aberrations cost at a resolution: the extra phase they put on the CTF there
 * (uncorrected), so that a user sees whether they matter for the map.
 * - Odd Zernike terms (RELION 3.1, Zernike::Z_cart on spatial frequency in 1/Å; index → (m, n) as RELION's
 *   oddIndexToMN / evenIndexToMN): the largest |phase| over azimuth at |k| = 1/d.
 * - Beam tilt τ (mrad): the coma phase 2π·Cs·λ²·k³·|τ| (Glaeser, Typke et al. 2011; RELION's beam tilt model).
 * - Even terms of order ≥ 4 (spherical aberration beyond Cs, tetrafoil): as the odd ones. Order 2 (defocus,
 *   astigmatism) is per-particle CTF refinement's own business and left out.
 * - Magnification: the singular values of RELION's matrix: anisotropy (s₁/s₂ − 1) and overall scale √(s₁s₂) − 1.
 */
export interface AberrationReading {
  group: number;
  name: string;
  resolutionA: number;
  beamTiltMrad: number | null;
  comaPhaseDeg: number | null;
  oddPhaseDeg: number | null;
  evenHigherOrderPhaseDeg: number | null;
  magAnisotropyPercent: number | null;
  magScalePercent: number | null;
}

export function oddIndexToMN(i: number): [number, number] {
  const k = Math.floor((Math.sqrt(1 + 4 * i) - 1) / 2);
  const n = 2 * k + 1;
  return [2 * (i - (k * k + k)) - n, n];
}

export function evenIndexToMN(i: number): [number, number] {
  const k = Math.floor(Math.sqrt(i));
  return [2 * (i - k * k - k), 2 * k];
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** Zernike radial polynomial R_n^|m|(ρ). */
export function zernikeRadial(m: number, n: number, rho: number): number {
  const am = Math.abs(m);
  if ((n - am) % 2 !== 0) return 0;
  let r = 0;
  for (let k = 0; k <= (n - am) / 2; k++) {
    r +=
      (((k % 2 ? -1 : 1) * factorial(n - k)) /
        (factorial(k) * factorial((n + am) / 2 - k) * factorial((n - am) / 2 - k))) *
      rho ** (n - 2 * k);
  }
  return r;
}

/** Z_n^m(ρ, φ): R·cos(mφ) for m ≥ 0, R·sin(|m|φ) for m < 0 (RELION's convention). */
export function zernike(m: number, n: number, rho: number, phi: number): number {
  return zernikeRadial(m, n, rho) * (m >= 0 ? Math.cos(m * phi) : Math.sin(-m * phi));
}

/**
 * The largest |Σ cᵢ Zᵢ| over azimuth at spatial frequency k (1/Å), in degrees. With `leadingOnly`, each
 * polynomial contributes only its highest power (for even terms of order ≥ 4 the lower powers are a constant
 * phase and defocus or astigmatism, which the per-particle CTF refinement absorbs anyway).
 */
function maxPhaseDeg(
  coeffs: number[],
  toMN: (i: number) => [number, number],
  k: number,
  minOrder = 0,
  leadingOnly = false,
): number {
  let worst = 0;
  for (let a = 0; a < 360; a += 2) {
    const phi = (a * Math.PI) / 180;
    let p = 0;
    coeffs.forEach((c, i) => {
      const [m, n] = toMN(i);
      if (n < minOrder) return;
      const angular = m >= 0 ? Math.cos(m * phi) : Math.sin(-m * phi);
      const am = Math.abs(m);
      const lead = factorial(n) / (factorial((n + am) / 2) * factorial((n - am) / 2));
      p += c * (leadingOnly ? lead * k ** n * angular : zernike(m, n, k, phi));
    });
    worst = Math.max(worst, Math.abs(p));
  }
  return (worst * 180) / Math.PI;
}

export function readAberrations(o: OpticsAberrations, resolutionA: number): AberrationReading {
  const k = 1 / resolutionA;
  const tilt =
    o.beamTiltXMrad !== null && o.beamTiltYMrad !== null ? Math.hypot(o.beamTiltXMrad, o.beamTiltYMrad) : null;
  const coma =
    tilt !== null && o.csMm !== null && o.voltageKv !== null
      ? (2 * Math.PI * o.csMm * 1e7 * wavelengthA(o.voltageKv) ** 2 * k ** 3 * tilt * 1e-3 * 180) / Math.PI
      : null;
  let aniso: number | null = null,
    scale: number | null = null;
  if (o.magMatrix) {
    const [[a, b], [c, d]] = o.magMatrix;
    // Singular values of a 2×2 matrix from its Frobenius norm and determinant.
    const f = a * a + b * b + c * c + d * d,
      det = Math.abs(a * d - b * c);
    const root = Math.sqrt(Math.max(0, f * f - 4 * det * det));
    const s1 = Math.sqrt((f + root) / 2),
      s2 = Math.sqrt(Math.max(0, (f - root) / 2));
    aniso = s2 > 0 ? (s1 / s2 - 1) * 100 : null;
    scale = (Math.sqrt(s1 * s2) - 1) * 100;
  }
  return {
    group: o.group,
    name: o.name,
    resolutionA,
    beamTiltMrad: tilt,
    comaPhaseDeg: coma,
    oddPhaseDeg: o.oddZernike.length ? maxPhaseDeg(o.oddZernike, oddIndexToMN, k) : null,
    evenHigherOrderPhaseDeg: o.evenZernike.length ? maxPhaseDeg(o.evenZernike, evenIndexToMN, k, 4, true) : null,
    magAnisotropyPercent: aniso,
    magScalePercent: scale,
  };
}
