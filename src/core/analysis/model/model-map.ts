import { ELECTRON_SCATTERING } from '../../model/scattering.js';
import type { Atom } from '../../io/structure.js';
import { voxelOf, type Volume } from '../../model/volume.js';

/**
 * The density a model gives on a map's grid: each atom's 5-Gaussian electron scattering factor (ITC Vol. C 4.3.2.2)
 * with its B-factor, in real space ρ(r) = occ·Σ aᵢ (4π/(bᵢ+B))^{3/2} exp(−4π² r²/(bᵢ+B)) (the transform of
 * f(s)·exp(−B s²), s = 1/(2d)), summed out to where the widest term has fallen to 1e-5 of its peak. Voxel (i, j, k)
 * sits at origin + (start + index)·voxel size (MRC2014), the frame a model is placed in.
 */
export const MODEL_MAP_CUTOFF = 1e-5;

export interface ModelMapOptions {
  /** Added to every atom's B (Å²): a blur to match a map's resolution, 0 by default. */
  blurA2?: number;
  /** Elements without a table entry are refused unless this is set (then skipped, and counted). */
  skipUnknown?: boolean;
}

export function modelMap(
  atoms: Atom[],
  grid: Pick<Volume, 'nx' | 'ny' | 'nz' | 'originA' | 'startVoxel'> & { pixelSizeA: number },
  o: ModelMapOptions = {},
): { data: Float32Array; skipped: number } {
  const { nx, ny, nz, pixelSizeA: px } = grid;
  const data = new Float32Array(nx * ny * nz);
  const coef = new Float64Array(5),
    expo = new Float64Array(5);
  let skipped = 0;
  for (const a of atoms) {
    const table = ELECTRON_SCATTERING[a.element];
    if (!table) {
      if (!o.skipUnknown) throw new RangeError(`no electron scattering factor for element "${a.element}" (${a.name})`);
      skipped++;
      continue;
    }
    const [aa, bb] = table;
    const B = Math.max(0, a.bfactorA2) + (o.blurA2 ?? 0);
    let widest = 0;
    for (let i = 0; i < 5; i++) {
      const w = bb[i]! + B;
      coef[i] = a.occupancy * aa[i]! * ((4 * Math.PI) / w) ** 1.5;
      expo[i] = (4 * Math.PI * Math.PI) / w;
      widest = Math.max(widest, w);
    }
    const radius = Math.sqrt((Math.log(1 / MODEL_MAP_CUTOFF) * widest) / (4 * Math.PI * Math.PI));
    // The atom in voxel units of this grid.
    const [gx, gy, gz] = voxelOf(grid, px, a.xA, a.yA, a.zA);
    const r = radius / px;
    const x0 = Math.max(0, Math.ceil(gx - r)),
      x1 = Math.min(nx - 1, Math.floor(gx + r));
    const y0 = Math.max(0, Math.ceil(gy - r)),
      y1 = Math.min(ny - 1, Math.floor(gy + r));
    const z0 = Math.max(0, Math.ceil(gz - r)),
      z1 = Math.min(nz - 1, Math.floor(gz + r));
    const r2max = radius * radius;
    for (let z = z0; z <= z1; z++) {
      const dz = (z - gz) * px;
      for (let y = y0; y <= y1; y++) {
        const dy = (y - gy) * px;
        const dyz = dy * dy + dz * dz;
        if (dyz > r2max) continue;
        const row = (z * ny + y) * nx;
        for (let x = x0; x <= x1; x++) {
          const dx = (x - gx) * px;
          const d2 = dx * dx + dyz;
          if (d2 > r2max) continue;
          let v = 0;
          for (let i = 0; i < 5; i++) v += coef[i]! * Math.exp(-expo[i]! * d2);
          data[row + x] = data[row + x]! + v;
        }
      }
    }
  }
  return { data, skipped };
}
