import { anchorAtom, type Atom, type Residue } from '../../io/structure.js';
import { voxelOf, type Volume } from '../../model/volume.js';

/** A map's value at each residue's anchor atom (Cα), nearest voxel; null outside the box or where not finite. */
export function valuesAtResidues(
  map: Pick<Volume, 'nx' | 'ny' | 'nz' | 'originA' | 'startVoxel'>,
  values: Float32Array,
  pixelSizeA: number,
  atoms: Atom[],
  residues: Residue[],
): (number | null)[] {
  return residues.map((r) => {
    const a = anchorAtom(atoms, r);
    const g = voxelOf(map, pixelSizeA, a.xA, a.yA, a.zA).map(Math.round);
    const inside = g.every((c, i) => c >= 0 && c < [map.nx, map.ny, map.nz][i]!);
    const v = inside ? values[(g[2]! * map.ny + g[1]!) * map.nx + g[0]!]! : NaN;
    return Number.isFinite(v) ? v : null;
  });
}
