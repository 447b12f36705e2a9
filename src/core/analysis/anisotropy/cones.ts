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
  // Interleaved while summing (count, num, den1, den2 of one cone and shell share a cache line).
  const acc = new Float64Array(4 * D * S);
  const lookup = new AxisLookup(axes, angleRad, 32);
  const cosA = Math.cos(angleRad);
  const { ny, nz, nxh } = a;
  const ad = a.data,
    bd = b.data;
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
        const ar = ad[2 * i]!,
          ai = ad[2 * i + 1]!,
          br = bd[2 * i]!,
          bi = bd[2 * i + 1]!;
        const num = ar * br + ai * bi,
          d1 = ar * ar + ai * ai,
          d2 = br * br + bi * bi;
        const cand = lookup.candidates(ux, uy, uz);
        for (let q = 0; q < cand.length; q++) {
          const d = cand[q]!;
          const dot = ux * axes[3 * d]! + uy * axes[3 * d + 1]! + uz * axes[3 * d + 2]!;
          if (dot < cosA && dot > -cosA) continue;
          const o = 4 * (d * S + s);
          acc[o] = acc[o]! + 1;
          acc[o + 1] = acc[o + 1]! + num;
          acc[o + 2] = acc[o + 2]! + d1;
          acc[o + 3] = acc[o + 3]! + d2;
        }
      }
    }
  }
  const out: ConeSums = {
    count: new Float64Array(D * S),
    num: new Float64Array(D * S),
    den1: new Float64Array(D * S),
    den2: new Float64Array(D * S),
  };
  for (let j = 0; j < D * S; j++) {
    out.count[j] = acc[4 * j]!;
    out.num[j] = acc[4 * j + 1]!;
    out.den1[j] = acc[4 * j + 2]!;
    out.den2[j] = acc[4 * j + 3]!;
  }
  return out;
}

/**
 * The 3D FSC: each voxel of an n³ grid (origin n/2) takes the conical FSC of its nearest axis at its shell.
 * Shells beyond `maxShell` are left at 0 (and not visited): for a caller that needs only the inner ones.
 */
export function fscVolume(
  conical: Float64Array,
  axes: Float64Array,
  S: number,
  n: number,
  angleRad: number,
  maxShell = S - 1,
): Float32Array {
  const out = new Float32Array(n * n * n);
  // A fine grid: a few candidates per voxel (the search angle is small), for 8 M voxels at 256³.
  const lookup = new AxisLookup(axes, Math.min(Math.PI / 2, angleRad), 32);
  const c = n / 2;
  const top = Math.min(S - 1, maxShell);
  // Voxels of shell ≤ top lie within top + ½ of the centre on every axis.
  const lo = Math.max(0, Math.floor(c - top - 1)),
    hi = Math.min(n - 1, Math.ceil(c + top + 1));
  // Only kz ≥ 0 is visited: the other half is filled from it (below).
  for (let z = Math.max(lo, Math.ceil(c)); z <= hi; z++)
    for (let y = lo; y <= hi; y++)
      for (let x = lo; x <= hi; x++) {
        const kx = x - c,
          ky = y - c,
          kz = z - c;
        // Friedel symmetry: fill k and −k together from the half with kz > 0 (or kz = 0, ky > 0 …).
        if (kz < 0 || (kz === 0 && (ky < 0 || (ky === 0 && kx < 0)))) continue;
        const r = Math.sqrt(kx * kx + ky * ky + kz * kz);
        const s = Math.round(r);
        if (s > top) continue;
        let v = 1;
        if (s > 0) {
          let best = -1,
            bestDot = -1;
          const cand = lookup.candidates(kx / r, ky / r, kz / r);
          for (let q = 0; q < cand.length; q++) {
            const d = cand[q]!;
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
