import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import { directionsInUnit, fitAsymmetricUnit } from './asymmetric-unit.js';
import { symmetryOperators } from './symmetry.js';
import { viewingDirections } from './scf.js';

/** Uniformly random viewing directions (rot, tilt in degrees). */
function sphere(n: number, seed: number): { rot: number[]; tilt: number[] } {
  const r = seededRandom(seed);
  const rot = Array.from({ length: n }, () => 360 * r() - 180);
  const tilt = Array.from({ length: n }, () => (Math.acos(1 - 2 * r()) * 180) / Math.PI);
  return { rot, tilt };
}

/** The same directions moved into the group's unit, back as rot and tilt: a set as a refinement with it leaves. */
function refinedWith(sym: string, n: number, seed: number): { rot: number[]; tilt: number[] } {
  const s = sphere(n, seed);
  const d = directionsInUnit(s.rot, s.tilt, sym);
  const rot: number[] = [],
    tilt: number[] = [];
  for (let i = 0; i < n; i++) {
    rot.push((Math.atan2(d[3 * i + 1]!, d[3 * i]!) * 180) / Math.PI);
    tilt.push((Math.acos(Math.max(-1, Math.min(1, d[3 * i + 2]!))) * 180) / Math.PI);
  }
  return { rot, tilt };
}

describe('asymmetric units as RELION samples them', () => {
  it.each(['C2', 'C5', 'C17', 'D2', 'D7', 'D24', 'T', 'O', 'I'])(
    '%s: every direction has one copy in the unit, and the unit is 1/|G| of the sphere',
    (sym) => {
      const s = sphere(6000, 7);
      const order = symmetryOperators(sym).length;
      const inUnit = directionsInUnit(s.rot, s.tilt, sym);
      const all = viewingDirections(s.rot, s.tilt, 'C1');
      // A direction already in the unit is kept as it is; the rest move (the unit tiles the sphere).
      let kept = 0;
      for (let i = 0; i < all.length; i += 3)
        if ([0, 1, 2].every((c) => Math.abs(all[i + c]! - inUnit[i + c]!) < 1e-12)) kept++;
      // Within four standard deviations of a binomial count over 6000 directions.
      const tol = 4 * Math.sqrt(((1 / order) * (1 - 1 / order)) / 6000);
      expect(kept / (all.length / 3)).toBeGreaterThan(1 / order - tol);
      expect(kept / (all.length / 3)).toBeLessThan(1 / order + tol);
      const back = refinedWith(sym, 400, 11);
      expect(fitAsymmetricUnit(back.rot, back.tilt)?.symmetry).toBe(sym);
    },
    30_000,
  );

  it('angles over the whole sphere fit no unit; a cluster inside a unit is not taken for symmetry', () => {
    const s = sphere(400, 3);
    expect(fitAsymmetricUnit(s.rot, s.tilt)).toBeNull();
    const r = seededRandom(5);
    const rot = Array.from({ length: 300 }, () => 40 + 10 * r());
    const tilt = Array.from({ length: 300 }, () => 40 + 10 * r());
    expect(fitAsymmetricUnit(rot, tilt)).toBeNull();
  });
});
