import type { Spectrum } from '../../fourier/rfft3d.js';
import { signedFrequency } from '../../fourier/rfft3d.js';
import { AxisLookup } from './directions.js';

/** Cones over a half spectrum: their FSC sums in one pass, and the 3D FSC volume from conical curves. */
export const MIN_CONE_VOXELS = 30;

export interface ConeSums {
  count: Float64Array;
  num: Float64Array;
  den1: Float64Array;
  den2: Float64Array;
}

/** One pass over the half spectrum; each voxel (and its Friedel mate) adds to every cone within the angle. */
export function coneSums(a: Spectrum, b: Spectrum, axes: Float64Array, angleRad: number, S: number): ConeSums {
  const D = axes.length / 3;
  const out: ConeSums = {
    count: new Float64Array(D * S),
    num: new Float64Array(D * S),
    den1: new Float64Array(D * S),
    den2: new Float64Array(D * S),
  };
  const lookup = new AxisLookup(axes, angleRad, 32);
  const cosA = Math.cos(angleRad);
  const { nx, ny, nz, nxh } = a;
  const { count, num: numS, den1: den1S, den2: den2S } = out;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      for (let x = 0; x < nxh; x++, i++) {
        const r = Math.sqrt(x * x + ky * ky + kz * kz);
        const s = Math.round(r);
        if (s === 0 || s >= S) continue;
        const ux = x / r,
          uy = ky / r,
          uz = kz / r;
        const ar = a.data[2 * i]!,
          ai = a.data[2 * i + 1]!,
          br = b.data[2 * i]!,
          bi = b.data[2 * i + 1]!;
        const num = ar * br + ai * bi,
          d1 = ar * ar + ai * ai,
          d2 = br * br + bi * bi;
        const cand = lookup.candidates(ux, uy, uz);
        for (let q = 0; q < cand.length; q++) {
          const d = cand[q]!;
          const dot = ux * axes[3 * d]! + uy * axes[3 * d + 1]! + uz * axes[3 * d + 2]!;
          if (dot < cosA && dot > -cosA) continue;
          const o = d * S + s;
          count[o] = count[o]! + 1;
          numS[o] = numS[o]! + num;
          den1S[o] = den1S[o]! + d1;
          den2S[o] = den2S[o]! + d2;
        }
      }
    }
  }
  void nx;
  return out;
}

/** The 3D FSC: each voxel of an n³ grid (origin n/2) takes the conical FSC of its nearest axis at its shell. */
export function fscVolume(
  conical: Float64Array,
  axes: Float64Array,
  S: number,
  n: number,
  angleRad: number,
): Float32Array {
  const out = new Float32Array(n * n * n);
  const lookup = new AxisLookup(axes, Math.min(Math.PI / 2, angleRad));
  const c = n / 2;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const kx = x - c,
          ky = y - c,
          kz = z - c;
        // Friedel symmetry: fill k and −k together from the half with kz > 0 (or kz = 0, ky > 0 …).
        if (kz < 0 || (kz === 0 && (ky < 0 || (ky === 0 && kx < 0)))) continue;
        const r = Math.sqrt(kx * kx + ky * ky + kz * kz);
        const s = Math.round(r);
        if (s >= S) continue;
        let v = 1;
        if (s > 0) {
          let best = -1,
            bestDot = -1;
          for (const d of lookup.candidates(kx / r, ky / r, kz / r)) {
            const dot = Math.abs(kx * axes[3 * d]! + ky * axes[3 * d + 1]! + kz * axes[3 * d + 2]!) / r;
            if (dot > bestDot) {
              bestDot = dot;
              best = d;
            }
          }
          v = best >= 0 ? conical[best * S + s]! : 0;
        }
        out[x + n * (y + n * z)] = v;
        const mx = c - kx,
          my = c - ky,
          mz = c - kz;
        if (mx < n && my < n && mz < n) out[mx + n * (my + n * mz)] = v;
      }
  return out;
}
