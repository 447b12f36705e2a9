// AssemblyScript: real ↔ half-complex planes, FFTW's layout (see src/core/fourier/rfft3d.ts).
// One call does a whole z-plane: the x rows of ny real lines (packed two reals per complex, one
// batched nx/2 transform, then the split into the half spectrum) and the y transform of the plane.
import { fft, transform } from './fft';

// Rows handled together when a plane is transposed: reads and writes both stay in a few cache lines.
const YB = 16;

// The rows' batch stride: odd, so that a power-of-two ny does not put every butterfly input in the
// same cache set. The extra signal (zeros) costs 1/ny more arithmetic.
@inline
function rowStride(ny: i32): i32 {
  return ny | 1;
}

/** Zeros the padding signal of a rows batch (n elements at stride S, column S − 1). */
function zeroPad(work: usize, n: i32, ny: i32, S: i32): void {
  if (S == ny) return;
  for (let j = 0; j < n; j++) v128.store(work + off(j * S + ny), f64x2.splat(0));
}

@inline
function off(i: i32): usize {
  return (<usize>i) << 4;
}

@inline
function cmul(x: v128, wr: v128, wi: v128): v128 {
  return f64x2.add(f64x2.mul(x, wr), f64x2.mul(v128.shuffle<f64>(x, x, 1, 0), wi));
}

/**
 * Forward: ny rows of nx reals (f64 at `src`) → ny rows of nx/2 + 1 complex at `dst`, then the y
 * transform. `rows` is the plan of nx/2 (even nx) or nx (odd), `cols` of ny; `tw` holds
 * exp(−2πi·k/nx) for k ≤ nx/2; `work` and `scratch` hold nx·ny complex each.
 */
export function forwardPlane(
  rows: usize,
  cols: usize,
  nx: i32,
  ny: i32,
  src: usize,
  dst: usize,
  tw: usize,
  work: usize,
  scratch: usize,
  tmp: usize,
): void {
  const nxh = (nx >> 1) + 1;
  const S = rowStride(ny);
  if (nx & 1) {
    const zero = f64x2.splat(0);
    for (let y0 = 0; y0 < ny; y0 += YB) {
      const y1 = min(y0 + YB, ny);
      for (let j = 0; j < nx; j++)
        for (let y = y0; y < y1; y++)
          v128.store(work + off(j * S + y), f64x2.replace_lane(zero, 0, load<f64>(src + 8 * <usize>(y * nx + j))));
    }
    zeroPad(work, nx & 1 ? nx : nx >> 1, ny, S);
    fft(rows, work, scratch, S, -1, tmp);
    for (let y0 = 0; y0 < ny; y0 += YB) {
      const y1 = min(y0 + YB, ny);
      for (let k = 0; k < nxh; k++)
        for (let y = y0; y < y1; y++) v128.store(dst + off(y * nxh + k), v128.load(work + off(k * S + y)));
    }
  } else {
    const h = nx >> 1;
    for (let y0 = 0; y0 < ny; y0 += YB) {
      const y1 = min(y0 + YB, ny);
      for (let j = 0; j < h; j++) {
        let w = work + off(j * S + y0),
          r = src + off(y0 * h + j);
        const end = w + off(y1 - y0);
        for (; w < end; w += 16, r += off(h)) v128.store(w, v128.load(r));
      }
    }
    zeroPad(work, nx & 1 ? nx : nx >> 1, ny, S);
    fft(rows, work, scratch, S, -1, tmp);
    const half = f64x2.splat(0.5);
    const conj = f64x2(1, -1);
    const oSign = f64x2(0.5, -0.5);
    const pos = f64x2(-1, 1);
    for (let y0 = 0; y0 < ny; y0 += YB) {
      const y1 = min(y0 + YB, ny);
      for (let k = 0; k <= h; k++) {
      const a = work + off((k % h) * S),
        b = work + off(((h - k) % h) * S);
      const wr = f64x2.splat(load<f64>(tw + off(k))),
        wi = f64x2.mul(f64x2.splat(load<f64>(tw + off(k), 8)), pos);
      let q = dst + off(y0 * nxh + k);
      for (let y = y0; y < y1; y++, q += off(nxh)) {
        // E = (Z_k + conj Z_{h−k})/2, O = (Z_k − conj Z_{h−k})/(2i), X = E + w^k·O
        const z = v128.load(a + off(y)),
          c = f64x2.mul(v128.load(b + off(y)), conj);
        const e = f64x2.mul(half, f64x2.add(z, c));
        const d = f64x2.sub(z, c);
        const o = f64x2.mul(v128.shuffle<f64>(d, d, 1, 0), oSign);
        v128.store(q, f64x2.add(e, cmul(o, wr, wi)));
      }
      }
    }
  }
  if (ny > 1) fft(cols, dst, scratch, nxh, -1, tmp);
}

