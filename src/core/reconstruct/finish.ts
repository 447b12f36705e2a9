import { allocateReal, allocateSpectrum, irfft3d, rfft3d, signedFrequency, type Spectrum } from '../fourier/rfft3d.js';
import type { ProgressContext } from '../util/progress.js';
import { CancelledError } from '../util/progress.js';
import type { InsertionGrid } from './grid.js';
import { blobTable } from './kaiser.js';

export interface FinishOptions {
  /** Iterations of the gridding weights (RELION --iter, 10). */
  iterations?: number;
  progress?: ProgressContext;
}

/**
 * The map from a grid of summed data and weights, as RELION's BackProjector::reconstruct without a prior:
 * gridding weights iterated as Pipe & Menon (1999) eq. 14 — the weights convolved with the blob through
 * real space on the pad_size grid, the running weight divided by the result — then the data times those
 * weights, windowed to the padded box, transformed back, cropped to the box, normalised by pad³·box, its
 * corners softly set to the mean outside the sphere (softMaskOutsideMap, 3 px), and divided by sinc²
 * (trilinear interpolation's transform, griddingCorrect). The grid must already be symmetrised.
 * Returns the box³ map, x fastest.
 */
export function finishReconstruction(grid: InsertionGrid, options: FinishOptions = {}): Float32Array {
  const iterations = options.iterations ?? 10;
  const ps = iterationSize(grid.padSize);
  const maxR2 = grid.radius * grid.radius;
  const spec = allocateSpectrum(ps, ps, ps);
  const fWeight = new Float64Array(spec.nxh * ps * ps);
  decenter(grid, grid.weight, 1, fWeight, spec);
  const fNew = new Float64Array(fWeight.length);
  const inside = insideMask(spec, maxR2);
  for (let i = 0; i < fNew.length; i++) fNew[i] = inside[i]! ? 1 : 0;
  const real = allocateReal(ps * ps * ps);
  const blob = blobTable();
  const blobInReal = blobFactors(ps, grid.oriSize * grid.pad, blob);
  for (let it = 0; it < iterations; it++) {
    if (options.progress?.signal?.aborted) throw new CancelledError();
    options.progress?.report?.(it / (iterations + 2), `gridding weights ${it + 1}/${iterations}`);
    const d = spec.data;
    for (let i = 0; i < fNew.length; i++) {
      d[2 * i] = fNew[i]! * fWeight[i]!;
      d[2 * i + 1] = 0;
    }
    convolveWithBlob(spec, real, blobInReal);
    for (let i = 0; i < fNew.length; i++) {
      if (!inside[i]) continue;
      const w = Math.max(1e-6, Math.hypot(d[2 * i]!, d[2 * i + 1]!));
      fNew[i]! /= w;
    }
  }
  options.progress?.report?.(iterations / (iterations + 2), 'back-transforming');
  const fData = new Float64Array(2 * fWeight.length);
  decenter(grid, grid.data, 2, fData, spec);
  for (let i = 0; i < fNew.length; i++) {
    fData[2 * i]! *= fNew[i]!;
    fData[2 * i + 1]! *= fNew[i]!;
  }
  return toRealSpace(grid, fData, spec);
}

/**
 * The box the gridding weights are iterated on: RELION's pad_size (2·(R + 1) + 1) where its FFT has direct
 * radices only, else the next size with factors 2, 3, 5 and 7 (pad_size is often prime or has a large prime
 * factor, where the transform takes a chirp-z convolution, several times slower). The larger box holds the same
 * weights plus zeros; only where the real-space product wraps around changes (FSC against RELION's map
 * ≥ 0.998 of the exact box's in every shell on the fixtures).
 */
export function iterationSize(padSize: number): number {
  return largestPrimeFactor(padSize) <= 31 ? padSize : smoothSize(padSize);
}

function largestPrimeFactor(n: number): number {
  let largest = 1;
  for (let p = 2; p * p <= n; p++)
    while (n % p === 0) {
      largest = p;
      n /= p;
    }
  return Math.max(largest, n);
}

function smoothSize(n: number): number {
  for (let m = n; ; m++) if (largestPrimeFactor(m) <= 7) return m;
}

/** The grid's centred values into FFTW order on the pad_size box, inside r² ≤ R² (RELION decenter). */
function decenter(grid: InsertionGrid, src: Float32Array, stride: 1 | 2, out: Float64Array, spec: Spectrum): void {
  const { nxh, ny, nz } = spec;
  const maxR2 = grid.radius * grid.radius;
  const half = grid.half,
    gnx = grid.nx,
    gplane = grid.nx * grid.ny;
  out.fill(0);
  for (let k = 0; k < nz; k++) {
    const kp = signedFrequency(k, nz);
    for (let i = 0; i < ny; i++) {
      const ip = signedFrequency(i, ny);
      for (let j = 0; j < nxh; j++) {
        if (kp * kp + ip * ip + j * j > maxR2) continue;
        const s = (kp + half) * gplane + (ip + half) * gnx + j;
        const o = (k * ny + i) * nxh + j;
        if (stride === 1) out[o] = src[s]!;
        else {
          out[2 * o] = src[2 * s]!;
          out[2 * o + 1] = src[2 * s + 1]!;
        }
      }
    }
  }
}

