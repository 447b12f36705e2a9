import { asBytes, decodeText } from './bytes.js';
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
  const text = typeof input === 'string' ? input : decodeText(asBytes(input));
  const atoms: PdbAtom[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const rec = line.slice(0, 6);
    if (rec !== 'ATOM  ' && !(options.hetatm && rec === 'HETATM')) return;
    if (line.startsWith('ENDMDL')) return;
    const num = (a: number, b: number, field: string): number => {
      const v = Number(line.slice(a - 1, b));
      if (!Number.isFinite(v) || line.slice(a - 1, b).trim() === '')
        throw new FormatError('value is not a number', {
          source,
          line: i + 1,
          field,
          found: JSON.stringify(line.slice(a - 1, b)),
          expected: `a number in columns ${a}–${b}`,
        });
      return v;
    };
    const element = (
      line.slice(76, 78).trim() ||
      line
        .slice(12, 16)
        .trim()
        .replace(/[^A-Za-z]/g, '')
        .slice(0, 1)
    ).toUpperCase();
    atoms.push({
      element,
      xA: num(31, 38, 'x'),
      yA: num(39, 46, 'y'),
      zA: num(47, 54, 'z'),
      occupancy: line.length >= 60 ? Number(line.slice(54, 60)) || 1 : 1,
      bfactorA2: line.length >= 66 ? Number(line.slice(60, 66)) || 0 : 0,
    });
  });
  if (atoms.length === 0) throw new FormatError('no ATOM records', { source, expected: 'PDB ATOM lines' });
  return atoms;
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
