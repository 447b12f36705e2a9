import { FormatError } from '../../errors.js';
import type { Volume } from '../../model/volume.js';
import { countNonFinite } from '../../util/stats.js';

/**
 * Two half maps one FSC can be computed from: the same cubic box of at least 8 voxels, finite values. The
 * names are the files' (or 'half map 1/2'), so that the sentence says which map is wrong.
 */
export function checkHalves(a: Volume, b: Volume, names: [string, string] = ['half map 1', 'half map 2']): void {
  if (a.nx !== b.nx || a.ny !== b.ny || a.nz !== b.nz) {
    throw new FormatError('half maps have different shapes', {
      source: `${names[0]} and ${names[1]}`,
      found: `${a.nx}×${a.ny}×${a.nz} and ${b.nx}×${b.ny}×${b.nz}`,
      expected: 'the same box',
      hint: 'Use the two half maps of one refinement',
    });
  }
  if (a.nx !== a.ny || a.nx !== a.nz) {
    throw new FormatError('half maps are not cubic', {
      source: names[0],
      found: `${a.nx}×${a.ny}×${a.nz}`,
      expected: 'a cubic box (as RELION requires)',
      hint: 'Pad or crop the maps to a cube',
    });
  }
  if (a.nx < 8)
    throw new FormatError('box is too small for an FSC', {
      source: names[0],
      found: `${a.nx}`,
      expected: 'at least 8 voxels',
    });
  for (const [name, v] of [
    [names[0], a],
    [names[1], b],
  ] as const) {
    const { count: bad, first } = countNonFinite(v.data);
    if (bad > 0)
      throw new FormatError('map contains NaN or infinite values', {
        source: name,
        found: `${bad} of ${v.data.length} voxels (first at index ${first})`,
        expected: 'finite densities',
        hint: 'The refinement or a conversion went wrong; regenerate the half map',
      });
  }
}
