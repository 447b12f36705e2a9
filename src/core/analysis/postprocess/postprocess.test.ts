import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, HAS_SHARED, shared } from '../../../../test/paths.js';
import { RELION_CASES, buildCase } from '../../../../test/relion-cases.js';
import { readRelionPostprocess } from '../../../../test/relion-reference.js';
import { readMrc } from '../../io/mrc/read.js';
import { readStar } from '../../io/star/read.js';
import { readMtf } from '../../io/mtf.js';
import { createVolume, type Volume } from '../../model/volume.js';
import { addNoise, applyBfactor, gaussianRandom } from '../../simulate/maps.js';
import { seededRandom } from '../../util/random.js';
import { fitLine } from './guinier.js';
import { maskFor, pair } from '../../../../test/checked.js';
import type { MaskSpec } from '../masks/choice.js';
import { postprocess, type PostprocessOptions, type PostprocessOutput } from './postprocess.js';

/** Post-processing of two maps checked and a mask resolved as the app does. */
function pp(
  a: Volume,
  b: Volume,
  pixelSizeA: number,
  mask: MaskSpec<Volume>,
  rest: Omit<PostprocessOptions, 'pixelSizeA' | 'mask'>,
): PostprocessOutput {
  const h = pair(a, b, pixelSizeA);
  return postprocess(h.half1, h.half2, { pixelSizeA, mask: maskFor(h, mask), ...rest });
}

const map = (path: string): Volume => readMrc(bytesOf(path), { source: path }).volume;

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0,
    mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= b.length;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('parity with relion_postprocess --auto_bfac --autob_lowres 10', () => {
  it.skipIf(!HAS_SHARED)('relion-1tii-128: B, Guinier slope, intercept and r², every Guinier row', () => {
    const d = 'data/relion-1tii-128/';
    const ref = readRelionPostprocess(shared(d + 'postprocess.star'));
    const { result } = pp(
      map(shared(d + 'half1.mrc')),
      map(shared(d + 'half2.mrc')),
      1.1,
      { kind: 'user', file: map(shared(d + 'mask.mrc')) },
      {
        bfactor: { kind: 'auto' },
      },
    );
    expect(result.bfactorA2).toBeCloseTo(Number(ref.general.get('rlnBfactorUsedForSharpening')), 3);
    expect(result.guinier!.slope).toBeCloseTo(Number(ref.general.get('rlnFittedSlopeGuinierPlot')), 4);
    expect(result.guinier!.intercept).toBeCloseTo(Number(ref.general.get('rlnFittedInterceptGuinierPlot')), 4);
    expect(result.guinier!.r2).toBeCloseTo(Number(ref.general.get('rlnCorrelationFitGuinierPlot')), 5);
    expect(result.resolutionA).toBeCloseTo(Number(ref.general.get('rlnFinalResolution')), 4);
    const g = readStar(bytesOf(shared(d + 'postprocess.star'))).blocks.find((b) => b.name === 'guinier')!.loop!;
    const [orig, weighted, sharpened] = g.numberColumns([
      'rlnLogAmplitudesOriginal',
      'rlnLogAmplitudesWeighted',
      'rlnLogAmplitudesSharpened',
    ]);
    for (let i = 0; i < g.rows; i++) {
      const s = result.guinierShells[i]!;
      expect(s.lnAmplitudeOriginal).toBeCloseTo(orig![i]!, 3);
      expect(s.lnAmplitudeWeighted).toBeCloseTo(weighted![i]!, 3);
      expect(s.lnAmplitudeSharpened).toBeCloseTo(sharpened![i]!, 3);
    }
  });

  for (const c of RELION_CASES) {
    it(`${c.name}: B within 0.01 Å² and the sharpened map equal to RELION's postprocess.mrc`, () => {
      const { half1, half2 } = buildCase(c);
      const v = (x: Float32Array): Volume => createVolume(c.n, c.n, c.n, [c.pixelSizeA, c.pixelSizeA, c.pixelSizeA], x);
      const ref = readRelionPostprocess(fixture('relion', c.name, 'postprocess.star'));
      const { result, sharpened } = pp(
        v(half1),
        v(half2),
        c.pixelSizeA,
        { kind: 'user', file: map(fixture('relion', c.name, 'mask.mrc.gz')) },
        {
          bfactor: { kind: 'auto' },
        },
      );
      expect(Math.abs(result.bfactorA2 - Number(ref.general.get('rlnBfactorUsedForSharpening')))).toBeLessThan(0.01);
      expect(result.guinier!.r2).toBeCloseTo(Number(ref.general.get('rlnCorrelationFitGuinierPlot')), 5);
      const relionMap = map(fixture('relion', c.name, 'postprocess.mrc.gz')).data;
      expect(correlation(sharpened, relionMap)).toBeGreaterThan(0.9999);
    });
  }
});

