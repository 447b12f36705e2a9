import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.js';
import { levelOf, thresholdText, THRESHOLDS, type Threshold } from './thresholds.js';

/**
 * Every threshold as a user reads it, written out here from its source (seed 000's reasons, 3DFSC, cryoSPARC,
 * Rosenthal & Henderson, RELION; `source` in thresholds.ts says which): not read from the table under test, so a
 * changed level fails here until this list, and with it what users are told, is changed on purpose.
 */
const WRITTEN: Record<string, string> = {
  peripheryOverCore: '> 1.25 (strong > 1.5)',
  worseRegions: '> 0',
  sphericity: '< 0.92 (strong < 0.85)',
  directionalSpread: '> 1 Å',
  cfar: '< 0.5',
  scfStar: '< 0.81 (strong < 0.6)',
  scfStarRelative: '< 0.81 (strong < 0.6)',
  thickness: '> 500 Å (strong > 800 Å)',
  iceOverParticle: '> 1.5',
  iceTooThin: '< 1.1',
  disorderedFraction: '> 10 %',
  plddtLocresSegments: '> 0 (strong > 1)',
  bfactor: '> 150 Å²',
  bfactorWithCollapse: '> 100 Å²',
  fitWorseThanMap: '> 10 % (strong > 30 %)',
  defocus: '> 2 µm (strong > 2.5 µm)',
  unsampled: '> 5 %',
  pixelSizeError: '> 1 % (strong > 2 %)',
  phaseError: '> 45 °',
  fscAtNyquist: '≥ 0.143',
  resolutionOverNyquist: '< 1.15',
  comaPhase: '> 45 ° (strong > 90 °)',
  magAnisotropy: '> 0.5 % (strong > 1 %)',
  doublingGain: '≥ 0.1 Å',
  motionOutliers: '> 10 % (strong > 30 %)',
  earlyMotionRate: '> 2 (strong > 4)',
  firstFrameWeight: '< 0.5 (strong < 0.25)',
  criticalExposureRatio: '< 0.5 (strong < 0.25)',
  polishingGain: '≥ 0.2 Å',
  signalClasses: '> 1',
  keptSignalClasses: '> 1',
  classChanges: '> 5 %',
  pickerJaccard: '< 0.5',
  pickerMissed: '> 30 % (strong > 50 %)',
  pickDefocusCorrelation: '> 0.5',
  ctfFractionUnreliable: '> 10 % (strong > 30 %)',
  ctfFractionFitWorse: '> 10 % (strong > 30 %)',
  ctfFractionHighDefocus: '> 20 % (strong > 50 %)',
  ctfFractionIce: '> 10 % (strong > 30 %)',
  ctfFractionAstigmatism: '> 10 % (strong > 30 %)',
  ctfFractionFailed: '> 5 % (strong > 20 %)',
};

/**
 * A printed level back in the unit the measurement carries: fractions for most percentages and Å for µm (the units'
 * meaning, not the table's scale); the pixel-size error and the magnification anisotropy are measured in % already
 * (pixelSizeErrorPercent, RELION's anisotropy in %).
 */
const STORED: Record<string, number> = { '%': 0.01, µm: 1e4 };
const MEASURED_IN_PERCENT = new Set(['pixelSizeError', 'magAnisotropy']);

/** The comparison and the levels a written sentence states. */
function levels(name: string, text: string): { op: string; possible: number; strong: number | null } {
  const m = /^([<>≥]) (-?[\d.]+) ?([^ (]*)(?: \(strong [<>≥] (-?[\d.]+) ?[^ )]*\))?$/.exec(text)!;
  const scale = MEASURED_IN_PERCENT.has(name) ? 1 : (STORED[m[3]!] ?? 1);
  return { op: m[1]!, possible: Number(m[2]) * scale, strong: m[4] !== undefined ? Number(m[4]) * scale : null };
}

describe('thresholds: the sentence and the comparison come from one number', () => {
  const rows = Object.entries(THRESHOLDS) as [string, Threshold][];

  it('every threshold is written out above, and nothing else is', () => {
    expect(rows.length).toBeGreaterThan(30);
    expect(Object.keys(WRITTEN).sort()).toEqual(rows.map(([name]) => name).sort());
  });

  it.each(rows)('%s: says what is written, grades just past that level and not just short of it', (name, t) => {
    const text = WRITTEN[name]!;
    expect(thresholdText(t)).toBe(text);
    const { op, possible, strong } = levels(name, text);
    expect(t.op).toBe(op);
    const toward = op === '<' ? -1 : 1;
    const eps = 1e-6 * Math.max(1, Math.abs(possible));
    expect(levelOf(t, possible + toward * eps)).not.toBe('none');
    if (op !== '≥') expect(levelOf(t, possible)).toBe('none');
    expect(levelOf(t, possible - toward * eps)).toBe('none');
    if (strong !== null) {
      const e = 1e-6 * Math.max(1, Math.abs(strong));
      expect(levelOf(t, strong + toward * e)).toBe('strong');
      expect(levelOf(t, strong - toward * e)).toBe('possible');
    }
  });

  it('the ice rule says "> 500 Å (strong > 800 Å)" and grades 650 Å possible, 900 Å strong', () => {
    expect(thresholdText(THRESHOLDS.thickness)).toBe('> 500 Å (strong > 800 Å)');
    const at = (t: number): string =>
      diagnose({
        ctf: {
          fractionFitWorseThanMap: 0,
          medianDefocusUA: 10000,
          medianFitResolutionA: 4,
          medianThicknessA: t,
          medianThicknessIntervalA: [t - 20, t + 20],
          thicknessFits: 200,
          micrographs: 200,
        },
      }).find((f) => f.cause === '3-ice-thickness')!.strength;
    expect(at(450)).toBe('ruled out');
    expect(at(650)).toBe('possible');
    expect(at(900)).toBe('strong');
  });
});
