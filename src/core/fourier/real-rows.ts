import { fftBatch } from './fft.js';
import { planFft } from './plan.js';

// The TypeScript kernels' real ↔ half-complex rows of a plane (the fallback of wasm/real.ts's planes):
// FFTW's layout, nx/2 + 1 complex values per row.

/**
 * All ny rows of a plane at once. Even nx: the rows are packed as complex pairs into the batched
 * layout (element j of row y at j·ny + y), one batched nx/2 transform, then the split into the
 * half spectrum. Odd nx: row by row.
 */
export class RealRows {
  private readonly h: number;
  private readonly work: Float64Array;
  private readonly scratch: Float64Array;
  private readonly tw: Float64Array;
  private readonly single: OddRealRow | null;

  constructor(
    private readonly nx: number,
    private readonly ny: number,
  ) {
    this.h = nx % 2 === 0 ? nx / 2 : 0;
    this.single = this.h ? null : new OddRealRow(nx);
    this.work = new Float64Array(2 * Math.max(1, this.h) * ny);
    this.scratch = new Float64Array(this.work.length);
    this.tw = new Float64Array(2 * (this.h + 1));
    for (let k = 0; k <= this.h; k++) {
      this.tw[2 * k] = Math.cos((-2 * Math.PI * k) / nx);
      this.tw[2 * k + 1] = Math.sin((-2 * Math.PI * k) / nx);
    }
  }

  /** Rows of real data from `s0` → half-spectrum rows (length nx/2 + 1) from `d0`. */
  forward(src: ArrayLike<number>, s0: number, dst: Float64Array, d0: number): void {
    const { nx, ny, h, work, tw } = this;
    const nxh = (nx >> 1) + 1;
    if (this.single) {
      for (let y = 0; y < ny; y++) this.single.forward(src, s0 + y * nx, dst, d0 + 2 * y * nxh);
      return;
    }
    for (let y = 0; y < ny; y++) {
      const r = s0 + y * nx;
      for (let j = 0, w = 2 * y; j < h; j++, w += 2 * ny) {
        work[w] = src[r + 2 * j]!;
        work[w + 1] = src[r + 2 * j + 1]!;
      }
    }
    fftBatch(planFft(h), work, this.scratch, ny, -1);
    for (let y = 0; y < ny; y++) {
      const o = d0 + 2 * y * nxh;
      for (let k = 0; k <= h; k++) {
        const a = 2 * ((k % h) * ny + y),
          b = 2 * (((h - k) % h) * ny + y);
        const zr = work[a]!,
          zi = work[a + 1]!,
          cr = work[b]!,
          ci = -work[b + 1]!;
        const er = 0.5 * (zr + cr),
          ei = 0.5 * (zi + ci);
        const or = 0.5 * (zi - ci),
          oi = -0.5 * (zr - cr);
        const wr = tw[2 * k]!,
          wi = tw[2 * k + 1]!;
        dst[o + 2 * k] = er + wr * or - wi * oi;
        dst[o + 2 * k + 1] = ei + wr * oi + wi * or;
      }
    }
  }

  /** Half-spectrum rows from `s0` → real rows from `d0`, times `scale`. */
  inverse(src: Float64Array, s0: number, dst: Float32Array, d0: number, scale: number): void {
    const { nx, ny, h, work, tw } = this;
    const nxh = (nx >> 1) + 1;
    if (this.single) {
      for (let y = 0; y < ny; y++) this.single.inverse(src, s0 + 2 * y * nxh, dst, d0 + y * nx, scale);
      return;
    }
    for (let y = 0; y < ny; y++) {
      const i0 = s0 + 2 * y * nxh;
      for (let k = 0; k < h; k++) {
        // Like FFTW, ignore the imaginary parts of the DC and Nyquist terms.
        const xr = src[i0 + 2 * k]!,
          xi = k === 0 ? 0 : src[i0 + 2 * k + 1]!;
        const cr = src[i0 + 2 * (h - k)]!,
          ci = k === 0 ? 0 : -src[i0 + 2 * (h - k) + 1]!;
        const er = 0.5 * (xr + cr),
          ei = 0.5 * (xi + ci);
        const dr = 0.5 * (xr - cr),
          di = 0.5 * (xi - ci);
        const wr = tw[2 * k]!,
          wi = -tw[2 * k + 1]!;
        const or = dr * wr - di * wi,
          oi = dr * wi + di * wr;
        const w = 2 * (k * ny + y);
        work[w] = er - oi;
        work[w + 1] = ei + or;
      }
    }
    fftBatch(planFft(h), work, this.scratch, ny, 1);
    const s2 = 2 * scale;
    for (let y = 0; y < ny; y++) {
      const r = d0 + y * nx;
      for (let j = 0, w = 2 * y; j < h; j++, w += 2 * ny) {
        dst[r + 2 * j] = work[w]! * s2;
        dst[r + 2 * j + 1] = work[w + 1]! * s2;
      }
    }
  }
}

/**
 * One real row of odd length n ↔ its (n + 1)/2 half-complex values, through a full length-n complex
 * transform (RealRows packs even rows two samples to a complex value instead).
 */
class OddRealRow {
  private readonly buf: Float64Array;
  private readonly scratch: Float64Array;

  constructor(private readonly n: number) {
    this.buf = new Float64Array(2 * n);
    this.scratch = new Float64Array(2 * n);
  }

  forward(src: ArrayLike<number>, s0: number, dst: Float64Array, d0: number): void {
    const { n, buf } = this;
    for (let j = 0; j < n; j++) {
      buf[2 * j] = src[s0 + j]!;
      buf[2 * j + 1] = 0;
    }
    fftBatch(planFft(n), buf, this.scratch, 1, -1);
    dst.set(buf.subarray(0, 2 * ((n + 1) / 2)), d0);
  }

  inverse(src: Float64Array, s0: number, dst: Float32Array, d0: number, scale: number): void {
    const { n, buf } = this;
    const m = (n + 1) / 2;
    for (let k = 0; k < m; k++) {
      buf[2 * k] = src[s0 + 2 * k]!;
      buf[2 * k + 1] = src[s0 + 2 * k + 1]!;
      if (k > 0) {
        buf[2 * (n - k)] = src[s0 + 2 * k]!;
        buf[2 * (n - k) + 1] = -src[s0 + 2 * k + 1]!;
      }
    }
    fftBatch(planFft(n), buf, this.scratch, 1, 1);
    for (let j = 0; j < n; j++) dst[d0 + j] = buf[2 * j]! * scale;
  }
}
