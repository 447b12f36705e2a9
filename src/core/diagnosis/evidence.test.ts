import { describe, expect, it } from 'vitest';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import { credibleBfactor, evidenceFrom } from './evidence.js';

/** The parts of a postprocess result the evidence reads. */
function pp(o: {
  b: number;
  r2: number;
  points: number;
  resolutionA: number;
  fscAtNyquist?: number;
}): PostprocessResult {
  const shells = [{ shell: 32, fscCorrected: o.fscAtNyquist ?? 0, fscUnmasked: 0 }];
  return {
    resolutionA: o.resolutionA,
    bfactorA2: o.b,
    bfactorFrom: 'auto',
    guinier: { slope: o.b / 4, intercept: -9, r2: o.r2, fitRangeA: [10, o.resolutionA], points: o.points },
    pixelSizeA: 1.1,
    shells,
    fsc: { shape: { kind: 'clean drop' } },
    warnings: [],
  } as unknown as PostprocessResult;
}

describe('which B-factors the diagnosis may use', () => {
  it('a straight Guinier plot from a fine map: yes; r² 0.007, |B| 1.6 Å², or a 7.8 Å map: no', () => {
    expect(credibleBfactor(pp({ b: -74, r2: 0.95, points: 20, resolutionA: 3.35 }))).toBe(true);
    expect(credibleBfactor(pp({ b: -1.56, r2: 0.007, points: 20, resolutionA: 2.82 }))).toBe(false);
    expect(credibleBfactor(pp({ b: -1.56, r2: 0.9, points: 20, resolutionA: 2.82 }))).toBe(false);
    expect(credibleBfactor(pp({ b: -460, r2: 0.67, points: 4, resolutionA: 7.81 }))).toBe(false);
    expect(
      evidenceFrom({ postprocess: pp({ b: -1.56, r2: 0.007, points: 20, resolutionA: 2.82 }) }).bfactorA2,
    ).toBeNull();
  });

  it('the FSC at Nyquist reaches the diagnosis', () => {
    const dx = evidenceFrom({
      postprocess: pp({ b: -100, r2: 0.95, points: 10, resolutionA: 2.2, fscAtNyquist: 0.4 }),
    });
    expect(dx.fsc!.fscAtNyquist).toBe(0.4);
    expect(dx.fsc!.nyquistA).toBeCloseTo(2.2, 9);
  });
});