/**
 * Inverse of forwardPlane times `scale` (the spectrum at `src` is overwritten): the y transform,
 * then half-complex rows → ny rows of nx reals (f64 at `dst`). Like FFTW, the imaginary parts of
 * the DC and Nyquist terms are ignored.
 */
export function inversePlane(
  rows: usize,
  cols: usize,
  nx: i32,
  ny: i32,
  src: usize,
  dst: usize,
  tw: usize,
  work: usize,
  scratch: usize,
  tmp: usize,
  scale: f64,
): void {
  const nxh = (nx >> 1) + 1;
  const S = rowStride(ny);
  if (ny > 1) fft(cols, src, scratch, nxh, 1, tmp);
  const conj = f64x2(1, -1);
  const realOnly = f64x2(1, 0);
  if (nx & 1) {
    for (let y0 = 0; y0 < ny; y0 += YB) {
      const y1 = min(y0 + YB, ny);
      for (let k = 0; k < nxh; k++)
        for (let y = y0; y < y1; y++) {
          const v = v128.load(src + off(y * nxh + k));
          v128.store(work + off(k * S + y), v);
          if (k > 0) v128.store(work + off((nx - k) * S + y), f64x2.mul(v, conj));
        }
    }
    zeroPad(work, nx, ny, S);
    fft(rows, work, scratch, S, 1, tmp);
    for (let y0 = 0; y0 < ny; y0 += YB) {
      const y1 = min(y0 + YB, ny);
      for (let j = 0; j < nx; j++)
        for (let y = y0; y < y1; y++)
          store<f64>(dst + 8 * <usize>(y * nx + j), load<f64>(work + off(j * S + y)) * scale);
    }
    return;
  }
  const h = nx >> 1;
  const half = f64x2.splat(0.5);
  const negI = f64x2(1, -1); // conj(w^k) = (wr, −wi): cmul's (−wi', wi') with wi' = −wi
  const iRot = f64x2(-1, 1);
  for (let y0 = 0; y0 < ny; y0 += YB) {
    const y1 = min(y0 + YB, ny);
    for (let k = 0; k < h; k++) {
    const wr = f64x2.splat(load<f64>(tw + off(k))),
      wi = f64x2.mul(f64x2.splat(load<f64>(tw + off(k), 8)), negI);
    const dcMask = k == 0 ? realOnly : f64x2.splat(1);
    let row = src + off(y0 * nxh);
    for (let y = y0; y < y1; y++, row += off(nxh)) {
      const x = f64x2.mul(v128.load(row + off(k)), dcMask);
      const c = f64x2.mul(f64x2.mul(v128.load(row + off(h - k)), dcMask), conj);
      const e = f64x2.mul(half, f64x2.add(x, c));
      const d = f64x2.mul(half, f64x2.sub(x, c));
      const o = cmul(d, wr, wi);
      // Z = E + i·O
      v128.store(work + off(k * S + y), f64x2.add(e, f64x2.mul(v128.shuffle<f64>(o, o, 1, 0), iRot)));
    }
    }
  }
  zeroPad(work, h, ny, S);
  fft(rows, work, scratch, S, 1, tmp);
  const s2 = f64x2.splat(2 * scale);
  for (let y0 = 0; y0 < ny; y0 += YB) {
    const y1 = min(y0 + YB, ny);
    for (let j = 0; j < h; j++)
    {
      let w = work + off(j * S + y0),
        r = dst + off(y0 * h + j);
      const end = w + off(y1 - y0);
      for (; w < end; w += 16, r += off(h)) v128.store(r, f64x2.mul(v128.load(w), s2));
    }
  }
}

