import { describe, expect, it } from 'vitest';
import { fixture, textOf } from '../../../test/paths.js';
import { FormatError } from '../errors.js';
import { readPae } from './pae.js';
import { readStructure } from './structure.js';

/** Model and PAE fields read through their physical ranges (issue 34): a wrong value is refused by name. */
const pdb = textOf(fixture('model', 'fragment.pdb'));
const withB = (b: string, predicted = true): string =>
  (predicted ? 'TITLE     ALPHAFOLD MONOMER V2.0 PREDICTION\n' : '') +
  pdb
    .split('\n')
    .map((l) => (l.startsWith('ATOM') ? l.slice(0, 60) + b.padStart(6) + l.slice(66) : l))
    .join('\n');

describe('structure fields', () => {
  it('B of −50 or 999999 is refused naming line and columns (construct advised "truncate 1–147")', () => {
    expect(() => readStructure(withB('-50.00'), 'm.pdb')).toThrow(
      /m\.pdb \(line \d+, B, columns 61–66\): value out of range \(found -50\.00, expected a finite number from 0 Å²/,
    );
    expect(() => readStructure(withB('999999', false), 'm.pdb')).toThrow(/found 999999/);
    expect(readStructure(withB('87.50'), 'm.pdb').residues[0]!.plddt).toBe(87.5);
  });

  it('a predicted model whose pLDDT is above 100 is refused naming the residue', () => {
    expect(() => readStructure(withB('250.00'), 'm.pdb')).toThrow(/m\.pdb \(residue A \w+ \d+\): pLDDT out of range/);
    // a refined model with B above 100 is fine: B is not pLDDT there
    expect(readStructure(withB('250.00', false), 'm.pdb').atoms[0]!.bfactorA2).toBe(250);
  });

  it('occupancy outside 0–1 is refused', () => {
    const bad = pdb.replace(/^(ATOM.{50})(.{6})/m, (_m, a: string) => a + '  7.00');
    expect(() => readStructure(bad, 'm.pdb')).toThrow(/occupancy, columns 55–60\): value out of range \(found 7\.00/);
  });
});

describe('PAE values', () => {
  const square = (f: (i: number, j: number) => unknown): string =>
    JSON.stringify([
      { predicted_aligned_error: Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => f(i, j))) },
    ]);

  it('null entries are refused (they read as 0 and gave 8 domains instead of 3)', () => {
    expect(() =>
      readPae(
        square((i, j) => (i === 1 && j === 2 ? null : 3)),
        'p.json',
      ),
    ).toThrow(
      'p.json ([1][2]): a PAE value is not a distance (found null, expected a finite number from 0 Å to 10000 Å)',
    );
  });

  it('negative, text and out-of-range entries are refused; a good matrix reads', () => {
    expect(() =>
      readPae(
        square(() => -1),
        'p.json',
      ),
    ).toThrow(FormatError);
    expect(() =>
      readPae(
        square(() => '3'),
        'p.json',
      ),
    ).toThrow('found "3"');
    expect(() =>
      readPae(
        square(() => 1e300),
        'p.json',
      ),
    ).toThrow(FormatError);
    expect(
      Array.from(
        readPae(
          square((i, j) => i + j),
          'p.json',
        ).values.slice(0, 4),
      ),
    ).toEqual([0, 1, 2, 3]);
  });

  it('the flattened layout: residue numbers outside 1…n and null distances are refused', () => {
    const flat = (r1: unknown[], d: unknown[]): string =>
      JSON.stringify([{ residue1: r1, residue2: [1, 2, 1, 2], distance: d }]);
    expect(() => readPae(flat([1, 1, 2, 9], [1, 2, 3, 4]), 'p.json')).toThrow('residue1[3]');
    expect(() => readPae(flat([1, 1, 2, 2], [1, null, 3, 4]), 'p.json')).toThrow('distance[1]');
    expect(readPae(flat([1, 1, 2, 2], [1, 2, 3, 4]), 'p.json').values[3]).toBe(4);
  });
});
