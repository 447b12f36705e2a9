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
  /** Work arrays kept from one finish to the next of the same job (the two halves, ResLog's sizes). */
  scratch?: FinishScratch;
}

/**
 * Work arrays kept between the finishes of one job or one worker: a fresh array costs more than the arithmetic
 * done in it. On the project's machine the first touch of 250 MB (a 128-px box's transforms at pad 2) took 0.7 s
 * of page faults, touching it again 0.01 s — a third of a 256³ finish. The caller owns it and drops it with the
 * job (nothing is kept in a module); one array per role and size, a new size replacing the old.
 */
export class FinishScratch {
  private readonly kept = new Map<string, { key: string; value: unknown }>();

  take<T>(role: string, key: string, make: () => T): T {
    const got = this.kept.get(role);
    if (got?.key === key) return got.value as T;
    this.kept.delete(role);
    const value = make();
    this.kept.set(role, { key, value });
    return value;
  }
}

/**
 * The map from a grid of summed data and weights, as RELION's BackProjector::reconstruct without a prior:
 * gridding weights iterated as Pipe & Menon (1999) eq. 14 — the weights convolved with the blob through
 * real space on the pad_size grid, the running weight divided by the result — then the data times those
 * weights, windowed to the padded box, transformed back, cropped to the box, normalised by pad³·box, its
 * corners softly set to the mean outside the sphere (softMaskOutsideMap, 3 px), and divided by sinc²
 * (trilinear interpolation's transform, griddingCorrect). The grid must already be symmetrised.
 * Returns the box³ map, x fastest.
 *
 * Only voxels with r < R are ever non-zero in the weights (RELION sets the rest to zero), so the weights live
 * in a compact array of the sphere's x rows (about half the spectrum), and each iteration is one pass over
 * them plus the two transforms; the blob's real-space factor is applied inside the forward transform.
 */
export function finishReconstruction(grid: InsertionGrid, options: FinishOptions = {}): Float32Array {
  const iterations = options.iterations ?? 10;
  const ps = iterationSize(grid.padSize);
  // float32 transforms and weights (the weights are ratios: single precision changes the map by ~1e-7, and
  // halves the memory and the time of the twenty transforms).
  const compute = options.compute;
  const keep = options.scratch ?? new FinishScratch();
  const pooled = compute?.fft ? 'shared' : 'own';
  const spec = keep.take('spectrum', `${ps}:${pooled}`, () => allocateSpectrum(ps, ps, ps, true, compute));
  const rows = sphereRows(grid, spec.nxh, ps, ps);
  const fWeight = gatherWeights(
    grid,
    rows,
    keep.take('weights', `${rows.voxels}`, () => new Float32Array(rows.voxels)),
  );
  // float64: where a neighbourhood holds no weight the running weight grows ×1e6 per iteration (RELION's clamp),
  // past float32's range within ten iterations (a sparse subset then gave a map of NaN).
  const fNew = keep.take('running', `${rows.voxels}`, () => new Float64Array(rows.voxels)).fill(1);
  const real = keep.take('real', `${ps}:${pooled}`, () => allocateReal(ps * ps * ps, compute));
  const blobInReal = blobFactors(ps, grid.oriSize * grid.pad, compute);
  for (let it = 0; it < iterations; it++) {
    if (options.progress?.signal?.aborted) throw new CancelledError();
    options.progress?.report?.(it / (iterations + 2), `gridding weights ${it + 1}/${iterations}`);
    writeWeighted(spec.data, rows, fNew, fWeight);
    irfft3d(spec, real, compute);
    rfft3d(real, ps, ps, ps, spec, blobInReal, compute);
    divideByConvolved(fNew, spec.data, rows);
  }
  options.progress?.report?.(iterations / (iterations + 2), 'back-transforming');
  return toRealSpace(grid, rows, fNew, real, keep, compute);
}

// Each pass over the box in a function of its own: V8 optimises a long loop while it runs (OSR), and a function
// with several such loops had its code thrown away at each next loop (decenter alone took 1.3 s at 324³).

/**
 * The x rows of the sphere r² < R², as triplets: first grid index (RELION's centred layout), first index in
 * a spectrum of nxh × ny × nz (FFTW order), length. Rows are in increasing spectrum order.
 */
