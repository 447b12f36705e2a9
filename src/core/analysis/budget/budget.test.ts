import { describe, expect, it } from 'vitest';
import { fitBudget, particlesFactorFromB, singleMapBudget } from './budget.js';

/** Points generated from a known B: 1/d² = (2/B)·ln N + b. */
function pointsFor(b: number, intercept: number, counts: number[]): { particles: number; resolutionA: number }[] {
  return counts.map((n) => ({ particles: n, resolutionA: 1 / Math.sqrt((2 / b) * Math.log(n) + intercept) }));
}

describe('Rosenthal–Henderson budget', () => {
  it('recovers a known B from exact points and predicts along the line', () => {
    const pts = pointsFor(100, -0.1, [12500, 25000, 50000, 100000, 200000]);
    const fit = fitBudget(pts, { targetA: 3 });
    expect(fit.overallBfactorA2).toBeCloseTo(100, 6);
    // RELION's sign in the field named bfactorA2 (docs/conventions.md).
    expect(fit.bfactorA2).toBeCloseTo(-100, 6);
    expect(fit.r2).toBeCloseTo(1, 10);
    const two = fit.predictions.find((p) => p.factor === 2)!;
    expect(two.resolutionA).toBeCloseTo(1 / Math.sqrt(0.02 * Math.log(400000) - 0.1), 8);
    expect(fit.target!.particles).toBe(Math.round(Math.exp((1 / 9 + 0.1) / 0.02)));
    expect(fit.particleLimited).toBe(true);
  });

  it("seed 000's case: doubling 0.8 M → 1.6 M particles bought 0.1 Å — not particle-limited", () => {
    const fit = fitBudget([
      { particles: 200000, resolutionA: 4.45 },
      { particles: 400000, resolutionA: 4.32 },
      { particles: 800000, resolutionA: 4.21 },
      { particles: 1600000, resolutionA: 4.11 },
    ]);
    expect(fit.particleLimited).toBe(false);
    expect(fit.verdict).toMatch(/^Not particle-limited/);
    expect(fit.overallBfactorA2!).toBeGreaterThan(300);
    expect(fit.bfactorA2!).toBeLessThan(-300);
  });

  it('a noisy but real trend has a 95 % band that contains the truth', () => {
    const pts = pointsFor(80, -0.05, [10000, 20000, 40000, 80000]).map((p, i) => ({
      ...p,
      resolutionA: p.resolutionA * (1 + [0.01, -0.012, 0.008, -0.006][i]!),
    }));
    const fit = fitBudget(pts);
    const p = fit.predictions.find((x) => x.factor === 4)!;
    const truth = 1 / Math.sqrt((2 / 80) * Math.log(320000) - 0.05);
    expect(p.bandA[0]!).toBeLessThan(truth);
    expect(p.bandA[1]!).toBeGreaterThan(truth);
  });

  it('single-map estimate: N₂/N₁ = exp(B/2·(1/d₂² − 1/d₁²))', () => {
    expect(particlesFactorFromB(120, 4, 2)).toBeCloseTo(Math.exp(60 * (1 / 4 - 1 / 16)), 6);
    const s = singleMapBudget(-150, 4, 100000, [3]);
    expect(s.targets[0]!.factor).toBeCloseTo(Math.exp(75 * (1 / 9 - 1 / 16)), 6);
    // Doubling at B = 150 Å² from 4 Å: 1/d² grows by 2·ln 2/150.
    expect(s.doublingGainA).toBeCloseTo(4 - 1 / Math.sqrt(1 / 16 + (2 * Math.log(2)) / 150), 10);
  });

  it('a target out of reach is a warning, never "Infinity×" or a 40-digit particle count (issue 34)', () => {
    const s = singleMapBudget(-50, 5, 1000, [3, 0.5, 0.1]);
    expect(s.targets.map((t) => t.resolutionA)).toEqual([3]);
    expect(s.warnings.find((w) => w.code === 'budget-out-of-reach')!.message).toMatch(
      /^0\.50 Å, 0\.10 Å would need more than 10\^6× the particles at B = 50 Å²/,
    );
    for (const t of s.targets) expect(Number.isFinite(t.factor) && Number.isFinite(t.particles!)).toBe(true);
    const fit = fitBudget(
      [
        { particles: 1000, resolutionA: 10 },
        { particles: 2000, resolutionA: 9 },
        { particles: 4000, resolutionA: 8.99 },
      ],
      { targetA: 1 },
    );
    expect(fit.target).toEqual({ resolutionA: 1, particles: null, factor: null });
  });

  it('refuses what cannot be fitted', () => {
    expect(() => fitBudget([{ particles: 1000, resolutionA: 4 }])).toThrow(/at least 2/);
    expect(() =>
      fitBudget([
        { particles: 1000, resolutionA: 4 },
        { particles: 1000, resolutionA: 3.9 },
      ]),
    ).toThrow(/same particle count/);
  });
});
