import { describe, expect, it } from 'vitest';
import type { CtfEstimate } from '../model/ctf.js';
import { seededRandom } from '../util/random.js';
import { triageCtf } from './ctf-triage.js';

/** A synthetic dataset: healthy micrographs around 1.2 µm, 3.2 Å fits, 40 nm ice, ± planted problems. */
function dataset(plant: boolean): CtfEstimate[] {
  const rnd = seededRandom(7);
  return Array.from({ length: 400 }, (_, i) => {
    const df = 12000 + 3000 * (rnd() - 0.5);
    const e: CtfEstimate = {
      micrograph: `mic${i}.mrc`,
      defocusUA: df + 150,
      defocusVA: df - 150,
      astigmatismAngleDeg: 180 * rnd(),
      phaseShiftRad: 0,
      crossCorrelation: 0.2,
      fitResolutionA: 3.0 + 0.4 * rnd(),
      tiltAxisDeg: 0,
      tiltAngleDeg: 0,
      thicknessA: 400 + 50 * rnd(),
    };
    if (!plant) return e;
    // 25 % fit to 6–7.5 Å: a fit to r pins the defocus to ±r²/4λ, enough for r/√2 = 4.2–5.3 Å — less than a 4 Å map.
    if (i % 4 === 0) e.fitResolutionA = 6 + 1.5 * rnd();
    if (i % 5 === 1) e.thicknessA = 900 + 200 * rnd(); // 20 % thick ice
    if (i % 8 === 2) [e.defocusUA, e.defocusVA] = [df + 1500, df - 1500]; // 12.5 % astigmatic
    if (i === 3) [e.defocusUA, e.defocusVA] = [60000, 59800]; // a stray 6 µm micrograph
    if (i === 5) e.fitResolutionA = 15; // a failed fit
    return e;
  });
}

describe('dataset CTF triage', () => {
  it('flags the planted problems, with their fractions, and names the outliers', () => {
    const t = triageCtf(dataset(true), { mapResolutionA: 4 });
    const by = Object.fromEntries(t.findings.map((f) => [f.code, f]));
    // Of the 399 reliable fits (mic5's 15 Å fit is not one), 100 support less than 4 Å.
    expect(by['fit-worse-than-map']?.fraction).toBeCloseTo(100 / 399, 6);
    expect(by['fit-worse-than-map']?.severity).toBe('possible');
    expect(by['fit-worse-than-map']?.remedy).toMatch(/per-particle/);
    expect(by['unreliable-fits']).toBeUndefined(); // 1 in 400
    expect(by['thick-ice']?.fraction).toBeCloseTo(0.2, 2);
    expect(by['astigmatism']?.fraction).toBeCloseTo(0.125, 2);
    expect(by['high-defocus']).toBeUndefined(); // one stray micrograph is an outlier, not a finding
    for (const f of t.findings) expect(f.remedy.length).toBeGreaterThan(20);
    const names = new Map(t.outliers.map((o) => [o.micrograph, o.reasons.join('; ')]));
    expect(names.get('mic3.mrc')).toMatch(/defocus 5\.99 µm/);
    expect(names.get('mic5.mrc')).toMatch(/unreliable fit: rings fit only to 15\.0 Å/);
    expect(t.summary.fractionUnreliable).toBeCloseTo(1 / 400, 9);
    expect(t.distributions.thicknessA!.median).toBeGreaterThan(400);
  });

  it('a healthy dataset raises nothing', () => {
    const t = triageCtf(dataset(false), { mapResolutionA: 4, particleSizeA: 300 });
    expect(t.findings).toEqual([]);
    expect(t.outliers).toEqual([]);
    expect(t.summary.medianDefocusUA).toBeGreaterThan(11000);
  });

  it('thin ice against the particle size', () => {
    const t = triageCtf(dataset(false), { particleSizeA: 500 });
    expect(t.findings.map((f) => f.code)).toEqual(['thin-ice']);
  });

  it(
    'a failed run (figures of merit 0.02–0.08, defocus 3.5–5 µm) is called unreliable first, and its defocus ' +
      'feeds nothing',
    () => {
      const rnd = seededRandom(11);
      const failed = dataset(false).map((e) => {
        const df = 35000 + 15000 * rnd();
        return { ...e, defocusUA: df + 150, defocusVA: df - 150, crossCorrelation: 0.017 + 0.063 * rnd() };
      });
      const t = triageCtf(failed, { mapResolutionA: 3 });
      expect(t.findings[0]!.code).toBe('unreliable-fits');
      expect(t.findings[0]!.severity).toBe('strong');
      expect(t.findings[0]!.fraction).toBe(1);
      expect(t.findings.map((f) => f.code)).not.toContain('high-defocus');
      expect(t.summary.fractionUnreliable).toBe(1);
    },
  );

  it('a good run fitting to ~3.2 Å does not tell a 2.8 Å dataset to exclude its micrographs', () => {
    const t = triageCtf(dataset(false), { mapResolutionA: 2.82 });
    expect(t.findings.filter((f) => f.severity === 'strong')).toEqual([]);
    expect(t.findings.map((f) => f.code)).not.toContain('fit-worse-than-map');
  });
});
