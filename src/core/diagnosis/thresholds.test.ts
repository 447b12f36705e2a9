import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.js';
import { levelOf, thresholdText, THRESHOLDS, type Threshold } from './thresholds.js';

/** The number printed in a threshold's text, back in the stored unit. */
function printed(t: Threshold, which: 'possible' | 'strong'): number {
  const text = thresholdText(t);
  const m = which === 'possible' ? /^[<>≥] (-?[\d.]+)/.exec(text) : /strong [<>≥] (-?[\d.]+)/.exec(text);
  return Number(m![1]) / (t.scale ?? 1);
}

describe('thresholds: the sentence and the comparison come from one number', () => {
  const rows = Object.entries(THRESHOLDS) as [string, Threshold][];

  it.each(rows)('%s: just past the printed level is graded, just short of it is not', (_name, t) => {
    const eps = 1e-6 * Math.max(1, Math.abs(t.possible));
    const toward = t.op === '<' ? -1 : 1;
    const at = printed(t, 'possible');
    expect(at).toBeCloseTo(t.possible, 6);
    expect(levelOf(t, at + toward * eps)).not.toBe('none');
    if (t.op !== '≥') expect(levelOf(t, at)).toBe('none');
    expect(levelOf(t, at - toward * eps)).toBe('none');
    if (t.strong !== undefined && t.strong !== t.possible) {
      const s = printed(t, 'strong');
      expect(s).toBeCloseTo(t.strong, 6);
      expect(levelOf(t, s + toward * 1e-6 * Math.max(1, Math.abs(s)))).toBe('strong');
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
