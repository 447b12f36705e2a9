import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { simulateMicrograph } from '../src/core/simulate/micrograph.js';

/**
 * A simulated micrograph (square, 1.1 Å/px) as MRC bytes, with known defocus: what the executor tests, watch and the
 * facility benchmark fit.
 */
export function micrographMrc(o: {
  n: number;
  seed: number;
  defocusUA: number;
  defocusVA: number;
  astigmatismAngleDeg: number;
  noise?: number;
}): Uint8Array {
  const img = simulateMicrograph({ nx: o.n, ny: o.n, pixelSizeA: 1.1, noise: o.noise ?? 0.2, ...o });
  return writeMrc(createVolume(o.n, o.n, 1, [1.1, 1.1, 1.1], img));
}
