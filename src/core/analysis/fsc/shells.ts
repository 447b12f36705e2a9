import { forEachFrequency } from '../../fourier/frequencies.js';
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
  forEachFrequency({ ny, nz, nxh }, (i, r2) => {
    const s = Math.round(Math.sqrt(r2));
    map[i] = s < nShells ? s : -1;
  });
  return map;
}

export function shellSums(a: Spectrum, b: Spectrum, shells: Int32Array): ShellSums {
  const n = shellCount(a.nx);
  const out: ShellSums = {
    num: new Float64Array(n),
    den1: new Float64Array(n),
    den2: new Float64Array(n),
    count: new Float64Array(n),
    fullCount: new Float64Array(n),
  };
  const { num, den1, den2, count, fullCount } = out;
  const da = a.data,
    db = b.data;
  const nxh = a.nxh;
  const nyquistX = a.nx % 2 === 0 ? nxh - 1 : -1;
  // Row by row, so x is known without a division; the counts depend only on the shell map.
  for (let row = 0; row < shells.length; row += nxh) {
    for (let x = 0, i = row; x < nxh; x++, i++) {
      const s = shells[i]!;
      if (s < 0) continue;
      const ar = da[2 * i]!,
        ai = da[2 * i + 1]!,
        br = db[2 * i]!,
        bi = db[2 * i + 1]!;
      num[s] = num[s]! + (ar * br + ai * bi);
      den1[s] = den1[s]! + (ar * ar + ai * ai);
      den2[s] = den2[s]! + (br * br + bi * bi);
      count[s] = count[s]! + 1;
      fullCount[s] = fullCount[s]! + (x === 0 || x === nyquistX ? 1 : 2);
    }
  }
  return out;
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
