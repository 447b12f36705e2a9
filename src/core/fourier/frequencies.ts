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