/** a[i] ·= b[i] for n float64 values (a map times its mask, before the transform). */
export function multiply(a: usize, b: usize, n: i32): void {
  const pairs = n >> 1;
  for (let i = 0; i < pairs; i++) {
    const p = a + off(i);
    v128.store(p, f64x2.mul(v128.load(p), v128.load(b + off(i))));
  }
  if (n & 1) {
    const p = a + (<usize>(n - 1) << 3);
    store<f64>(p, load<f64>(p) * load<f64>(b + (<usize>(n - 1) << 3)));
  }
}

// ---- float32 planes (two complex numbers per v128; fft32 rows and columns) ----

// The rows' batch stride in float32: even (lanes pair up), not a multiple of a large power of two.
@inline
function rowStride32(ny: i32): i32 {
  return (ny | 1) + 1;
}

// The half spectrum's row stride in float32: nx/2 + 1 rounded up to even, for the column transform.
@inline
function halfStride32(nx: i32): i32 {
  const nxh = (nx >> 1) + 1;
  return nxh + (nxh & 1);
}

/**
 * forwardPlane in float32 for even nx: ny rows of nx reals (f32 at `src`) → the half spectrum (f32
 * complex, rows of halfStride32(nx), the last column padding), then the y transform. `rows`, `cols` are
 * fft32 plans of nx/2 and ny; `tw` holds exp(−2πi·k/nx), k ≤ nx/2, in f32. Returns where the spectrum is:
 * `dst`, or `scratch` when the column transform ends there (no pass to copy it back).
 */
export function forwardPlane32(
  rows: usize,
  cols: usize,
  nx: i32,
  ny: i32,
  src: usize,
  dst: usize,
  tw: usize,
  work: usize,
  scratch: usize,
  tmp: usize,
): usize {
  const h = nx >> 1;
  const S = rowStride32(ny);
  const H = halfStride32(nx);
  // Two reals of a row are one complex number (8 bytes): transposed into the rows batch.
  for (let y0 = 0; y0 < ny; y0 += YB) {
    const y1 = min(y0 + YB, ny);
    for (let j = 0; j < h; j++) {
      let w = work + ((<usize>(j * S + y0)) << 3),
        r = src + ((<usize>(y0 * h + j)) << 3);
      const end = w + ((<usize>(y1 - y0)) << 3);
      for (; w < end; w += 8, r += (<usize>h) << 3) store<i64>(w, load<i64>(r));
    }
  }
  for (let j = 0; j < h; j++) for (let y = ny; y < S; y++) store<i64>(work + ((<usize>(j * S + y)) << 3), 0);
  const z0 = transform<f32>(rows, work, scratch, S, -1, tmp, false);
  const half = f32x4.splat(0.5);
  const conj = f32x4(1, -1, 1, -1);
  const oSign = f32x4(0.5, -0.5, 0.5, -0.5);
  const pos = f32x4(-1, 1, -1, 1);
  const rowBytes = (<usize>H) << 3;
  // Pairs of rows (y, y + 1) share a vector; with odd ny the last row's partner is the zero padding.
  for (let k = 0; k <= h; k++) {
    const a = z0 + ((<usize>((k % h) * S)) << 3),
      b = z0 + ((<usize>(((h - k) % h) * S)) << 3);
    const wr = f32x4.splat(load<f32>(tw + ((<usize>k) << 3))),
      wi = f32x4.mul(f32x4.splat(load<f32>(tw + ((<usize>k) << 3), 4)), pos);
    let q = dst + ((<usize>k) << 3);
    for (let y = 0; y < ny; y += 2, q += rowBytes << 1) {
      // E = (Z_k + conj Z_{h−k})/2, O = (Z_k − conj Z_{h−k})/(2i), X = E + w^k·O
      const z = v128.load(a + ((<usize>y) << 3)),
        c = f32x4.mul(v128.load(b + ((<usize>y) << 3)), conj);
      const e = f32x4.mul(half, f32x4.add(z, c));
      const d = f32x4.sub(z, c);
      const o = f32x4.mul(v128.shuffle<f32>(d, d, 1, 0, 3, 2), oSign);
      const x = f32x4.add(e, f32x4.add(f32x4.mul(o, wr), f32x4.mul(v128.shuffle<f32>(o, o, 1, 0, 3, 2), wi)));
      v128.store64_lane(q, x, 0);
      if (y + 1 < ny) v128.store64_lane(q + rowBytes, x, 1);
    }
  }
  // The padding column of each row: zeros, so the column transform's spare signal stays finite.
  if (H > h + 1) for (let y = 0; y < ny; y++) store<i64>(dst + (<usize>y) * rowBytes + ((<usize>(h + 1)) << 3), 0);
  return ny > 1 ? transform<f32>(cols, dst, scratch, H, -1, tmp, false) : dst;
}

