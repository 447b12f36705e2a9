import { describe, expect, it } from 'vitest';
import { fastCos } from './trig.js';

describe('fastCos', () => {
  it('matches Math.cos to 3e-11 from −1e4 to 1e4 rad, at multiples of π/2 and across the reduction seams', () => {
    let worst = 0;
    for (let i = -200000; i <= 200000; i++) {
      const x = i * 0.05 + 1e-3 * Math.sin(i);
      worst = Math.max(worst, Math.abs(fastCos(x) - Math.cos(x)));
    }
    for (let k = -2000; k <= 2000; k++)
      for (const x of [(k * Math.PI) / 2, k * Math.PI + 1e-12, k * Math.PI - 1e-12])
        worst = Math.max(worst, Math.abs(fastCos(x) - Math.cos(x)));
    expect(worst).toBeLessThan(3e-11);
  });

  it('stays within 1e-9 up to 1e6 rad, and hands huge or non-finite arguments to Math.cos', () => {
    let worst = 0;
    for (let i = 0; i < 100000; i++) {
      const x = 1e6 * Math.sin(i * 1.7);
      worst = Math.max(worst, Math.abs(fastCos(x) - Math.cos(x)));
    }
    expect(worst).toBeLessThan(1e-9);
    expect(fastCos(1e12)).toBe(Math.cos(1e12));
    expect(fastCos(Number.NaN)).toBeNaN();
    expect(fastCos(Infinity)).toBeNaN();
  });
});
