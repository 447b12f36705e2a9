import { signedFrequency, type Spectrum } from './rfft3d.js';

/**
 * Visits every stored voxel of a half spectrum in storage order with its index and |k|² in box
 * pixels² (FFTW/RELION frequency convention). The one place that walks Fourier space, so shells,
 * filters and phase randomisation agree on which voxel is which frequency.
 */
export function forEachFrequency(
  spec: Pick<Spectrum, 'ny' | 'nz' | 'nxh'>,
  f: (index: number, r2: number) => void,
): void {
  const { ny, nz, nxh } = spec;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      const r2yz = ky * ky + kz * kz;
      for (let x = 0; x < nxh; x++, i++) f(i, x * x + r2yz);
    }
  }
}

/** Multiplies the voxel at `index` by a real factor. */
export function scaleVoxel(spec: Spectrum, index: number, g: number): void {
  spec.data[2 * index] = spec.data[2 * index]! * g;
  spec.data[2 * index + 1] = spec.data[2 * index + 1]! * g;
}

/**
 * Multiplies every stored voxel by f(|k|²). The factor depends only on the integer |k|², so it is
 * tabulated once per value (at most 3·(n/2)² + 1 of them) instead of evaluated per voxel: filters
 * with exp, cos or a table lookup then cost one multiply per voxel, with the same values.
 */
export function scaleRadially(spec: Spectrum, f: (r2: number) => number): void {
  const { ny, nz, nxh, data } = spec;
  const max = (nxh - 1) ** 2 + Math.floor(ny / 2) ** 2 + Math.floor(nz / 2) ** 2;
  const table = new Float64Array(max + 1);
  for (let r2 = 0; r2 <= max; r2++) table[r2] = f(r2);
  let p = 0;
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      const r2yz = ky * ky + kz * kz;
      for (let x = 0; x < nxh; x++, p += 2) {
        const g = table[x * x + r2yz]!;
        data[p] = data[p]! * g;
        data[p + 1] = data[p + 1]! * g;
      }
    }
  }
}
