import { FormatError } from '../errors.js';
import { describeRange, type FieldRange } from './fields.js';

/**
 * AlphaFold's predicted aligned error: PAE[i][j] is the expected position error (Å) of residue j when the
 * prediction is aligned on residue i. Three layouts: AlphaFold DB since 2022 `[{"predicted_aligned_error": [[…]],
 * "max_predicted_aligned_error": 31.75}]`, the older flattened `[{"residue1": […], "residue2": […], "distance":
 * […]}]` (1-based), and ColabFold's `{"pae": [[…]], "max_pae": …}`.
 */
export interface Pae {
  n: number;
  /** Row-major n × n, Å. */
  values: Float32Array;
  maxA: number | null;
}

export function readPae(text: string, source: string): Pae {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new FormatError('not JSON', { source, found: (e as Error).message });
  }
  const o = (Array.isArray(v) ? v[0] : v) as Record<string, unknown> | undefined;
  if (!o || typeof o !== 'object')
    throw new FormatError('no PAE', { source, expected: 'an object with predicted_aligned_error, pae or residue1/2' });
  const matrix = (o['predicted_aligned_error'] ?? o['pae']) as unknown;
  const maxA = Number(o['max_predicted_aligned_error'] ?? o['max_pae']);
  if (Array.isArray(matrix)) return square(matrix as unknown[], source, Number.isFinite(maxA) ? maxA : null);
  if (Array.isArray(o['residue1']) && Array.isArray(o['residue2']) && Array.isArray(o['distance']))
    return flattened(o['residue1'] as unknown[], o['residue2'] as unknown[], o['distance'] as unknown[], source);
  throw new FormatError('no PAE', {
    source,
    expected: '"predicted_aligned_error" (AlphaFold DB), "pae" (ColabFold) or residue1/residue2/distance (old AFDB)',
  });
}

function square(rows: unknown[], source: string, maxA: number | null): Pae {
  const n = rows.length;
  const values = new Float32Array(n * n);
  rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== n)
      throw new FormatError('the PAE matrix is not square', {
        source,
        field: `row ${i + 1}`,
        found: `${Array.isArray(r) ? r.length : 'no'} values`,
        expected: `${n}`,
      });
    for (let j = 0; j < n; j++) values[i * n + j] = paeValue(r[j], source, `[${i}][${j}]`);
  });
  return { n, values, maxA };
}

function flattened(r1: unknown[], r2: unknown[], d: unknown[], source: string): Pae {
  const n = Math.round(Math.sqrt(d.length));
  if (n * n !== d.length || r1.length !== d.length || r2.length !== d.length)
    throw new FormatError('the flattened PAE is not n × n', { source, found: `${d.length} values` });
  const values = new Float32Array(n * n);
  const index = (v: unknown, field: string): number => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= n) return v - 1;
    throw new FormatError('a residue number outside 1…n', {
      source,
      field,
      found: JSON.stringify(v),
      expected: `1…${n}`,
    });
  };
  for (let k = 0; k < d.length; k++)
    values[index(r1[k], `residue1[${k}]`) * n + index(r2[k], `residue2[${k}]`)] = paeValue(
      d[k],
      source,
      `distance[${k}]`,
    );
  return { n, values, maxA: null };
}

/** PAE is a distance in Å: a JSON number, finite, ≥ 0 (null, text or a negative value is refused). */
const PAE_A: FieldRange = { min: 0, max: 1e4, unit: 'Å' };

function paeValue(v: unknown, source: string, field: string): number {
  if (typeof v === 'number' && v >= PAE_A.min && v <= PAE_A.max) return v;
  throw new FormatError('a PAE value is not a distance', {
    source,
    field,
    found: JSON.stringify(v),
    expected: describeRange(PAE_A),
  });
}