export interface SphereRows {
  /** [gridIndex, spectrumIndex, length] per row. */
  readonly triplets: Int32Array;
  /** Σ lengths: the compact arrays' size. */
  readonly voxels: number;
  /** Signed (kz, ky) of each row. */
  readonly kzky: Int32Array;
}

export function sphereRows(grid: InsertionGrid, nxh: number, ny: number, nz: number): SphereRows {
  const R = grid.radius,
    maxR2 = R * R;
  const triplets: number[] = [];
  const kzky: number[] = [];
  let voxels = 0;
  // Spectrum order: kz = 0 … R, then −R … −1 (index nz − R …); likewise ky within each plane.
  const order = (): number[] => [
    ...Array.from({ length: R + 1 }, (_, i) => i),
    ...Array.from({ length: R }, (_, i) => i - R),
  ];
  const zs = order(),
    ys = order();
  for (const kp of zs) {
    const k = kp < 0 ? kp + nz : kp;
    for (const ip of ys) {
      const r2 = kp * kp + ip * ip;
      if (r2 >= maxR2) continue;
      const i = ip < 0 ? ip + ny : ip;
      let n = 0;
      while (n < nxh && r2 + n * n < maxR2) n++;
      triplets.push((kp + grid.half) * grid.nx * grid.ny + (ip + grid.half) * grid.nx, (k * ny + i) * nxh, n);
      kzky.push(kp, ip);
      voxels += n;
    }
  }
  return { triplets: Int32Array.from(triplets), voxels, kzky: Int32Array.from(kzky) };
}

/** The inserted weights inside the sphere, compact (RELION decenter of the weight array), into `out`. */
function gatherWeights(grid: InsertionGrid, rows: SphereRows, out: Float32Array): Float32Array {
  const t = rows.triplets,
    w = grid.weight;
  for (let r = 0, c = 0; r < t.length; r += 3) {
    const s0 = t[r]!,
      n = t[r + 2]!;
    for (let j = 0; j < n; j++) out[c++] = w[s0 + j]!;
  }
  return out;
}

/** The spectrum to convolve: running weight × inserted weight inside the sphere (real), zero elsewhere. */
function writeWeighted(
  d: Float32Array | Float64Array,
  rows: SphereRows,
  fNew: Float64Array,
  fWeight: Float32Array,
): void {
  const t = rows.triplets;
  let end = 0;
  for (let r = 0, c = 0; r < t.length; r += 3) {
    const o0 = 2 * t[r + 1]!,
      n = t[r + 2]!;
    d.fill(0, end, o0);
    for (let j = 0; j < n; j++, c++) {
      d[o0 + 2 * j] = fNew[c]! * fWeight[c]!;
      d[o0 + 2 * j + 1] = 0;
    }
    end = o0 + 2 * n;
  }
  d.fill(0, end);
}

