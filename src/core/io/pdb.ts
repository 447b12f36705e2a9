import { readStructure } from './structure.js';
import { FormatError } from '../errors.js';

/**
 * Atoms from a PDB file's fixed columns (wwPDB format v3.3: x 31–38, y 39–46, z 47–54, occupancy
 * 55–60, B 61–66, element 77–78). Enough to simulate a density map from a deposited structure.
 */
export interface PdbAtom {
  element: string;
  xA: number;
  yA: number;
  zA: number;
  occupancy: number;
  bfactorA2: number;
}

export function readPdb(
  input: ArrayBuffer | ArrayBufferView | string,
  source = 'PDB file',
  options: { hetatm?: boolean } = {},
): PdbAtom[] {
  const atoms = readStructure(input, source).atoms.filter((a) => options.hetatm || !a.hetero);
  if (atoms.length === 0) throw new FormatError('no ATOM records', { source, expected: 'PDB ATOM lines' });
  return atoms.map((a) => ({
    element: a.element,
    xA: a.xA,
    yA: a.yA,
    zA: a.zA,
    occupancy: a.occupancy,
    bfactorA2: a.bfactorA2,
  }));
}

/** Electrons per element, for a density weighted by scattering power (a simple Z weighting). */
export const ATOMIC_NUMBER: Readonly<Record<string, number>> = {
  H: 1,
  C: 6,
  N: 7,
  O: 8,
  S: 16,
  P: 15,
  SE: 34,
  MG: 12,
  ZN: 30,
  FE: 26,
  CA: 20,
  NA: 11,
  CL: 17,
  K: 19,
  MN: 25,
};
