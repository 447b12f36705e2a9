import { fftBatch } from './fft.js';
import { planFft } from './plan.js';

/**
 * The half spectrum of a real 3D map, FFTW's layout (as RELION uses): [z][y][x] with
 * x = 0 … nx/2, complex values interleaved. Frequency of index i along an axis of size n is
 * i for i < n/2 + 1 and i − n above (RELION/FFTW: index n/2 is frequency +n/2).
 */
export interface Spectrum {
  nx: number;
  ny: number;
  nz: number;
  /** nx/2 + 1: the stored x extent. */
  nxh: number;
  data: Float64Array;
}

export function halfLength(nx: number): number {
  return Math.floor(nx / 2) + 1;
}

/** Signed frequency (in box pixels) of index i along an axis of n samples, RELION/FFTW convention. */
export function signedFrequency(i: number, n: number): number {
  return i < Math.floor(n / 2) + 1 ? i : i - n;
}

/**
 * Forward real-to-complex 3D transform, unnormalised: F(k) = Σ f(r)·exp(−2πi k·r/N).
 * x rows one at a time (contiguous), then y and z as batched transforms over whole planes.
 */
export function rfft3d(data: Float32Array | Float64Array, nx: number, ny: number, nz: number, out?: Spectrum): Spectrum {
  if (data.length !== nx * ny * nz) throw new RangeError(`rfft3d: ${data.length} values for ${nx}×${ny}×${nz}`);
  const nxh = halfLength(nx);
  const spec: Spectrum = out ?? { nx, ny, nz, nxh, data: new Float64Array(2 * nxh * ny * nz) };
  const d = spec.data;
  const row = new RealRowTransform(nx);
  for (let r = 0; r < ny * nz; r++) row.forward(data, r * nx, d, 2 * r * nxh);
  transformYZ(spec, -1);
  return spec;
}

/** Inverse of rfft3d, normalised so that irfft3d(rfft3d(f)) = f. The spectrum is overwritten. */
export function irfft3d(spec: Spectrum, out?: Float32Array): Float32Array {
  const { nx, ny, nz, nxh } = spec;
  const result = out ?? new Float32Array(nx * ny * nz);
  transformYZ(spec, 1);
  const row = new RealRowTransform(nx);
  const scale = 1 / (nx * ny * nz);
  for (let r = 0; r < ny * nz; r++) row.inverse(spec.data, 2 * r * nxh, result, r * nx, scale);
  return result;
}

function transformYZ(spec: Spectrum, dir: -1 | 1): void {
  const { ny, nz, nxh, data } = spec;
  const plane = 2 * nxh * ny;
  if (ny > 1) {
    const py = planFft(ny);
    const scratch = new Float64Array(plane);
    // A z-plane is [y][x]: already y-major with x contiguous, the batched layout.
    for (let z = 0; z < nz; z++) fftBatch(py, data.subarray(z * plane, (z + 1) * plane), scratch, nxh, dir);
  }
  if (nz > 1) {
    const pz = planFft(nz);
    const line = 2 * nxh;
    const work = new Float64Array(line * nz);
    const scratch = new Float64Array(line * nz);
    for (let y = 0; y < ny; y++) {
      // Gather the (z, x) slab at this y: nz rows of nxh contiguous values.
      for (let z = 0; z < nz; z++) work.set(data.subarray(z * plane + y * line, z * plane + (y + 1) * line), z * line);
      fftBatch(pz, work, scratch, nxh, dir);
      for (let z = 0; z < nz; z++) data.set(work.subarray(z * line, (z + 1) * line), z * plane + y * line);
    }
  }
}

/** Real ↔ half-complex rows. Even n: an n/2 complex FFT plus a twiddle pass; odd n: full complex FFT. */
class RealRowTransform {
  private readonly n: number;
  private readonly half: number;
  private readonly buf: Float64Array;
  private readonly scratch: Float64Array;
  private readonly tw: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.half = n % 2 === 0 ? n / 2 : 0;
    const len = this.half || n;
    this.buf = new Float64Array(2 * len);
    this.scratch = new Float64Array(2 * len);
    this.tw = new Float64Array(2 * (this.half + 1));
    for (let k = 0; k <= this.half; k++) {
      this.tw[2 * k] = Math.cos((-2 * Math.PI * k) / n);
      this.tw[2 * k + 1] = Math.sin((-2 * Math.PI * k) / n);
    }
  }

  forward(src: ArrayLike<number>, s0: number, dst: Float64Array, d0: number): void {
    const { n, half: h, buf, tw } = this;
    if (h === 0) {
      for (let j = 0; j < n; j++) {
        buf[2 * j] = src[s0 + j]!;
        buf[2 * j + 1] = 0;
      }
      fftBatch(planFft(n), buf, this.scratch, 1, -1);
      dst.set(buf.subarray(0, 2 * ((n + 1) / 2)), d0);
      return;
    }
    for (let j = 0; j < h; j++) {
      buf[2 * j] = src[s0 + 2 * j]!;
      buf[2 * j + 1] = src[s0 + 2 * j + 1]!;
    }
    fftBatch(planFft(h), buf, this.scratch, 1, -1);
    for (let k = 0; k <= h; k++) {
      const a = k % h, b = (h - k) % h;
      const zr = buf[2 * a]!, zi = buf[2 * a + 1]!;
      const cr = buf[2 * b]!, ci = -buf[2 * b + 1]!;
      // E = (Z_k + conj Z_{h−k})/2, O = (Z_k − conj Z_{h−k})/(2i), X = E + w^k·O
      const er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
      const wr = tw[2 * k]!, wi = tw[2 * k + 1]!;
      dst[d0 + 2 * k] = er + wr * or - wi * oi;
      dst[d0 + 2 * k + 1] = ei + wr * oi + wi * or;
    }
  }

  inverse(src: Float64Array, s0: number, dst: Float32Array, d0: number, scale: number): void {
    const { n, half: h, buf, tw } = this;
    if (h === 0) {
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
      return;
    }
    for (let k = 0; k < h; k++) {
      // Like FFTW, ignore the imaginary parts of the DC and Nyquist terms (zero for a real signal).
      const xr = src[s0 + 2 * k]!, xi = k === 0 ? 0 : src[s0 + 2 * k + 1]!;
      const cr = src[s0 + 2 * (h - k)]!, ci = k === 0 ? 0 : -src[s0 + 2 * (h - k) + 1]!;
      const er = 0.5 * (xr + cr), ei = 0.5 * (xi + ci);
      // O = (X_k − conj X_{h−k}) · conj(w^k) / 2
      const dr = 0.5 * (xr - cr), di = 0.5 * (xi - ci);
      const wr = tw[2 * k]!, wi = -tw[2 * k + 1]!;
      const or = dr * wr - di * wi, oi = dr * wi + di * wr;
      // Z = E + i·O
      buf[2 * k] = er - oi;
      buf[2 * k + 1] = ei + or;
    }
    fftBatch(planFft(h), buf, this.scratch, 1, 1);
    const s2 = 2 * scale;
    for (let j = 0; j < h; j++) {
      dst[d0 + 2 * j] = buf[2 * j]! * s2;
      dst[d0 + 2 * j + 1] = buf[2 * j + 1]! * s2;
    }
  }
}