/** Pipe & Menon eq. 14 inside the sphere: the running weight over |its convolution with the blob| (≥ 1e-6). */
function divideByConvolved(fNew: Float64Array, d: Float32Array | Float64Array, rows: SphereRows): void {
  const t = rows.triplets;
  for (let r = 0, c = 0; r < t.length; r += 3) {
    const o0 = 2 * t[r + 1]!,
      n = t[r + 2]!;
    for (let j = 0; j < n; j++, c++) {
      const re = d[o0 + 2 * j]!,
        im = d[o0 + 2 * j + 1]!;
      fNew[c]! /= Math.max(1e-6, Math.sqrt(re * re + im * im));
    }
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
  // (5 % where pad_size needs Bluestein's transform was tried: 67 → 70 moved the real betagal postprocess B from
  // RELION's −165.4 to −159.3 Å². Parity first.)
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

/** The last factors made, kept: the two halves and every ResLog size finish on the same box. */
let lastBlob: { key: string; factors: Float32Array } | null = null;

/**
 * The blob's transform at each real-space voxel of the pad_size box, with RELION's wrap (index k < ⌊ps/2⌋ is
 * k, else k − ps) and radius in units of the padded box (convoluteBlobRealSpace).
 */
export function blobFactors(ps: number, paddedBox: number, compute?: FourierCompute): Float32Array {
  const key = `${ps}:${paddedBox}`;
  if (lastBlob?.key === key) return lastBlob.factors;
  const blob = blobTable();
  const h = ps >> 1;
  const wrap = (k: number): number => (k < h ? k : k - ps);
  const jj = Float64Array.from({ length: ps }, (_, j) => wrap(j) ** 2);
  const out = allocateReal(ps * ps * ps, compute);
  const scale = 1 / paddedBox;
  for (let k = 0; k < ps; k++)
    for (let i = 0; i < ps; i++) blobRow(out, (k * ps + i) * ps, jj[k]! + jj[i]!, jj, scale, blob);
  lastBlob = { key, factors: out };
  return out;
}

/** One x row; the wrap makes it symmetric (index j and ps − j are ±j), so half of it is computed. */
function blobRow(
  out: Float32Array,
  o: number,
  r2: number,
  jj: Float64Array,
  scale: number,
  blob: (w: number) => number,
): void {
  const ps = jj.length;
  for (let j = 0; j <= ps >> 1; j++) out[o + j] = blob(Math.sqrt(r2 + jj[j]!) * scale);
  for (let j = (ps >> 1) + 1; j < ps; j++)
    out[o + j] = jj[j] === jj[ps - j] ? out[o + ps - j]! : blob(Math.sqrt(r2 + jj[j]!) * scale);
}

/**
 * windowToOridimRealSpace and griddingCorrect: the data times the gridding weights, cut to the padded box (an
 * even size), centred, transformed back, the central box³ kept, scaled as RELION scales it, corners softened,
 * sinc² divided out. `scratch` (≥ p2³ values) holds the padded map; `keep` the window's spectrum.
 */
function toRealSpace(
  grid: InsertionGrid,
  rows: SphereRows,
  fNew: Float64Array,
  scratch: Float32Array,
  keep: FinishScratch,
  compute?: FourierCompute,
): Float32Array {
  const ori = grid.oriSize;
  let p2 = Math.round(grid.pad * ori);
  p2 += p2 % 2;
  const pooled = compute?.fft ? 'shared' : 'own';
  const dst = keep.take('window', `${p2}:${pooled}`, () => allocateSpectrum(p2, p2, p2, true, compute));
  // Only the sphere's rows are written: the rest of a kept spectrum is cleared first.
  dst.data.fill(0);
  windowCentred(grid, rows, fNew, dst);
  const big = irfft3d(dst, scratch.length >= p2 ** 3 ? scratch.subarray(0, p2 ** 3) : undefined, compute);
  // irfft3d divides by p2³ where RELION's inverse does not; RELION then divides by pad³·box.
  const out = cropCentre(big, p2, ori, p2 ** 3 / (grid.pad ** 3 * ori));
  softMaskOutside(out, ori);
  griddingCorrect(out, ori, grid.pad);
  return out;
}

/**
 * The weighted data of each sphere row into the padded box's spectrum, times (−1)^(k+i+j) (CenterFFTbySign);
 * frequencies the padded box cannot hold (|k| past p2/2, or −p2/2 itself) are dropped, as RELION's window does.
 */
function windowCentred(grid: InsertionGrid, rows: SphereRows, fNew: Float64Array, dst: Spectrum): void {
  const p2 = dst.nx;
  const t = rows.triplets,
    kk = rows.kzky;
  const nx = dst.nxh;
  for (let r = 0, c = 0; r < t.length; r += 3) {
    const s0 = t[r]!,
      n = t[r + 2]!;
    const kp = kk[(2 * r) / 3]!,
      ip = kk[(2 * r) / 3 + 1]!;
    const k = kp < 0 ? kp + p2 : kp,
      i = ip < 0 ? ip + p2 : ip;
    if (signedFrequency(k, p2) === kp && signedFrequency(i, p2) === ip)
      weightedRow(
        grid.data,
        2 * s0,
        fNew,
        c,
        dst.data,
        2 * (k * p2 + i) * dst.nxh,
        Math.min(n, nx),
        (k + i) & 1 ? -1 : 1,
      );
    c += n;
  }
}

function weightedRow(
  src: Float32Array,
  s: number,
  w: Float64Array,
  c: number,
  d: Float32Array | Float64Array,
  o: number,
  n: number,
  sign: number,
): void {
  for (let j = 0; j < n; j++, sign = -sign) {
    const f = sign * w[c + j]!;
    d[o + 2 * j] = f * src[s + 2 * j]!;
    d[o + 2 * j + 1] = f * src[s + 2 * j + 1]!;
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
