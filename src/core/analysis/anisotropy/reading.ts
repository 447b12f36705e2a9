import type { Warning } from '../../errors.js';
import type { AnisotropyResult } from './anisotropy.js';

/** Seed 000, reason 2: sphericity < 0.85 and a best–worst spread > 1 Å suggest preferred orientation. */
export function readAnisotropy(r: AnisotropyResult): Warning[] {
  const w: Warning[] = [];
  const { best, worst } = r.directionalResolutionA;
  const floor = r.sphericityNoiseFloor.low;
  if (r.sphericity < 0.85 && r.sphericity < floor - 0.02)
    w.push({
      code: 'low-sphericity',
      message:
        `sphericity ${r.sphericity.toFixed(3)} < 0.85 (an isotropic map with this FSC and box gives ` +
        `${floor.toFixed(3)}): the resolution depends on direction, the signature of preferred orientation or of ` +
        `too few views (Tan et al. 2017); check the angular distribution`,
    });
  else if (r.sphericity < 0.85)
    w.push({
      code: 'sphericity-at-noise-floor',
      message:
        `sphericity ${r.sphericity.toFixed(3)} is what an isotropic map with this FSC and box gives ` +
        `(${floor.toFixed(3)}): too few voxels per cone to see anisotropy here, not evidence of it`,
    });
  const { median } = r.directionalResolutionA;
  // A median direction finer than the whole-shell FSC is not possible for a proper cone set: it points at
  // cones too narrow for their voxels, a mask that differs from the global one, or an FSC shaped by the mask.
  if (median !== null && r.globalResolutionA !== null && median < 0.97 * r.globalResolutionA)
    w.push({
      code: 'directional-median-finer-than-global',
      message:
        `the median directional resolution (${median.toFixed(2)} Å) is finer than the global FSC's ` +
        `(${r.globalResolutionA.toFixed(2)} Å): check the mask and the cone angle before reading the directions`,
    });
  if (best !== null && worst !== null && worst - best > 1)
    w.push({
      code: 'directional-spread',
      message:
        `directional resolution ranges from ${best.toFixed(2)} to ${worst.toFixed(2)} Å (> 1 Å between best ` +
        `and worst directions)`,
    });
  if (r.cfar < 0.5)
    w.push({
      code: 'low-cfar',
      message:
        `cFAR ${r.cfar.toFixed(2)} < 0.5 (cryoSPARC's reading): anisotropic; with a high SCF* this points ` +
        `to junk or heterogeneity rather than missing views`,
    });
  return w;
}
