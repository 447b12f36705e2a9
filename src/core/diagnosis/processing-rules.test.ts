import { describe, expect, it } from 'vitest';
import { diagnose, type DiagnosisInput } from './diagnose.js';

/** The rules that read a project's processing: what each measurement makes of a cause, at its thresholds. */
const of = (input: DiagnosisInput, cause: string) => diagnose(input).find((f) => f.cause === cause)!;

const classes = (over: Partial<NonNullable<DiagnosisInput['classes']>>): DiagnosisInput['classes'] => ({
  dimensionality: 3,
  classes: 4,
  signalClasses: 1,
  resolved: true,
  keptSignalClasses: null,
  junkFraction: 0.1,
  changesOptimalClasses: 0.01,
  jumpFraction: null,
  pMaxMedian: 0.95,
  pMaxBimodality: 0.4,
  ...over,
});

describe('compositional heterogeneity from classes', () => {
  it('one class with signal and a settled assignment rules it out; two make it possible; both kept, strong', () => {
    expect(of({ classes: classes({}) }, '1a-compositional').strength).toBe('ruled out');
    expect(of({ classes: classes({ signalClasses: 2 }) }, '1a-compositional').strength).toBe('possible');
    expect(of({ classes: classes({ signalClasses: 2, keptSignalClasses: 2 }) }, '1a-compositional').strength).toBe(
      'strong',
    );
    // Particles still changing class (6 % > 5 %): not converged.
    expect(of({ classes: classes({ changesOptimalClasses: 0.06 }) }, '1a-compositional').strength).toBe('possible');
  });

  it('2D classes speak to views and junk (picking), never to composition: 1a stays not measured', () => {
    const two = classes({ dimensionality: 2, classes: 50, signalClasses: 12, changesOptimalClasses: 0.2 });
    const f = of({ classes: two }, '1a-compositional');
    expect(f.strength).toBe('not measured');
    expect(f.evidence).toEqual([]);
    expect(f.needs).toMatch(/3D classification/);
    const p = of({ classes: two }, '6-picking');
    expect(p.evidence.find((e) => e.measure === 'junkFraction2D')!.statement).toMatch(/12 of 50 2D classes/);
    expect(p.strength).toBe('not measured');
  });

  it('one 3D class cannot show a second species: not measured, not ruled out', () => {
    const one = classes({ classes: 1, signalClasses: 1, changesOptimalClasses: null });
    expect(of({ classes: one }, '1a-compositional').strength).toBe('not measured');
  });
});

describe('motion and damage from motion correction and polishing', () => {
  const motion = { micrographs: 100, medianTotalA: 12, medianEarlyA: 2, earlyToLateRate: 1.5, outlierFraction: 0.02 };
  it('quiet motion and polishing rule it out; a motion-blurred first frame (weight < 0.25) makes it strong', () => {
    const polishing = {
      resolutionA: 3,
      firstFrameWeight: 0.9,
      criticalExposureRatio: 0.9,
      measuredCriticalExposureEPerA2: 3,
      modelCriticalExposureEPerA2: 3.3,
    };
    expect(of({ motion, polishing }, '4-motion-damage').strength).toBe('ruled out');
    expect(of({ motion, polishing: { ...polishing, firstFrameWeight: 0.2 } }, '4-motion-damage').strength).toBe(
      'strong',
    );
    expect(of({ motion: { ...motion, outlierFraction: 0.35 } }, '4-motion-damage').strength).toBe('strong');
  });

  it('a polishing gain of 0.2 Å or more says motion was a limit, never strong on its own', () => {
    expect(of({ gains: { polishingA: 0.25, ctfRefinementA: null } }, '4-motion-damage').strength).toBe('possible');
    expect(of({ gains: { polishingA: 0.1, ctfRefinementA: null } }, '4-motion-damage').strength).toBe('ruled out');
  });

  it('a B-factor alone is at most possible; at Nyquist it is set aside for the motion statistics', () => {
    expect(of({ bfactorA2: -400 }, '4-motion-damage').strength).toBe('possible');
    const atNyquist = {
      bfactorA2: -400,
      fsc: { resolutionA: 7, shape: 'clean drop', warnings: [], fscAtNyquist: 0.3, nyquistA: 7 },
    };
    expect(of(atNyquist, '4-motion-damage').strength).toBe('not measured');
    const f = of({ ...atNyquist, motion }, '4-motion-damage');
    expect(f.strength).toBe('ruled out');
    expect(f.evidence.map((e) => e.measure)).not.toContain('overallBfactorA2');
  });
});

