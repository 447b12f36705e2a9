import { forEachRow } from '../../fourier/frequencies.js';
import type { Spectrum } from '../../fourier/rfft3d.js';

/**
 * Per-shell sums over the half spectrum, one pass, Float64 accumulators (RELION fftw.cpp getFSC;
 * cisTEM resolution_statistics.cpp). Shell index = round(|k|) with k in box pixels; shells
 * 0 … n/2, voxels beyond the last shell are skipped as RELION does.
 */
export interface ShellSums {
  /** Σ Re(F1·conj F2) */
  num: Float64Array;
  /** Σ |F1|² */
  den1: Float64Array;
  /** Σ |F2|² */
  den2: Float64Array;
  /** Voxels of the stored half spectrum in each shell. */
  count: Float64Array;
  /** Voxels of the full sphere in each shell (Friedel mates counted), for half-bit and 3σ. */
  fullCount: Float64Array;
}

export function shellCount(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Shell index of every stored voxel (−1 beyond the last shell), computed once per box. */
export function shellIndexMap(nx: number, ny: number, nz: number): Int32Array {
  const nxh = Math.floor(nx / 2) + 1;
  const nShells = shellCount(nx);
  const map = new Int32Array(nxh * ny * nz);
  // round(√r²) without a square root per voxel: for an integer r² it is the s with s² − s < r² ≤ s² + s,
  // and along a row r² = x² + ky² + kz² only grows, so s only steps up.
  forEachRow({ ny, nz, nxh }, (first, r2yz) => {
    let s = Math.round(Math.sqrt(r2yz));
    let edge = s * s + s;
    for (let x = 0; x < nxh; x++) {
      const r2 = x * x + r2yz;
      while (r2 > edge) edge = ++s * s + s;
      map[first + x] = s < nShells ? s : -1;
    }
  });
  return map;
}

export function shellSums(a: Spectrum, b: Spectrum, shells: Int32Array): ShellSums {
  const n = shellCount(a.nx);
  const acc = new Float64Array(3 * n);
  const da = a.data,
    db = b.data;
  const nxh = a.nxh;
  // Row by row, so x is known without a division. The three sums of a shell side by side: one cache line
  // per voxel instead of three. The counts depend only on the shell map, so they are counted once per map.
  for (let row = 0; row < shells.length; row += nxh) {
    for (let x = 0, i = row; x < nxh; x++, i++) {
      const s = 3 * shells[i]!;
      if (s < 0) continue;
      const ar = da[2 * i]!,
        ai = da[2 * i + 1]!,
        br = db[2 * i]!,
        bi = db[2 * i + 1]!;
      acc[s] = acc[s]! + (ar * br + ai * bi);
      acc[s + 1] = acc[s + 1]! + (ar * ar + ai * ai);
      acc[s + 2] = acc[s + 2]! + (br * br + bi * bi);
    }
  }
  const num = new Float64Array(n),
    den1 = new Float64Array(n),
    den2 = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    num[s] = acc[3 * s]!;
    den1[s] = acc[3 * s + 1]!;
    den2[s] = acc[3 * s + 2]!;
  }
  const { count, fullCount } = shellCounts(shells, a.nx, nxh, n);
  return { num, den1, den2, count: count.slice(), fullCount: fullCount.slice() };
}

const countsOf = new WeakMap<Int32Array, { count: Float64Array; fullCount: Float64Array }>();

/** Voxels per shell of a shell map, stored and over the full sphere; counted once per map (maps are not changed). */
function shellCounts(
  shells: Int32Array,
  nx: number,
  nxh: number,
  n: number,
): { count: Float64Array; fullCount: Float64Array } {
  const known = countsOf.get(shells);
  if (known && known.count.length === n) return known;
  const count = new Float64Array(n),
    fullCount = new Float64Array(n);
  const nyquistX = nx % 2 === 0 ? nxh - 1 : -1;
  for (let row = 0; row < shells.length; row += nxh)
    for (let x = 0, i = row; x < nxh; x++, i++) {
      const s = shells[i]!;
      if (s < 0) continue;
      count[s] = count[s]! + 1;
      fullCount[s] = fullCount[s]! + (x === 0 || x === nyquistX ? 1 : 2);
    }
  const counts = { count, fullCount };
  countsOf.set(shells, counts);
  return counts;
}

/** FSC per shell; shell 0 is 1 by convention (RELION); an empty or zero-power shell is NaN. */
export function fscFromSums(s: ShellSums): Float64Array {
  const fsc = new Float64Array(s.num.length);
  for (let i = 0; i < fsc.length; i++) {
    const d = Math.sqrt(s.den1[i]! * s.den2[i]!);
    fsc[i] = s.count[i]! > 0 && d > 0 ? s.num[i]! / d : NaN;
  }
  fsc[0] = 1;
  return fsc;
}
