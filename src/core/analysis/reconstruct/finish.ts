import {
  allocateReal,
  allocateSpectrum,
  irfft3d,
  rfft3d,
  signedFrequency,
  type FourierCompute,
  type Spectrum,
} from '../../fourier/rfft3d.js';
import type { ProgressContext } from '../../util/progress.js';
import { CancelledError } from '../../util/progress.js';
import type { InsertionGrid } from './grid.js';
import { blobTable } from './kaiser.js';

export interface FinishOptions {
  /** Iterations of the gridding weights (RELION --iter, 10). */
  iterations?: number;
  progress?: ProgressContext;
  /** Threads and kernels for the transforms (the job's compute context). */
  compute?: FourierCompute;
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
  // float32 transforms (the weights are ratios: single precision changes the map by ~1e-7, and halves the
  // memory and the time of the twenty transforms).
  const compute = options.compute;
  const spec = allocateSpectrum(ps, ps, ps, true, compute);
  const fWeight = new Float64Array(spec.nxh * ps * ps);
  decenterWeights(grid, fWeight, spec);
  const inside = insideMask(spec, maxR2);
  const fNew = new Float64Array(fWeight.length);
  setInside(fNew, inside);
  const real = allocateReal(ps * ps * ps, compute);
  const blobInReal = blobFactors(ps, grid.oriSize * grid.pad, blobTable());
  for (let it = 0; it < iterations; it++) {
    if (options.progress?.signal?.aborted) throw new CancelledError();
    options.progress?.report?.(it / (iterations + 2), `gridding weights ${it + 1}/${iterations}`);
    weightedInto(spec.data, fNew, fWeight);
    convolveWithBlob(spec, real, blobInReal, compute);
    divideByConvolved(fNew, spec.data, inside);
  }
  options.progress?.report?.(iterations / (iterations + 2), 'back-transforming');
  const fData = new Float64Array(2 * fWeight.length);
  decenterData(grid, fData, spec);
  scaleComplex(fData, fNew);
  return toRealSpace(grid, fData, spec, compute);
}

// Each pass over the box in a function of its own: V8 optimises a long loop while it runs (OSR), and a function
// with several such loops had its code thrown away at each next loop (decenter alone took 1.3 s at 324³).

function setInside(out: Float64Array, inside: Uint8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = inside[i]!;
}

/** The running weight times the inserted weight, as a (real) spectrum. */
function weightedInto(d: Float32Array | Float64Array, fNew: Float64Array, fWeight: Float64Array): void {
  for (let i = 0; i < fNew.length; i++) {
    d[2 * i] = fNew[i]! * fWeight[i]!;
    d[2 * i + 1] = 0;
  }
}

/** Pipe & Menon eq. 14 inside the sphere: the running weight over |its convolution with the blob| (≥ 1e-6). */
function divideByConvolved(fNew: Float64Array, d: Float32Array | Float64Array, inside: Uint8Array): void {
  for (let i = 0; i < fNew.length; i++) {
    if (!inside[i]) continue;
    const re = d[2 * i]!,
      im = d[2 * i + 1]!;
    fNew[i]! /= Math.max(1e-6, Math.sqrt(re * re + im * im));
  }
}

function scaleComplex(d: Float64Array, w: Float64Array): void {
  for (let i = 0; i < w.length; i++) {
    d[2 * i]! *= w[i]!;
    d[2 * i + 1]! *= w[i]!;
  }
}

/**
 * The box the gridding weights are iterated on. RELION's is pad_size (2·(R + 1) + 1): odd, often prime or with a
 * factor like 17 or 103, where one transform takes several times longer, and twenty are taken. A larger box
 * holds the same weights plus zeros; only where the real-space product wraps around changes, by about the
 * relative growth: FSC against RELION's map at Nyquist 0.998 with pad_size 67, 0.996 with 70, 0.991 with 72
 * (fixtures, 32 px). So: the next size with factors up to 7 when it is within 2 % (323 → 324, 515 → 525,
 * 803 → 810), else pad_size itself, whose transform is then small (up to 160³) or simply paid for.
 */
