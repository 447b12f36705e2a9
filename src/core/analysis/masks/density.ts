import { halfLength, irfft3d, signedFrequency, type FourierCompute, type Spectrum } from '../../fourier/rfft3d.js';
import { AUTO_MASK, dataThreshold } from './masks.js';

/**
 * Voxels the particle's density occupies: the average of the half maps low-passed at 15 Å (RELION's
 * filter), thresholded by the auto-mask's data-driven rule. Computed from the half maps' spectra on
 * a coarse grid just large enough for the low-passed band (a band-limited map is represented
 * exactly there), so it costs a small inverse FFT instead of two full-size ones. The count is
 * scaled back to the full grid.
 */
export function densityVoxels(
  s1: Spectrum,
  s2: Spectrum,
  pixelSizeA: number,
  compute?: FourierCompute,
  lowPassA = AUTO_MASK.lowPassA,
): number {
  const n = s1.nx;
  const ires = Math.round((n * pixelSizeA) / lowPassA);
  let m = Math.min(n, 2 * (ires + 2));
  if (m % 2) m++;
  if (m >= n) m = n;
  const mh = halfLength(m);
  const small: Spectrum = { nx: m, ny: m, nz: m, nxh: mh, data: new Float64Array(2 * mh * m * m) };
  const lo = Math.max(0, ires - 1) / n,
    hi = (ires + 1) / n,
    width = hi - lo;
  const half = m / 2;
  for (let z = 0; z < m; z++) {
    const kz = signedFrequency(z, m);
    if (Math.abs(kz) >= half && m < n) continue;
    const zn = kz < 0 ? kz + n : kz;
    for (let y = 0; y < m; y++) {
      const ky = signedFrequency(y, m);
      if (Math.abs(ky) >= half && m < n) continue;
      const yn = ky < 0 ? ky + n : ky;
      for (let x = 0; x < mh; x++) {
        const res = Math.sqrt(x * x + ky * ky + kz * kz) / n;
        if (res > hi) continue;
        const f = res < lo ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (res - lo)) / width);
        const src = 2 * (x + s1.nxh * (yn + n * zn));
        const dst = 2 * (x + mh * (y + m * z));
        small.data[dst] = 0.5 * f * (s1.data[src]! + s2.data[src]!);
        small.data[dst + 1] = 0.5 * f * (s1.data[src + 1]! + s2.data[src + 1]!);
      }
    }
  }
  // irfft3d divides by m³; the full-grid map would divide by n³.
  const coarse = irfft3d(small, undefined, compute);
  const scale = (m / n) ** 3;
  for (let i = 0; i < coarse.length; i++) coarse[i]! *= scale;
  const t = dataThreshold(coarse);
  let k = 0;
  for (let i = 0; i < coarse.length; i++) if (coarse[i]! >= t) k++;
  return k * (n / m) ** 3;
}