/**
 * Adds |F|² of a float32 half spectrum (ny rows of `stride` complex, the first `count` used) to the
 * float64 accumulator `acc` (ny rows of `count` values): a CTF tile's periodogram in double precision.
 */
export function accumulatePower32(half: usize, acc: usize, count: i32, ny: i32, stride: i32): void {
  for (let y = 0; y < ny; y++) {
    const row = half + ((<usize>(y * stride)) << 3);
    const out = acc + ((<usize>(y * count)) << 3);
    const pairs = count >> 1;
    for (let i = 0; i < pairs; i++) {
      // Two complex numbers (re₀, im₀, re₁, im₁) → |F₀|², |F₁|² in float64.
      const v = v128.load(row + ((<usize>i) << 4));
      const lo = f64x2.promote_low_f32x4(v),
        hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      const l2 = f64x2.mul(lo, lo),
        h2 = f64x2.mul(hi, hi);
      const sum = f64x2.add(v128.shuffle<f64>(l2, h2, 0, 2), v128.shuffle<f64>(l2, h2, 1, 3));
      const p = out + ((<usize>i) << 4);
      v128.store(p, f64x2.add(v128.load(p), sum));
    }
    if (count & 1) {
      const re = <f64>load<f32>(row + ((<usize>(count - 1)) << 3)),
        im = <f64>load<f32>(row + ((<usize>(count - 1)) << 3), 4);
      const p = out + ((<usize>(count - 1)) << 3);
      store<f64>(p, load<f64>(p) + re * re + im * im);
    }
  }
}

/**
 * Copies the size×size tile at (x0, y0) of an nx-wide float32 image into `dst` and subtracts its mean
 * (summed in float64 while copying): a tile's large mean would otherwise put float32 rounding of F(0)
 * into every other frequency of its spectrum.
 */
export function loadTile32(pixels: usize, nx: i32, x0: i32, y0: i32, size: i32, dst: usize): void {
  let sum = f64x2.splat(0);
  const quads = size >> 2;
  for (let y = 0; y < size; y++) {
    const from = pixels + ((<usize>((y0 + y) * nx + x0)) << 2),
      to = dst + ((<usize>(y * size)) << 2);
    for (let i = 0; i < quads; i++) {
      const v = v128.load(from + ((<usize>i) << 4));
      v128.store(to + ((<usize>i) << 4), v);
      sum = f64x2.add(
        sum,
        f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))),
      );
    }
    for (let i = quads << 2; i < size; i++) {
      const v = load<f32>(from + ((<usize>i) << 2));
      store<f32>(to + ((<usize>i) << 2), v);
      sum = f64x2.add(sum, f64x2(<f64>v, 0));
    }
  }
  const n = size * size;
  const mean = f32x4.splat(<f32>((f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1)) / <f64>n));
  const all = n >> 2;
  for (let i = 0; i < all; i++) {
    const p = dst + ((<usize>i) << 4);
    v128.store(p, f32x4.sub(v128.load(p), mean));
  }
  const m = f32x4.extract_lane(mean, 0);
  for (let i = all << 2; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(dst + ((<usize>i) << 2)) - m);
}

