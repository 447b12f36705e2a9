import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { readRelionPostprocess } from './relion-reference.js';
import { caseFiles, cryodx } from './cli.js';
import { bytesOf } from './paths.js';

const K = caseFiles('box96');
const ref = readRelionPostprocess(K.relionStar);
const num = (key: string): number => Number(ref.general.get(key));
const D = (f: 'half1.mrc' | 'half2.mrc' | 'mask.mrc' | 'postprocess.star'): string =>
  ({ 'half1.mrc': K.half1, 'half2.mrc': K.half2, 'mask.mrc': K.mask, 'postprocess.star': K.relionStar })[f];
const tmp = mkdtempSync(join(tmpdir(), 'cryodx-pp-'));
const haveRelion = spawnSync('sh', ['-c', 'command -v relion_star_printtable']).status === 0;

describe('cryodx postprocess', () => {
  const out = join(tmp, 'pp');
  it('--json: the contract fields and RELION’s numbers', () => {
    const r = cryodx(
      'postprocess',
      D('half1.mrc'),
      D('half2.mrc'),
      '--mask',
      D('mask.mrc'),
      '--auto-bfactor',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['resolutionA', 'bfactorA2', 'guinier', 'randomizeFromA', 'shells', 'warnings'])
      expect(j).toHaveProperty(k);
    expect(Object.keys(j.guinier).sort()).toEqual(expect.arrayContaining(['slope', 'intercept', 'r2', 'fitRangeA']));
    expect(j.bfactorA2).toBeCloseTo(num('rlnBfactorUsedForSharpening'), 2);
    expect(j.guinier.r2).toBeCloseTo(num('rlnCorrelationFitGuinierPlot'), 3);
    expect(j.shells).toHaveLength(K.n / 2 + 1);
  });

  it('writes RELION’s files; postprocess.star has data_general, data_fsc and data_guinier', () => {
    const star = readRelionPostprocess(join(out, 'postprocess.star'));
    expect(Number(star.general.get('rlnBfactorUsedForSharpening'))).toBeCloseTo(num('rlnBfactorUsedForSharpening'), 2);
    expect(Number(star.general.get('rlnFittedInterceptGuinierPlot'))).toBeCloseTo(
      num('rlnFittedInterceptGuinierPlot'),
      3,
    );
    const m = readMrc(bytesOf(join(out, 'postprocess.mrc'))).volume;
    expect([m.nx, m.pixelSizeA]).toEqual([K.n, [K.pixelSizeA, K.pixelSizeA, K.pixelSizeA]]);
    expect(readMrc(bytesOf(join(out, 'postprocess_masked.mrc'))).volume.nx).toBe(K.n);
  });

  it.skipIf(!haveRelion)('RELION’s own relion_star_printtable reads our postprocess.star', () => {
    const r = spawnSync(
      'relion_star_printtable',
      [join(out, 'postprocess.star'), 'data_guinier', 'rlnResolutionSquared', 'rlnLogAmplitudesWeighted'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(K.n / 2 + 1);
    const g = spawnSync(
      'relion_star_printtable',
      [join(out, 'postprocess.star'), 'data_fsc', 'rlnAngstromResolution', 'rlnFourierShellCorrelationCorrected'],
      { encoding: 'utf8' },
    );
    const row = g.stdout.trim().split('\n')[30]!.split(/\s+/).map(Number);
    expect(row[1]).toBeCloseTo(ref.shells.get(30)!['rlnFourierShellCorrelationCorrected']!, 5);
  });

  it('needs a mask, and one B-factor choice', () => {
    expect(cryodx('postprocess', D('half1.mrc'), D('half2.mrc'), '--out', out).stderr).toMatch(
      /postprocess needs a mask/,
    );
    expect(
      cryodx(
        'postprocess',
        D('half1.mrc'),
        D('half2.mrc'),
        '--mask',
        D('mask.mrc'),
        '--auto-bfactor',
        '--bfactor',
        '-50',
        '--out',
        out,
      ).stderr,
    ).toMatch(/choose --auto-bfactor or --bfactor/);
  });
});

describe('cryodx budget', () => {
  it('points, CSV and postprocess.star:N give one fit; --json has predictions and the verdict', () => {
    const csv = join(tmp, 'subsets.csv');
    writeFileSync(csv, 'particles,resolution\n25000,5.1\n50000,4.6\n');
    const r = cryodx(
      'budget',
      csv,
      `${D('postprocess.star')}:400000`,
      '--point',
      '100000:4.2',
      '--target',
      '3',
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fit.points).toHaveLength(4);
    expect(j.fit.predictions.map((p: { factor: number }) => p.factor)).toEqual([1.5, 2, 4, 8]);
    expect(j.fit.convention).toMatch(/1\/d²/);
    expect(typeof j.fit.particleLimited).toBe('boolean');
    expect(j.fit.target.resolutionA).toBe(3);
  });

  it('single-map estimate from a postprocess.star', () => {
    const j = JSON.parse(
      cryodx('budget', '--from-postprocess', D('postprocess.star'), '--particles', '100000', '--json').stdout,
    );
    // The sign postprocess.star (and cryodx postprocess) use: negative sharpens.
    expect(j.singleMap.bfactorA2).toBeCloseTo(num('rlnBfactorUsedForSharpening'), 3);
    expect(j.singleMap.overallBfactorA2).toBeCloseTo(-num('rlnBfactorUsedForSharpening'), 3);
    expect(j.singleMap.particles).toBe(100000);
    const k = JSON.parse(
      cryodx('budget', '--from-postprocess', D('postprocess.star'), '--particle-count', '100000', '--json').stdout,
    );
    expect(k).toEqual(j);
    expect(j.singleMap.doublingGainA).toBeGreaterThan(0);
  });

  it('says what it needs', () => {
    expect(cryodx('budget').stderr).toMatch(/give \(particles, resolution\) points/);
    expect(cryodx('budget', '--point', 'abc').stderr).toMatch(/--point takes N:d/);
  });
});