function insideMask(spec: Spectrum, maxR2: number): Uint8Array {
  const { nxh, ny, nz } = spec;
  const m = new Uint8Array(nxh * ny * nz);
  for (let k = 0; k < nz; k++) {
    const kp = signedFrequency(k, nz);
    for (let i = 0; i < ny; i++) {
      const ip = signedFrequency(i, ny);
      for (let j = 0; j < nxh; j++) if (kp * kp + ip * ip + j * j < maxR2) m[(k * ny + i) * nxh + j] = 1;
    }
  }
  return m;
}

/**
 * The blob's transform at each real-space voxel of the pad_size box, with RELION's wrap (index k < ⌊ps/2⌋ is
 * k, else k − ps) and radius in units of the padded box (convoluteBlobRealSpace).
 */
function blobFactors(ps: number, paddedBox: number, blob: (w: number) => number): Float32Array {
  const h = ps >> 1;
  const wrap = (k: number): number => (k < h ? k : k - ps);
  const out = new Float32Array(ps * ps * ps);
  let o = 0;
  for (let k = 0; k < ps; k++) {
    const kp = wrap(k);
    for (let i = 0; i < ps; i++) {
      const ip = wrap(i);
      for (let j = 0; j < ps; j++) {
        const jp = wrap(j);
        out[o++] = blob(Math.sqrt(kp * kp + ip * ip + jp * jp) / paddedBox);
      }
    }
  }
  return out;
}

function convolveWithBlob(spec: Spectrum, real: Float32Array, factors: Float32Array): void {
  irfft3d(spec, real);
  for (let i = 0; i < real.length; i++) real[i]! *= factors[i]!;
  rfft3d(real, spec.nx, spec.ny, spec.nz, spec);
}

/**
 * windowToOridimRealSpace and griddingCorrect: the pad_size spectrum cut to the padded box (an even size),
 * centred, transformed back, the central box³ kept, scaled as RELION scales it, corners softened, sinc²
 * divided out.
 */
function toRealSpace(grid: InsertionGrid, fData: Float64Array, src: Spectrum): Float32Array {
  const ori = grid.oriSize;
  let p2 = Math.round(grid.pad * ori);
  p2 += p2 % 2;
  const dst = allocateSpectrum(p2, p2, p2);
  const d = dst.data;
  const sh = src.nx >> 1;
  for (let k = 0; k < p2; k++) {
    const kp = signedFrequency(k, p2);
    if (Math.abs(kp) > sh) continue;
    const ks = kp < 0 ? kp + src.nz : kp;
    for (let i = 0; i < p2; i++) {
      const ip = signedFrequency(i, p2);
      if (Math.abs(ip) > sh) continue;
      const is = ip < 0 ? ip + src.ny : ip;
      for (let j = 0; j < dst.nxh && j < src.nxh; j++) {
        const s = (ks * src.ny + is) * src.nxh + j;
        const o = (k * p2 + i) * dst.nxh + j;
        // CenterFFTbySign: the padded map's centre at p2/2.
        const sign = (k + i + j) & 1 ? -1 : 1;
        d[2 * o] = sign * fData[2 * s]!;
        d[2 * o + 1] = sign * fData[2 * s + 1]!;
      }
    }
  }
  const big = irfft3d(dst);
  // irfft3d divides by p2³ where RELION's inverse does not; RELION then divides by pad³·box.
  const scale = p2 ** 3 / (grid.pad ** 3 * ori);
  const out = new Float32Array(ori * ori * ori);
  const first = p2 / 2 - (ori >> 1);
  let o = 0;
  for (let z = 0; z < ori; z++)
    for (let y = 0; y < ori; y++) {
      const row = ((z + first) * p2 + (y + first)) * p2 + first;
      for (let x = 0; x < ori; x++) out[o++] = big[row + x]! * scale;
    }
  softMaskOutside(out, ori);
  griddingCorrect(out, ori, grid.pad);
  return out;
}

/** RELION's softMaskOutsideMap with its defaults: radius box/2, a 3-px raised cosine to the mean outside. */
export function softMaskOutside(v: Float32Array, ori: number, widthPx = 3): void {
  const radius = ori / 2;
  const outer = radius + widthPx;
  const c = ori >> 1;
  let sum = 0,
    sumBg = 0;
  forEachRadius(ori, c, (i, r) => {
    if (r < radius) return;
    const w = r > outer ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (outer - r)) / widthPx);
    sum += w;
    sumBg += w * v[i]!;
  });
  if (sum === 0) return;
  const bg = sumBg / sum;
  forEachRadius(ori, c, (i, r) => {
    if (r < radius) return;
    const w = r > outer ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (outer - r)) / widthPx);
    v[i] = (1 - w) * v[i]! + w * bg;
  });
}

function griddingCorrect(v: Float32Array, ori: number, pad: number): void {
  const c = ori >> 1;
  forEachRadius(ori, c, (i, r) => {
    if (r === 0) return;
    const x = (Math.PI * r) / (ori * pad);
    const s = Math.sin(x) / x;
    v[i]! /= s * s;
  });
}

function forEachRadius(n: number, c: number, f: (index: number, r: number) => void): void {
  let i = 0;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++, i++) f(i, Math.sqrt((z - c) ** 2 + (y - c) ** 2 + (x - c) ** 2));
}