describe('MTF', () => {
  it(
    'box96 with a detector MTF: the MTF-corrected Guinier column as relion_postprocess --mtf between 0.11 and 0.4 ' +
      '/ px',
    () => {
      const c = RELION_CASES[0]!;
      const { half1, half2 } = buildCase(c);
      const v = (x: Float32Array): Volume => createVolume(c.n, c.n, c.n, [c.pixelSizeA, c.pixelSizeA, c.pixelSizeA], x);
      const ref = readRelionPostprocess(fixture('relion', 'box96-mtf', 'postprocess.star'));
      const mtf = readMtf(readStar(bytesOf(fixture('mtf', 'linear_mtf.star'))));
      const { result } = pp(
        v(half1),
        v(half2),
        c.pixelSizeA,
        { kind: 'user', file: map(fixture('relion', c.name, 'mask.mrc.gz')) },
        {
          bfactor: { kind: 'auto' },
          mtf,
        },
      );
      const g = readStar(bytesOf(fixture('relion', 'box96-mtf', 'postprocess.star'))).blocks.find(
        (b) => b.name === 'guinier',
      )!.loop!;
      const col = g.numbers('rlnLogAmplitudesMTFCorrected');
      for (let i = 11; i <= 38; i++) expect(result.guinierShells[i]!.lnAmplitudeMtfCorrected!).toBeCloseTo(col[i]!, 3);
      // Known difference: in the first and last table intervals (< 0.1 and > 0.4 / px) RELION 3.1.3
      // divides by more than the linear interpolation of its own table; B differs by ~3 Å² here.
      expect(Math.abs(result.bfactorA2 - Number(ref.general.get('rlnBfactorUsedForSharpening')))).toBeLessThan(3.5);
    },
  );
});

describe('known B-factor', () => {
  it('recovers an applied blur within 5 % (sharpening B = −blur)', () => {
    const n = 96,
      px = 1.0,
      blur = 100;
    const rnd = seededRandom(31);
    const g = gaussianRandom(rnd);
    // A signal with a flat amplitude spectrum (white noise), blurred by B = 100 Å², in both halves.
    const white = new Float32Array(n * n * n).map(() => g());
    const signal = applyBfactor(white, n, px, blur);
    const v = (x: Float32Array): Volume => createVolume(n, n, n, [px, px, px], x);
    const noise = 0.002;
    const { result } = pp(
      v(addNoise(signal, noise, g)),
      v(addNoise(signal, noise, g)),
      px,
      { kind: 'sphere', radiusA: 60, edgeA: 10 },
      {
        bfactor: { kind: 'auto' },
      },
    );
    expect(Math.abs(result.bfactorA2 + blur) / blur).toBeLessThan(0.05);
    expect(result.guinier!.r2).toBeGreaterThan(0.95);
  });

  it.skipIf(!HAS_SHARED)('an ad-hoc B is applied as given and the map is low-passed when asked', () => {
    const d = 'data/relion-1tii-128/';
    const { result } = pp(
      map(shared(d + 'half1.mrc')),
      map(shared(d + 'half2.mrc')),
      1.1,
      { kind: 'user', file: map(shared(d + 'mask.mrc')) },
      {
        bfactor: { kind: 'adhoc', bfactorA2: -50 },
        lowPass: 'resolution',
      },
    );
    expect(result.bfactorA2).toBe(-50);
    expect(result.guinier).toBeNull();
    expect(result.lowPassA).toBeCloseTo(3.352381, 5);
    // Sharpened minus weighted ≈ +50/4 · 1/d² (exact at the shell centre; a shell spans ±½ voxel).
    const s = result.guinierShells[20]!;
    expect(s.lnAmplitudeSharpened - s.lnAmplitudeWeighted).toBeCloseTo((50 / 4) * s.invResolutionSquaredInvA2, 3);
  });
});

describe('fitLine', () => {
  it('weighted least squares with r² (RELION fitStraightLine)', () => {
    const f = fitLine([0, 1, 2, 3, 10], [1, 3, 5, 7, 0], [1, 1, 1, 1, 0]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(f.points).toBe(4);
  });
});
