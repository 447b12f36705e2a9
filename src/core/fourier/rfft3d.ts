import { fftBatch } from './fft.js';
import { planFft } from './plan.js';
import { RealRows } from './real-rows.js';
import { simdForwardPlanes, simdInversePlanes, simdZPass } from './rfft-simd.js';
import { simdKernels } from './simd.js';

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
  /**
   * Float64, or Float32 where an analysis has shown single precision gives its answer (the FSC suite:
   * RELION parity holds, and the float32 kernels halve the memory traffic).
   */
  data: Float64Array | Float32Array;
}

export function halfLength(nx: number): number {
  return Math.floor(nx / 2) + 1;
}

/** Signed frequency (in box pixels) of index i along an axis of n samples, RELION/FFTW convention. */
export function signedFrequency(i: number, n: number): number {
  return i < Math.floor(n / 2) + 1 ? i : i - n;
}

/**
 * Threads that run the passes of a 3D transform over shared memory (the pool in core/parallel, on Node worker
 * threads or Web Workers). `forward` and `inverse` return false when they decline; the caller then runs serially.
 */
export interface FftThreads {
  /** Float64 storage the workers can write (SharedArrayBuffer-backed). */
  allocate(length: number): Float64Array;
  allocateFloat32(length: number): Float32Array;
  forward(data: Float32Array | Float64Array, spec: Spectrum, mask: Float32Array | null, simd: boolean): boolean;
  inverse(spec: Spectrum, out: Float32Array, simd: boolean): boolean;
}

/**
 * What a transform may use beyond this thread's TypeScript kernels, handed down from the job like progress (never
 * installed in a module): threads for large maps, and whether the WebAssembly SIMD kernels run (default yes).
 */
export interface FourierCompute {
  fft?: FftThreads | null;
  simd?: boolean;
}

/** Maps below this many voxels are not worth a thread hand-off. */
const PARALLEL_MIN_VOXELS = 1 << 20;

/**
 * A zeroed half spectrum for an nx×ny×nz map, in storage the parallel runner can share; in float32
 * with `single` (rfft3d and irfft3d then run on the float32 kernels).
 */
export function allocateSpectrum(
  nx: number,
  ny: number,
  nz: number,
  single = false,
  compute?: FourierCompute,
): Spectrum {
  const nxh = halfLength(nx);
  const par = parallelFor(nx * ny * nz, compute);
  const len = 2 * nxh * ny * nz;
  const data = single
    ? par
      ? par.allocateFloat32(len)
      : new Float32Array(len)
    : par
      ? par.allocate(len)
      : new Float64Array(len);
  return { nx, ny, nz, nxh, data };
}

/**
 * `a` itself, or a copy in shared memory when transforms of this size run on the pool's threads:
 * a caller that transforms the same map several times shares it once instead of once per transform.
 */
export function shareable(a: Float32Array, compute?: FourierCompute): Float32Array {
  const par = parallelFor(a.length, compute);
  if (!par || a.buffer instanceof SharedArrayBuffer) return a;
  const s = par.allocateFloat32(a.length);
  s.set(a);
  return s;
}

/** Real-space storage a parallel transform can use without a copy (plain memory otherwise). */
export function allocateReal(length: number, compute?: FourierCompute): Float32Array {
  const par = parallelFor(length, compute);
  return par ? par.allocateFloat32(length) : new Float32Array(length);
}

/** The context's threads when a map of this many voxels is worth splitting over them. */
export function parallelFor(voxels: number, compute?: FourierCompute): FftThreads | null {
  const fft = compute?.fft ?? null;
  return fft && voxels >= PARALLEL_MIN_VOXELS ? fft : null;
}

/**
 * Forward real-to-complex 3D transform, unnormalised: F(k) = Σ f(r)·exp(−2πi k·r/N).
 * Per z-plane: x rows, then the y transform of the plane while it is in cache; then z.
 * With `mask`, the transform of data·mask, multiplied plane by plane on the way in.
 */
export function rfft3d(
  data: Float32Array | Float64Array,
  nx: number,
  ny: number,
  nz: number,
  out?: Spectrum,
  mask: Float32Array | null = null,
  compute?: FourierCompute,
): Spectrum {
  if (mask && mask.length !== data.length)
    throw new RangeError(`rfft3d: mask of ${mask.length} values for ${nx}×${ny}×${nz}`);
  if (data.length !== nx * ny * nz) throw new RangeError(`rfft3d: ${data.length} values for ${nx}×${ny}×${nz}`);
  const nxh = halfLength(nx);
  const par = parallelFor(data.length, compute);
  const simd = compute?.simd ?? true;
  const spec: Spectrum = out ?? {
    nx,
    ny,
    nz,
    nxh,
    data: par ? par.allocate(2 * nxh * ny * nz) : new Float64Array(2 * nxh * ny * nz),
  };
  if (par && par.forward(data, spec, mask, simd)) return spec;
  forwardPlanes(data, spec, 0, nz, mask, simd);
  zPass(spec, 0, ny, -1, simd);
  return spec;
}