describe('picking from two pickers', () => {
  type Picking = NonNullable<DiagnosisInput['picking']>;
  const picking = (over: Partial<Picking>): Picking => ({
    pickers: ['A', 'B'],
    jaccard: 0.3,
    chanceJaccard: 0.02,
    micrographs: 10,
    countCorrelations: [{ property: 'defocus', r: 0.1 }],
    survival: [],
    usedPicker: null,
    missedByUsed: null,
    ...over,
  });
  it('without the final particles the Jaccard decides; with them, what the used picker misses does', () => {
    expect(of({ picking: picking({}) }, '6-picking').strength).toBe('possible');
    const used = picking({ usedPicker: 'A', missedByUsed: 0.1 });
    expect(of({ picking: used }, '6-picking').strength).toBe('ruled out');
    expect(of({ picking: { ...used, missedByUsed: 0.55 } }, '6-picking').strength).toBe('strong');
  });
  it('picks following defocus (|r| > 0.5, 95 % interval clear of 0) are a contrast bias; over 10, no', () => {
    const corr = (r: number, micrographs: number) => [{ property: 'ice thickness', r, micrographs }];
    const contrast = picking({ jaccard: 0.8, countCorrelations: corr(-0.6, 60) });
    expect(of({ picking: contrast }, '6-picking').strength).toBe('possible');
    // r = −0.6 over 10 micrographs: 95 % interval −0.89 to 0.05 — no sign either way, so two agreeing pickers decide.
    const few = of({ picking: picking({ jaccard: 0.8, countCorrelations: corr(-0.6, 10) }) }, '6-picking');
    expect(few.strength).toBe('ruled out');
    expect(few.evidence.find((e) => e.measure === 'pickCountCorrelationAbs')!.power).toMatch(
      /interval -0\.89 to 0\.05.*cannot exclude \|r\| ≥ 0\.5/,
    );
  });

  it('one picker never rules picking bias out: correlations of 0.34 and 0.19 over 10 micrographs are no test', () => {
    const one = picking({
      pickers: null,
      jaccard: null,
      countCorrelations: [
        { property: 'defocus', r: 0.34, micrographs: 10 },
        { property: 'CTF fit resolution', r: 0.19, micrographs: 10 },
      ],
    });
    const f = of({ picking: one }, '6-picking');
    expect(f.strength).toBe('not measured');
    expect(f.needs).toMatch(/second picker/);
    // Would need ~100 and ~33 micrographs at these r to exclude |r| ≥ 0.5 (Fisher z).
    expect(f.evidence[0]!.power).toMatch(/would need ~10[0-9] micrographs/);
    expect(f.evidence[1]!.power).toMatch(/would need ~3[0-9] micrographs/);
    // Even a strong, significant correlation with one picker is at most possible.
    const strong = picking({
      pickers: null,
      jaccard: null,
      countCorrelations: [{ property: 'defocus', r: 0.9, micrographs: 200 }],
    });
    expect(of({ picking: strong }, '6-picking').strength).toBe('possible');
  });
});

describe('ice against the particle size', () => {
  // 100 micrographs whose median thickness is known to ±5 % (the order-statistic interval).
  const ctf = (t: number): DiagnosisInput['ctf'] => ({
    fractionFitWorseThanMap: 0,
    medianDefocusUA: 12000,
    medianFitResolutionA: 4,
    medianThicknessA: t,
    medianThicknessIntervalA: [0.95 * t, 1.05 * t],
    thicknessFits: 100,
    micrographs: 100,
  });
  it('1.1–1.5× the longest dimension is right; thicker or thinner is possible; strong only from the thickness', () => {
    expect(of({ ctf: ctf(260), particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('ruled out');
    expect(of({ ctf: ctf(400), particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('possible');
    expect(of({ ctf: ctf(190), particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('possible');
    expect(of({ ctf: ctf(450), particleDiameterA: 100 }, '3-ice-thickness').strength).toBe('possible');
    expect(of({ ctf: ctf(900), particleDiameterA: 700 }, '3-ice-thickness').strength).toBe('strong');
    // The same median from 5 micrographs (no interval) rules nothing out; after a failed run nothing is read.
    const five = { ...ctf(260)!, medianThicknessIntervalA: null, thicknessFits: 5 };
    expect(of({ ctf: five, particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('not measured');
    expect(of({ ctf: { ...ctf(900)!, failedRun: true } }, '3-ice-thickness').strength).toBe('not measured');
  });
});
