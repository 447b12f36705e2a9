/**
 * What a finding rests on: how many items, and what they are. Every finding a user reads states it, so that
 * "100 % of micrographs" from one fit, or a correlation over 10 micrographs, is seen for what it is.
 */
export type BasisItem =
  | 'micrographs'
  | 'fits'
  | 'particles'
  | 'classes'
  | 'residues'
  | 'residue pairs'
  | 'refinements'
  | 'Fourier shells'
  | 'cones'
  | 'maps'
  | 'frames'
  | 'picks'
  | 'regions'
  | 'segments'
  | 'optics groups'
  | 'models';

export interface Basis {
  /** How many items the number comes from. */
  count: number;
  of: BasisItem;
  /** When the items are a subset: how many there were before (e.g. 1 reliable fit of 24). */
  total?: number;
  /** Which items, by name, when they are few enough to list (a handful is a list, not a fraction). */
  items?: string[];
}

export function basis(count: number, of: BasisItem, more: Partial<Pick<Basis, 'total' | 'items'>> = {}): Basis {
  return { count, of, ...more };
}

/** "1 of 24 fits", "238 particles". */
export function basisText(b: Basis): string {
  const what = b.count === 1 ? singular(b.of) : b.of;
  return b.total !== undefined && b.total !== b.count ? `${b.count} of ${b.total} ${b.of}` : `${b.count} ${what}`;
}

function singular(of: BasisItem): string {
  if (of === 'classes') return 'class';
  if (of === 'residue pairs') return 'residue pair';
  if (of === 'Fourier shells') return 'Fourier shell';
  return of.replace(/s$/, '');
}