/**
 * Inverse of forwardPlane32 times `scale` (even nx): the y transform of the half spectrum at `src` (rows of
 * halfStride32(nx) complex, the padding column included; overwritten), then half-complex rows → ny rows of nx
 * reals (f32 at `dst`). Like FFTW, the imaginary parts of the DC and Nyquist terms are ignored.
 */
export function inversePlane32(
  rows: usize,
  cols: usize,
  nx: i32,
  ny: i32,
  src: usize,
  dst: usize,
  tw: usize,
  work: usize,
  scratch: usize,
  tmp: usize,
  scale: f64,
): void {
  const h = nx >> 1;
  const S = rowStride32(ny);
  const rowBytes = (<usize>halfStride32(nx)) << 3;
  const spec = ny > 1 ? transform<f32>(cols, src, scratch, halfStride32(nx), 1, tmp, false) : src;
  const half = f32x4.splat(0.5);
  const conj = f32x4(1, -1, 1, -1);
  const negI = f32x4(1, -1, 1, -1); // conj(w^k) = (wr, −wi): the multiply's (wi', −wi') with wi' = wi
  const iRot = f32x4(-1, 1, -1, 1);
  const realOnly = f32x4(1, 0, 1, 0);
  const zero = f32x4.splat(0);
  for (let k = 0; k < h; k++) {
    const wr = f32x4.splat(load<f32>(tw + ((<usize>k) << 3))),
      wi = f32x4.mul(f32x4.splat(load<f32>(tw + ((<usize>k) << 3), 4)), negI);
    const dcMask = k == 0 ? realOnly : f32x4.splat(1);
    const a = spec + ((<usize>k) << 3),
      b = spec + ((<usize>(h - k)) << 3);
    // Rows y and y + 1 share a vector; with odd ny the last row's partner is zero (and lands in the padding).
    for (let y = 0; y < ny; y += 2) {
      const ra = a + (<usize>y) * rowBytes,
        rb = b + (<usize>y) * rowBytes;
      let x = v128.load64_zero(ra),
        c = v128.load64_zero(rb);
      if (y + 1 < ny) {
        x = v128.load64_lane(ra + rowBytes, x, 1);
        c = v128.load64_lane(rb + rowBytes, c, 1);
      }
      x = f32x4.mul(x, dcMask);
      c = f32x4.mul(f32x4.mul(c, dcMask), conj);
      const e = f32x4.mul(half, f32x4.add(x, c));
      const d = f32x4.mul(half, f32x4.sub(x, c));
      const o = f32x4.add(f32x4.mul(d, wr), f32x4.mul(v128.shuffle<f32>(d, d, 1, 0, 3, 2), wi));
      // Z = E + i·O
      v128.store(
        work + ((<usize>(k * S + y)) << 3),
        f32x4.add(e, f32x4.mul(v128.shuffle<f32>(o, o, 1, 0, 3, 2), iRot)),
      );
    }
    for (let y = ny + (ny & 1); y < S; y += 2) v128.store(work + ((<usize>(k * S + y)) << 3), zero);
  }
  const z0 = transform<f32>(rows, work, scratch, S, 1, tmp, false);
  const s2 = f32x4.splat(<f32>(2 * scale));
  const outRow = (<usize>h) << 3;
  for (let y0 = 0; y0 < ny; y0 += YB) {
    const y1 = min(y0 + YB, ny);
    for (let j = 0; j < h; j++) {
      const from = z0 + ((<usize>(j * S)) << 3);
      let q = dst + ((<usize>(y0 * h + j)) << 3);
      for (let y = y0; y < y1; y += 2, q += outRow << 1) {
        const v = f32x4.mul(v128.load(from + ((<usize>y) << 3)), s2);
        v128.store64_lane(q, v, 0);
        if (y + 1 < ny) v128.store64_lane(q + outRow, v, 1);
      }
    }
  }
}

