import { describe, expect, it } from 'vitest';
import { findCrossing, thresholdCurve } from './criteria.js';
import { readShape } from './shape.js';

const curve = (n: number, f: (i: number) => number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1 : f(i)));

describe('crossings', () => {
  it("RELION's rule, interpolation, and a re-rise", () => {
    const fsc = Float64Array.of(1, 0.9, 0.5, 0.2, 0.1, 0.05, 0.3, 0.02);
    const c = findCrossing(fsc, thresholdCurve('0.143', new Float64Array(8)), 100, '0.143');
    expect(c.shell).toBe(3);
    expect(c.resolutionA).toBeCloseTo(100 / 3, 12);
    // 0.2 → 0.1 crosses 0.143 at 3 + 0.057/0.1
    expect(c.interpolatedShell).toBeCloseTo(3.57, 12);
    expect(c.reRiseShells).toEqual([6]);
  });

  it('a curve that never drops reaches Nyquist', () => {
    const c = findCrossing(Float64Array.of(1, 0.9, 0.8), thresholdCurve('0.5', new Float64Array(3)), 30, '0.5');
    expect(c.reachesNyquist).toBe(true);
    expect(c.resolutionA).toBe(15);
  });

  it('half-bit and 3σ thresholds (van Heel & Schatz 2005)', () => {
    const [t] = thresholdCurve('half-bit', Float64Array.of(100));
    expect(t).toBeCloseTo((0.2071 + 1.9102 / 10) / (1.2071 + 0.9102 / 10), 12);
    expect(thresholdCurve('3sigma', Float64Array.of(400))[0]).toBeCloseTo(0.15, 12);
    expect(thresholdCurve('one-bit', Float64Array.of(1e12))[0]).toBeCloseTo(1 / 3, 4);
  });
});

describe('curve shape (seed 000)', () => {
  it('high then sharp collapse', () => {
    expect(readShape(curve(60, (i) => (i < 38 ? 0.95 - i * 0.005 : 0.01))).kind).toBe('high then sharp collapse');
  });
  it('long tail above 0.143', () => {
    expect(readShape(curve(60, (i) => (i < 10 ? 1 - 0.05 * i : Math.max(0, 0.45 - 0.01 * (i - 10))))).kind).toBe(
      'long tail above 0.143',
    );
  });
  it('bumpy / oscillating', () => {
    expect(readShape(curve(60, (i) => Math.max(0, 1 - i / 40) + 0.12 * Math.sin(i / 1.5))).kind).toBe(
      'bumpy / oscillating',
    );
  });
  it('clean drop', () => {
    const r = readShape(curve(60, (i) => 1 / (1 + Math.exp((i - 30) / 3))));
    expect(r.kind).toBe('clean drop');
    expect(r.evidence.shell05).toBe(31);
  });
});
