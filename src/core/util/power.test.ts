import { describe, expect, it } from 'vitest';
import { correlationInterval, itemsToExclude, medianRankInterval, pairsToExclude, wilsonBounds } from './power.js';
import { pearson } from './stats.js';
import { gaussianRandom, seededRandom } from './random.js';

describe('power: what n items can carry', () => {
  it('Wilson: with none of n seen the upper bound is z²/(n + z²) (closed form); 0 of 24 cannot exclude 10 %', () => {
    const z = 1.6449;
    for (const n of [5, 24, 100]) expect(wilsonBounds(0, n).high).toBeCloseTo((z * z) / (n + z * z), 12);
    expect(wilsonBounds(0, 24).high).toBeGreaterThan(0.1);
    expect(wilsonBounds(0, 25).high).toBeLessThan(0.1);
    expect(itemsToExclude(0.1)).toBe(25);
  });

  it('Wilson: the one-sided 95 % upper bound covers the true share in ~95 % of binomial draws', () => {
    const rnd = seededRandom(3);
    for (const [p, n] of [
      [0.1, 50],
      [0.3, 200],
    ] as const) {
      let covered = 0;
      const trials = 4000;
      for (let t = 0; t < trials; t++) {
        let k = 0;
        for (let i = 0; i < n; i++) if (rnd() < p) k++;
        if (wilsonBounds(k, n).high >= p) covered++;
      }
      // Binomial coverage oscillates around the nominal level; 4000 trials scatter by ±0.7 %.
      expect(covered / trials).toBeGreaterThan(0.92);
      expect(covered / trials).toBeLessThan(0.985);
    }
  });

  it('Fisher z: the 95 % interval of r covers ρ in ~95 % of bivariate normal samples', () => {
    const g = gaussianRandom(seededRandom(5));
    for (const [rho, n] of [
      [0, 10],
      [0.5, 30],
    ] as const) {
      let covered = 0;
      const trials = 3000;
      for (let t = 0; t < trials; t++) {
        const x: number[] = [],
          y: number[] = [];
        for (let i = 0; i < n; i++) {
          const a = g(),
            b = g();
          x.push(a);
          y.push(rho * a + Math.sqrt(1 - rho * rho) * b);
        }
        const ci = correlationInterval(pearson(x, y), n)!;
        if (ci.low <= rho && rho <= ci.high) covered++;
      }
      expect(covered / trials).toBeGreaterThan(0.93);
      expect(covered / trials).toBeLessThan(0.97);
    }
    expect(correlationInterval(0.5, 3)).toBeNull();
  });

  it('the micrographs a correlation needs before it can exclude |r| ≥ 0.5: its interval then ends at 0.5', () => {
    for (const r of [0, 0.19, 0.34]) {
      const n = pairsToExclude(r, 0.5);
      expect(correlationInterval(r, n)!.high).toBeLessThan(0.5);
      expect(correlationInterval(r, n - 1)!.high).toBeGreaterThanOrEqual(0.5 - 1e-9);
    }
    expect(pairsToExclude(0.6, 0.5)).toBe(Infinity);
  });

  it('median interval ranks as the binomial tables give them (n = 10: 2–9, 20: 6–15, 100: 40–61)', () => {
    expect(medianRankInterval(10)).toEqual({ low: 2, high: 9 });
    expect(medianRankInterval(20)).toEqual({ low: 6, high: 15 });
    expect(medianRankInterval(100)).toEqual({ low: 40, high: 61 });
    expect(medianRankInterval(5)).toBeNull();
  });
});
