import type { Spectrum } from './rfft3d.js';
import type { SimdKernels } from './simd.js';

/**
 * The passes of rfft3d.ts (forwardPlanes, inversePlanes, zPass) on the WebAssembly SIMD kernels:
 * each plane or slab is copied into the kernels' memory, transformed there, and copied back.
 * Same layout, same conventions, same results to rounding.
 */

/** Buffers of one operation, allocated after the plans so that no view outlives a memory grow. */
function planeBuffers(k: SimdKernels, nx: number, ny: number) {
  const nxh = (nx >> 1) + 1;
  const rowsN = nx % 2 === 0 ? nx >> 1 : nx;
  const rows = k.plan(rowsN);
  const cols = k.plan(ny);
  const tw = k.rowTwiddles(nx);
  const mark = k.mark();
  const complex = Math.max(rowsN, nxh) * (ny + 1);
  const real = k.alloc(8 * nx * ny);
  const half = k.alloc(16 * nxh * ny);
  const work = k.alloc(16 * complex);
  const scratch = k.alloc(16 * complex);
  const tmp = k.alloc(Math.max(k.tempBytes(rowsN, ny + 1), k.tempBytes(ny, nxh)));
  return { nxh, rows, cols, tw, mark, real, half, work, scratch, tmp };
}

export function simdForwardPlanes(
  k: SimdKernels,
  data: ArrayLike<number>,
  spec: Spectrum,
  z0: number,
  z1: number,
  mask: Float32Array | null = null,
): void {
  const { nx, ny } = spec;
  if (spec.data instanceof Float32Array) return forwardPlanes32(k, data, spec, z0, z1, mask);
  const b = planeBuffers(k, nx, ny);
  const maskPtr = mask ? k.alloc(8 * nx * ny) : 0;
  const maskView = mask ? k.f64(maskPtr, nx * ny) : null;
  const realView = k.f64(b.real, nx * ny);
  const halfView = k.f64(b.half, 2 * b.nxh * ny);
  const typed = ArrayBuffer.isView(data) ? (data as unknown as Float32Array | Float64Array) : null;
  for (let z = z0; z < z1; z++) {
    const s = z * nx * ny;
    if (typed) realView.set(typed.subarray(s, s + nx * ny));
    else for (let i = 0; i < nx * ny; i++) realView[i] = data[s + i]!;
    if (maskView) {
      maskView.set(mask!.subarray(s, s + nx * ny));
      k.exports.multiply(b.real, maskPtr, nx * ny);
    }
    k.exports.forwardPlane(b.rows, b.cols, nx, ny, b.real, b.half, b.tw, b.work, b.scratch, b.tmp);
    spec.data.set(halfView, z * halfView.length);
  }
  k.release(b.mark);
}

export function simdInversePlanes(k: SimdKernels, spec: Spectrum, out: Float32Array, z0: number, z1: number): void {
  const { nx, ny, nz } = spec;
  if (spec.data instanceof Float32Array) return inversePlanes32(k, spec, out, z0, z1);
  const b = planeBuffers(k, nx, ny);
  const realView = k.f64(b.real, nx * ny);
  const halfView = k.f64(b.half, 2 * b.nxh * ny);
  const scale = 1 / (nx * ny * nz);
  for (let z = z0; z < z1; z++) {
    halfView.set(spec.data.subarray(z * halfView.length, (z + 1) * halfView.length));
    k.exports.inversePlane(b.rows, b.cols, nx, ny, b.half, b.real, b.tw, b.work, b.scratch, b.tmp, scale);
    out.set(realView, z * nx * ny);
  }
  k.release(b.mark);
}

/**
 * Rows (y) whose z lines are transformed together: each z-plane's run of them is contiguous in the
 * spectrum, so one block is gathered with one copy per z instead of one per row and z (small boxes are
 * otherwise bound by the copies' overhead). About 512 KB per block; at least one row.
 */
function zBlockRows(nxh: number, nz: number, complexBytes: number, rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor((1 << 19) / (nxh * nz * complexBytes))));
}

/** The z transforms of the (z, x) slabs y0 ≤ y < y1, gathered into the kernels' memory a block of rows at a time. */
export function simdZPass(k: SimdKernels, spec: Spectrum, y0: number, y1: number, dir: -1 | 1): void {
  const { ny, nz, nxh, data } = spec;
  if (data instanceof Float32Array) return zPass32(k, spec as Spectrum & { data: Float32Array }, y0, y1, dir);
  const pz = k.plan(nz);
  const rows = zBlockRows(nxh, nz, 16, y1 - y0);
  const mark = k.mark();
  const line = 2 * nxh;
  const plane = line * ny;
  const work = k.alloc(8 * line * rows * nz);
  const scratch = k.alloc(8 * line * rows * nz);
  const tmp = k.alloc(k.tempBytes(nz, nxh * rows));
  const view = k.f64(work, line * rows * nz);
  for (let y = y0; y < y1; y += rows) {
    const count = line * Math.min(rows, y1 - y);
    for (let z = 0, s = y * line; z < nz; z++, s += plane) view.set(data.subarray(s, s + count), z * count);
    k.exports.fft(pz, work, scratch, count >> 1, dir, tmp);
    for (let z = 0, s = y * line; z < nz; z++, s += plane) data.set(view.subarray(z * count, (z + 1) * count), s);
  }
  k.release(mark);
}