/** Inverse of rfft3d, normalised so that irfft3d(rfft3d(f)) = f. The spectrum is overwritten. */
export function irfft3d(spec: Spectrum, out?: Float32Array, compute?: FourierCompute): Float32Array {
  const { nx, ny, nz } = spec;
  const par = parallelFor(nx * ny * nz, compute);
  const simd = compute?.simd ?? true;
  const result = out ?? (par ? par.allocateFloat32(nx * ny * nz) : new Float32Array(nx * ny * nz));
  if (par && par.inverse(spec, result, simd)) return result;
  zPass(spec, 0, ny, 1, simd);
  inversePlanes(spec, result, 0, nz, simd);
  return result;
}

/** Pass 1 of the forward transform for planes z0 ≤ z < z1: x rows (real → half complex), then y. */
export function forwardPlanes(
  data: ArrayLike<number>,
  spec: Spectrum,
  z0: number,
  z1: number,
  mask: Float32Array | null = null,
  useSimd = true,
): void {
  const simd = simdKernels(useSimd);
  if (simd) return simdForwardPlanes(simd, data, spec, z0, z1, mask);
  const { nx, ny, nxh } = spec;
  const plane = 2 * nxh * ny;
  const rows = new RealRows(nx, ny);
  const py = ny > 1 ? planFft(ny) : null;
  const scratch = new Float64Array(plane);
  const masked = mask ? new Float64Array(nx * ny) : null;
  // A float32 spectrum: each plane computed in float64 here, then stored.
  const single = spec.data instanceof Float32Array ? new Float64Array(plane) : null;
  for (let z = z0; z < z1; z++) {
    const s = z * ny * nx;
    if (masked) for (let i = 0; i < masked.length; i++) masked[i] = data[s + i]! * mask![s + i]!;
    const dst = single ?? (spec.data as Float64Array).subarray(z * plane, (z + 1) * plane);
    rows.forward(masked ?? data, masked ? 0 : s, dst, 0);
    // A z-plane is [y][x]: already y-major with x contiguous, the batched layout.
    if (py) fftBatch(py, dst, scratch, nxh, -1);
    if (single) spec.data.set(single, z * plane);
  }
}

/** Last pass of the inverse for planes z0 ≤ z < z1: inverse y, then half complex → real rows. */
export function inversePlanes(spec: Spectrum, out: Float32Array, z0: number, z1: number, useSimd = true): void {
  const simd = simdKernels(useSimd);
  if (simd) return simdInversePlanes(simd, spec, out, z0, z1);
  const { nx, ny, nz, nxh } = spec;
  const plane = 2 * nxh * ny;
  const rows = new RealRows(nx, ny);
  const py = ny > 1 ? planFft(ny) : null;
  const scratch = new Float64Array(plane);
  const scale = 1 / (nx * ny * nz);
  const single = spec.data instanceof Float32Array ? new Float64Array(plane) : null;
  for (let z = z0; z < z1; z++) {
    let src = spec.data.subarray(z * plane, (z + 1) * plane) as Float64Array;
    if (single) {
      single.set(spec.data.subarray(z * plane, (z + 1) * plane));
      src = single;
    }
    if (py) fftBatch(py, src, scratch, nxh, 1);
    rows.inverse(src, 0, out, z * ny * nx, scale);
  }
}

/** The z transforms of the (z, x) slabs y0 ≤ y < y1, gathered into contiguous scratch. */
export function zPass(spec: Spectrum, y0: number, y1: number, dir: -1 | 1, useSimd = true): void {
  const { ny, nz, nxh, data } = spec;
  if (nz <= 1) return;
  const simd = simdKernels(useSimd);
  if (simd) return simdZPass(simd, spec, y0, y1, dir);
  const plane = 2 * nxh * ny;
  const pz = planFft(nz);
  const line = 2 * nxh;
  const work = new Float64Array(line * nz);
  const scratch = new Float64Array(line * nz);
  for (let y = y0; y < y1; y++) {
    for (let z = 0; z < nz; z++) work.set(data.subarray(z * plane + y * line, z * plane + (y + 1) * line), z * line);
    fftBatch(pz, work, scratch, nxh, dir);
    for (let z = 0; z < nz; z++) data.set(work.subarray(z * line, (z + 1) * line), z * plane + y * line);
  }
}