/** a[i] ·= b[i] for n float32 values (a map times its mask, before the transform). */
export function multiply32(a: usize, b: usize, n: i32): void {
  const quads = n >> 2;
  for (let i = 0; i < quads; i++) {
    const p = a + ((<usize>i) << 4);
    v128.store(p, f32x4.mul(v128.load(p), v128.load(b + ((<usize>i) << 4))));
  }
  for (let i = quads << 2; i < n; i++) {
    const p = a + ((<usize>i) << 2);
    store<f32>(p, load<f32>(p) * load<f32>(b + ((<usize>i) << 2)));
  }
}

/**
 * In place: `rows` rows of `count` bytes at a stride of `stride` bytes made contiguous (packRows) or spread
 * back out with the gap after each row zeroed (unpackRows): the float32 half spectrum between the kernels'
 * even row stride and the Spectrum's nx/2 + 1, so that JavaScript copies a plane in one piece.
 */
export function packRows(at: usize, stride: i32, count: i32, rows: i32): void {
  for (let y = 1; y < rows; y++) memory.copy(at + <usize>(y * count), at + <usize>(y * stride), <usize>count);
}

export function unpackRows(at: usize, stride: i32, count: i32, rows: i32): void {
  for (let y = rows - 1; y >= 0; y--) {
    memory.copy(at + <usize>(y * stride), at + <usize>(y * count), <usize>count);
    memory.fill(at + <usize>(y * stride + count), 0, <usize>(stride - count));
  }
}

/**
 * forwardPlane32 for odd nx: rows 2p and 2p + 1 packed as the real and imaginary parts of one complex
 * signal (two real FFTs for the price of one: Press et al., Numerical Recipes, 2nd ed., §12.3), one batched
 * length-nx transform of the ⌈ny/2⌉ pairs, then each pair split by Hermitian symmetry
 * (X_a = (Z_k + conj Z_{n−k})/2, X_b = (Z_k − conj Z_{n−k})/2i) into the half spectrum (rows of
 * halfStride32(nx), the padding column zero) and the y transform. `rows` is the fft32 plan of nx, `cols`
 * of ny. Returns where the spectrum is.
 */
export function forwardPlaneOdd32(
  rows: usize,
  cols: usize,
  nx: i32,
  ny: i32,
  src: usize,
  dst: usize,
  work: usize,
  scratch: usize,
  tmp: usize,
): usize {
  const pairs = (ny + 1) >> 1;
  const S = rowStride32(pairs);
  const H = halfStride32(nx);
  const nxh = (nx >> 1) + 1;
  for (let j = 0; j < nx; j++) {
    const w = work + ((<usize>(j * S)) << 3);
    for (let p = 0; p < pairs; p++) {
      const a = load<f32>(src + ((<usize>(2 * p * nx + j)) << 2));
      const b = 2 * p + 1 < ny ? load<f32>(src + ((<usize>((2 * p + 1) * nx + j)) << 2)) : <f32>0;
      store<f32>(w + ((<usize>p) << 3), a);
      store<f32>(w + ((<usize>p) << 3), b, 4);
    }
    for (let p = pairs; p < S; p++) store<i64>(w + ((<usize>p) << 3), 0);
  }
  const z0 = transform<f32>(rows, work, scratch, S, -1, tmp, false);
  const rowBytes = (<usize>H) << 3;
  for (let k = 0; k < nxh; k++) {
    const zk = z0 + ((<usize>(k * S)) << 3),
      zc = z0 + ((<usize>(((nx - k) % nx) * S)) << 3);
    for (let p = 0; p < pairs; p++) {
      const zr = load<f32>(zk + ((<usize>p) << 3)),
        zi = load<f32>(zk + ((<usize>p) << 3), 4);
      const cr = load<f32>(zc + ((<usize>p) << 3)),
        ci = -load<f32>(zc + ((<usize>p) << 3), 4);
      const q = dst + (<usize>(2 * p)) * rowBytes + ((<usize>k) << 3);
      store<f32>(q, <f32>0.5 * (zr + cr));
      store<f32>(q, <f32>0.5 * (zi + ci), 4);
      if (2 * p + 1 < ny) {
        // (Z − C)/2i = (Im(Z − C), −Re(Z − C))/2
        store<f32>(q + rowBytes, <f32>0.5 * (zi - ci));
        store<f32>(q + rowBytes, <f32>-0.5 * (zr - cr), 4);
      }
    }
  }
  if (H > nxh) for (let y = 0; y < ny; y++) store<i64>(dst + (<usize>y) * rowBytes + ((<usize>nxh) << 3), 0);
  return ny > 1 ? transform<f32>(cols, dst, scratch, H, -1, tmp, false) : dst;
}