// ---- float32 spectra: the same passes on fft32 and the float32 planes (forwardPlane32/inversePlane32 for
// even nx, forwardPlaneOdd32/inversePlaneOdd32 for odd) ----

/** The kernels' float32 half-spectrum rows: nx/2 + 1 complex rounded up to even (fft32 pairs them). */
function halfStride32(nxh: number): number {
  return nxh + (nxh & 1);
}

function planeBuffers32(k: SimdKernels, nx: number, ny: number) {
  const nxh = (nx >> 1) + 1;
  const H = halfStride32(nxh);
  const odd = nx % 2 === 1;
  // Even nx: rows packed two reals per complex (length nx/2); odd nx: pairs of rows as one complex signal.
  const length = odd ? nx : nx >> 1;
  const signals = odd ? (ny + 1) >> 1 : ny;
  const S = (signals | 1) + 1;
  const rows = k.plan(length, true);
  const cols = k.plan(ny, true);
  const tw = odd ? 0 : k.rowTwiddles(nx, true);
  const mark = k.mark();
  const complex = Math.max(length * S, H * ny);
  const real = k.alloc(4 * nx * ny);
  const half = k.alloc(8 * H * ny);
  const work = k.alloc(8 * complex);
  const scratch = k.alloc(8 * complex);
  const tmp = k.alloc(Math.max(k.tempBytes(length, S), k.tempBytes(ny, H)));
  return { nxh, H, odd, rows, cols, tw, mark, real, half, work, scratch, tmp };
}

function forwardPlanes32(
  k: SimdKernels,
  data: ArrayLike<number>,
  spec: Spectrum,
  z0: number,
  z1: number,
  mask: Float32Array | null,
): void {
  const { nx, ny } = spec;
  const b = planeBuffers32(k, nx, ny);
  const area = nx * ny;
  const maskPtr = mask ? k.alloc(4 * area) : 0;
  const maskView = mask ? k.f32(maskPtr, area) : null;
  const realView = k.f32(b.real, area);
  const typed = ArrayBuffer.isView(data) ? (data as unknown as Float32Array | Float64Array) : null;
  const line = 2 * b.nxh;
  for (let z = z0; z < z1; z++) {
    const s = z * area;
    if (typed) realView.set(typed.subarray(s, s + area));
    else for (let i = 0; i < area; i++) realView[i] = data[s + i]!;
    if (maskView) {
      maskView.set(mask!.subarray(s, s + area));
      k.exports.multiply32(b.real, maskPtr, area);
    }
    const at = b.odd
      ? k.exports.forwardPlaneOdd32(b.rows, b.cols, nx, ny, b.real, b.half, b.work, b.scratch, b.tmp)
      : k.exports.forwardPlane32(b.rows, b.cols, nx, ny, b.real, b.half, b.tw, b.work, b.scratch, b.tmp);
    if (b.H !== b.nxh) k.exports.packRows(at, 8 * b.H, 4 * line, ny);
    spec.data.set(k.f32(at, line * ny), z * line * ny);
  }
  k.release(b.mark);
}

function inversePlanes32(k: SimdKernels, spec: Spectrum, out: Float32Array, z0: number, z1: number): void {
  const { nx, ny, nz } = spec;
  const b = planeBuffers32(k, nx, ny);
  const area = nx * ny;
  const realView = k.f32(b.real, area);
  const line = 2 * b.nxh;
  const halfView = k.f32(b.half, line * ny);
  const scale = 1 / (nx * ny * nz);
  for (let z = z0; z < z1; z++) {
    const o = z * line * ny;
    halfView.set(spec.data.subarray(o, o + line * ny));
    // Spread to the kernels' stride; the padding column zeroed, so the column transform's spare signal stays finite.
    if (b.H !== b.nxh) k.exports.unpackRows(b.half, 8 * b.H, 4 * line, ny);
    if (b.odd) k.exports.inversePlaneOdd32(b.rows, b.cols, nx, ny, b.half, b.real, b.work, b.scratch, b.tmp, scale);
    else k.exports.inversePlane32(b.rows, b.cols, nx, ny, b.half, b.real, b.tw, b.work, b.scratch, b.tmp, scale);
    out.set(realView, z * area);
  }
  k.release(b.mark);
}