export function iterationSize(padSize: number): number {
  const smooth = smoothSize(padSize);
  return smooth <= 1.02 * padSize ? smooth : padSize;
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

/**
 * The grid's centred values into FFTW order on the iteration box, inside r² ≤ R² (RELION decenter): the
 * weights, and (decenterData) the complex data.
 */
function decenterWeights(grid: InsertionGrid, out: Float64Array, spec: Spectrum): void {
  out.fill(0);
  forEachRow(grid, spec, (s0, o0, n) => {
    const src = grid.weight;
    for (let j = 0; j < n; j++) out[o0 + j] = src[s0 + j]!;
  });
}

function decenterData(grid: InsertionGrid, out: Float64Array, spec: Spectrum): void {
  out.fill(0);
  forEachRow(grid, spec, (s0, o0, n) => {
    const src = grid.data;
    for (let j = 0; j < 2 * n; j++) out[2 * o0 + j] = src[2 * s0 + j]!;
  });
}

/** Each x row inside the sphere: its first grid index, its first spectrum index, and its length. */
function forEachRow(grid: InsertionGrid, spec: Spectrum, row: (s0: number, o0: number, n: number) => void): void {
  const { nxh, ny, nz } = spec;
  const R = grid.radius,
    maxR2 = R * R;
  const half = grid.half,
    gnx = grid.nx,
    gplane = grid.nx * grid.ny;
  for (let kp = -R; kp <= R; kp++) {
    const k = kp < 0 ? kp + nz : kp;
    for (let ip = -R; ip <= R; ip++) {
      const r2 = kp * kp + ip * ip;
      if (r2 > maxR2) continue;
      const i = ip < 0 ? ip + ny : ip;
      let n = 0;
      while (n < nxh && r2 + n * n <= maxR2) n++;
      row((kp + half) * gplane + (ip + half) * gnx, (k * ny + i) * nxh, n);
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

function convolveWithBlob(spec: Spectrum, real: Float32Array, factors: Float32Array, compute?: FourierCompute): void {
  irfft3d(spec, real, compute);
  for (let i = 0; i < real.length; i++) real[i]! *= factors[i]!;
  rfft3d(real, spec.nx, spec.ny, spec.nz, spec, null, compute);
}

/**
 * windowToOridimRealSpace and griddingCorrect: the pad_size spectrum cut to the padded box (an even size),
 * centred, transformed back, the central box³ kept, scaled as RELION scales it, corners softened, sinc²
 * divided out.
 */
function toRealSpace(grid: InsertionGrid, fData: Float64Array, src: Spectrum, compute?: FourierCompute): Float32Array {
  const ori = grid.oriSize;
  let p2 = Math.round(grid.pad * ori);
  p2 += p2 % 2;
  const dst = allocateSpectrum(p2, p2, p2, true, compute);
  windowCentred(fData, src, dst);
  const big = irfft3d(dst, undefined, compute);
  // irfft3d divides by p2³ where RELION's inverse does not; RELION then divides by pad³·box.
  const out = cropCentre(big, p2, ori, p2 ** 3 / (grid.pad ** 3 * ori));
  softMaskOutside(out, ori);
  griddingCorrect(out, ori, grid.pad);
  return out;
}

/** The iteration box's spectrum cut (or padded) to the padded box, times (−1)^(k+i+j) (CenterFFTbySign). */
function windowCentred(fData: Float64Array, src: Spectrum, dst: Spectrum): void {
  const p2 = dst.nx;
  const d = dst.data;
  const sh = src.nx >> 1;
  const nx = Math.min(dst.nxh, src.nxh);
  for (let k = 0; k < p2; k++) {
    const kp = signedFrequency(k, p2);
    if (Math.abs(kp) > sh) continue;
    const ks = kp < 0 ? kp + src.nz : kp;
    for (let i = 0; i < p2; i++) {
      const ip = signedFrequency(i, p2);
      if (Math.abs(ip) > sh) continue;
      const is = ip < 0 ? ip + src.ny : ip;
      copyRow(fData, 2 * (ks * src.ny + is) * src.nxh, d, 2 * (k * p2 + i) * dst.nxh, nx, (k + i) & 1 ? -1 : 1);
    }
  }
}

function copyRow(
  src: Float64Array,
  s: number,
  d: Float32Array | Float64Array,
  o: number,
  n: number,
  sign: number,
): void {
  for (let j = 0; j < n; j++, sign = -sign) {
    d[o + 2 * j] = sign * src[s + 2 * j]!;
    d[o + 2 * j + 1] = sign * src[s + 2 * j + 1]!;
  }
}

/** The central ori³ of a p2³ map (the padded map's centre p2/2 at ori's ⌊ori/2⌋), scaled. */
function cropCentre(big: Float32Array, p2: number, ori: number, scale: number): Float32Array {
  const out = new Float32Array(ori * ori * ori);
  const first = p2 / 2 - (ori >> 1);
  let o = 0;
  for (let z = 0; z < ori; z++)
    for (let y = 0; y < ori; y++) {
      const row = ((z + first) * p2 + (y + first)) * p2 + first;
      for (let x = 0; x < ori; x++) out[o++] = big[row + x]! * scale;
    }
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
