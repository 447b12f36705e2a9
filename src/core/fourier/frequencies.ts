import { signedFrequency, type Spectrum } from './rfft3d.js';

/**
 * Visits every row of stored voxels of a half spectrum in storage order: the index of its first voxel
 * (x = 0) and ky² + kz² in box pixels² (FFTW/RELION frequency convention); voxel x of the row is
 * first + x with |k|² = x² + ky² + kz². The one place that walks Fourier space, so shells, filters and
 * phase randomisation agree on which voxel is which frequency; hot loops run x themselves.
 */
export function forEachRow(spec: Pick<Spectrum, 'ny' | 'nz' | 'nxh'>, f: (first: number, r2yz: number) => void): void {
  const { ny, nz, nxh } = spec;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    for (let y = 0; y < ny; y++, i += nxh) {
      const ky = signedFrequency(y, ny);
      f(i, ky * ky + kz * kz);
    }
  }
}

/** Every stored voxel with its index and |k|² (forEachRow, one call per voxel). */
export function forEachFrequency(
  spec: Pick<Spectrum, 'ny' | 'nz' | 'nxh'>,
  f: (index: number, r2: number) => void,
): void {
  const nxh = spec.nxh;
  forEachRow(spec, (first, r2yz) => {
    for (let x = 0; x < nxh; x++) f(first + x, x * x + r2yz);
  });
}

/** The largest integer |k|² a half spectrum stores: a table per |k|² has this plus one entries. */
export function maxSquaredFrequency(spec: Pick<Spectrum, 'ny' | 'nz' | 'nxh'>): number {
  return (spec.nxh - 1) ** 2 + Math.floor(spec.ny / 2) ** 2 + Math.floor(spec.nz / 2) ** 2;
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
  const { nxh, data } = spec;
  const max = maxSquaredFrequency(spec);
  const table = new Float64Array(max + 1);
  for (let r2 = 0; r2 <= max; r2++) table[r2] = f(r2);
  forEachRow(spec, (first, r2yz) => {
    for (let x = 0, p = 2 * first; x < nxh; x++, p += 2) {
      const g = table[x * x + r2yz]!;
      data[p] = data[p]! * g;
      data[p + 1] = data[p + 1]! * g;
    }
  });
}