function zPass32(k: SimdKernels, spec: Spectrum & { data: Float32Array }, y0: number, y1: number, dir: -1 | 1): void {
  const { ny, nz, nxh, data } = spec;
  const pz = k.plan(nz, true);
  const rows = zBlockRows(nxh, nz, 8, y1 - y0);
  const mark = k.mark();
  const line = 2 * nxh;
  const plane = line * ny;
  // fft32 pairs signals: an odd block gets one spare signal (zeros, transformed on its own).
  const most = halfStride32(nxh * rows);
  const work = k.alloc(8 * most * nz);
  const scratch = k.alloc(8 * most * nz);
  const tmp = k.alloc(k.tempBytes(nz, most));
  const view = k.f32(work, 2 * most * nz);
  for (let y = y0; y < y1; y += rows) {
    const count = line * Math.min(rows, y1 - y);
    const batch = halfStride32(count >> 1);
    for (let z = 0, s = y * line, o = 0; z < nz; z++, s += plane, o += 2 * batch) {
      view.set(data.subarray(s, s + count), o);
      if (batch > count >> 1) view.fill(0, o + count, o + count + 2);
    }
    k.exports.fft32(pz, work, scratch, batch, dir, tmp);
    for (let z = 0, s = y * line, o = 0; z < nz; z++, s += plane, o += 2 * batch)
      data.set(view.subarray(o, o + count), s);
  }
  k.release(mark);
}

/**
 * fftBatch on the kernels: `batch` interleaved signals of length n, in place; in float32 (fft32, an even
 * batch) for a Float32Array.
 */
export function simdFftBatch(
  k: SimdKernels,
  n: number,
  data: Float64Array | Float32Array,
  batch: number,
  dir: -1 | 1,
): void {
  const single = data instanceof Float32Array;
  if (single && batch % 2) throw new RangeError(`fft32 takes an even batch, got ${batch}`);
  const plan = k.plan(n, single);
  const mark = k.mark();
  const len = 2 * n * batch;
  const bytes = single ? 4 : 8;
  const ptr = k.alloc(bytes * len);
  const scratch = k.alloc(bytes * len);
  const tmp = k.alloc(k.tempBytes(n, batch));
  const view = single ? k.f32(ptr, len) : k.f64(ptr, len);
  view.set(data.subarray(0, len));
  (single ? k.exports.fft32 : k.exports.fft)(plan, ptr, scratch, batch, dir, tmp);
  data.set(view);
  k.release(mark);
}

/**
 * Σ |F|² of the size×size tiles (size even) of an nx-wide image whose corners are `origins` into
 * power[group[t]] (the half spectrum's nxh·size values). In float32 (fft32, forwardPlane32): a periodogram
 * of float32 pixels needs no more once each tile's mean is subtracted, and |F|² is summed in float64. The
 * sums stay in the kernels' memory: no tile's spectrum is copied out.
 */
export function simdTilePower(
  k: SimdKernels,
  image: Float32Array | Float64Array,
  nx: number,
  size: number,
  origins: readonly (readonly [number, number])[],
  group: ArrayLike<number>,
  power: Float64Array[],
): void {
  if (size % 2) throw new RangeError(`tiles of an even size, got ${size}`);
  const nxh = (size >> 1) + 1;
  const rows = k.plan(size >> 1, true);
  const cols = k.plan(size, true);
  const tw = k.rowTwiddles(size, true);
  const mark = k.mark();
  const stride = nxh + (nxh & 1);
  const complex = (size >> 1) * ((size | 1) + 1);
  const real = k.alloc(4 * size * size);
  const half = k.alloc(8 * stride * size);
  const work = k.alloc(8 * complex);
  const scratch = k.alloc(8 * Math.max(complex, stride * size));
  const tmp = k.alloc(Math.max(k.tempBytes(size >> 1, size + 2), k.tempBytes(size, stride)));
  const values = nxh * size;
  const acc = power.map(() => k.alloc(8 * values));
  power.forEach((p, g) => k.f64(acc[g]!, values).set(p));
  // The rows the tiles cover, copied in once as float32 (one copy, not one per row per tile): each
  // tile is then moved, and its mean subtracted, inside the kernels' memory.
  const top = Math.min(...origins.map((o) => o[1])),
    bottom = Math.max(...origins.map((o) => o[1])) + size;
  const pixels = k.alloc(4 * nx * (bottom - top));
  k.f32(pixels, nx * (bottom - top)).set(image.subarray(top * nx, bottom * nx));
  origins.forEach(([x0, y0], t) => {
    k.exports.loadTile32(pixels, nx, x0, y0 - top, size, real);
    const spectrum = k.exports.forwardPlane32(rows, cols, size, size, real, half, tw, work, scratch, tmp);
    k.exports.accumulatePower32(spectrum, acc[group[t]!]!, nxh, size, stride);
  });
  power.forEach((p, g) => p.set(k.f64(acc[g]!, values)));
  k.release(mark);
}
