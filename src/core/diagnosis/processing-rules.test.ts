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

  it('2D classes differ by view as much as by composition: several with signal do not make it possible', () => {
    const f = of({ classes: classes({ dimensionality: 2, classes: 50, signalClasses: 12 }) }, '1a-compositional');
    expect(f.strength).toBe('ruled out');
    expect(f.evidence[0]!.statement).toMatch(/12 of 50 2D classes/);
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
  it('picks following defocus (|r| > 0.5) are a contrast bias', () => {
    const contrast = picking({ jaccard: 0.8, countCorrelations: [{ property: 'ice thickness', r: -0.6 }] });
    expect(of({ picking: contrast }, '6-picking').strength).toBe('possible');
  });
});

describe('ice against the particle size', () => {
  const ctf = (t: number): DiagnosisInput['ctf'] => ({
    fractionFitWorseThanMap: 0,
    medianDefocusUA: 12000,
    medianFitResolutionA: 4,
    medianThicknessA: t,
    micrographs: 10,
  });
  it('1.1–1.5× the longest dimension is right; thicker or thinner is possible; strong only from the thickness', () => {
    expect(of({ ctf: ctf(260), particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('ruled out');
    expect(of({ ctf: ctf(400), particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('possible');
    expect(of({ ctf: ctf(190), particleDiameterA: 200 }, '3-ice-thickness').strength).toBe('possible');
    expect(of({ ctf: ctf(450), particleDiameterA: 100 }, '3-ice-thickness').strength).toBe('possible');
    expect(of({ ctf: ctf(900), particleDiameterA: 700 }, '3-ice-thickness').strength).toBe('strong');
  });
});