/**
 * Inverse of forwardPlaneOdd32 times `scale` (the spectrum at `src`, rows of halfStride32(nx) with the
 * padding column zero, is overwritten): the y transform, then rows 2p and 2p + 1 rebuilt as one complex
 * signal Z = X_a + i·X_b over all nx frequencies (the upper half from Hermitian symmetry, the DC term's
 * imaginary part ignored as FFTW does), one batched inverse, real and imaginary parts out as the two rows.
 */
export function inversePlaneOdd32(
  rows: usize,
  cols: usize,
  nx: i32,
  ny: i32,
  src: usize,
  dst: usize,
  work: usize,
  scratch: usize,
  tmp: usize,
  scale: f64,
): void {
  const pairs = (ny + 1) >> 1;
  const S = rowStride32(pairs);
  const H = halfStride32(nx);
  const nxh = (nx >> 1) + 1;
  const rowBytes = (<usize>H) << 3;
  const spec = ny > 1 ? transform<f32>(cols, src, scratch, H, 1, tmp, false) : src;
  for (let k = 0; k < nx; k++) {
    const upper = k >= nxh;
    const at = spec + ((<usize>(upper ? nx - k : k)) << 3);
    const sign: f32 = upper ? -1 : 1;
    const w = work + ((<usize>(k * S)) << 3);
    for (let p = 0; p < pairs; p++) {
      const ra = at + (<usize>(2 * p)) * rowBytes;
      const ar = load<f32>(ra),
        ai = k == 0 ? <f32>0 : sign * load<f32>(ra, 4);
      let br: f32 = 0,
        bi: f32 = 0;
      if (2 * p + 1 < ny) {
        br = load<f32>(ra + rowBytes);
        bi = k == 0 ? <f32>0 : sign * load<f32>(ra + rowBytes, 4);
      }
      store<f32>(w + ((<usize>p) << 3), ar - bi);
      store<f32>(w + ((<usize>p) << 3), ai + br, 4);
    }
    for (let p = pairs; p < S; p++) store<i64>(w + ((<usize>p) << 3), 0);
  }
  const z0 = transform<f32>(rows, work, scratch, S, 1, tmp, false);
  const s = <f32>scale;
  for (let j = 0; j < nx; j++) {
    const w = z0 + ((<usize>(j * S)) << 3);
    for (let p = 0; p < pairs; p++) {
      store<f32>(dst + ((<usize>(2 * p * nx + j)) << 2), load<f32>(w + ((<usize>p) << 3)) * s);
      if (2 * p + 1 < ny) store<f32>(dst + ((<usize>((2 * p + 1) * nx + j)) << 2), load<f32>(w + ((<usize>p) << 3), 4) * s);
    }
  }
}
