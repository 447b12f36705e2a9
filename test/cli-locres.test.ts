import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { caseFiles, cryodx } from './cli.js';
import { bytesOf } from './paths.js';
import { readRelionPostprocess } from './relion-reference.js';

const K = caseFiles('box96');
const D = (f: 'half1.mrc' | 'half2.mrc' | 'mask.mrc'): string =>
  f === 'half1.mrc' ? K.half1 : f === 'half2.mrc' ? K.half2 : K.mask;

describe('cryodx locres', () => {
  it('--json has the contract fields; the maps are written', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-lr-')), 'lr');
    const r = cryodx('locres', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'globalResolutionA',
      'medianA',
      'percentilesA',
      'coreA',
      'peripheryA',
      'regions',
      'windowA',
      'stepA',
      'method',
      'warnings',
    ])
      expect(j).toHaveProperty(k);
    expect(Object.keys(j.percentilesA)).toEqual(['p5', 'p50', 'p95']);
    expect(j.method).toBe('relion');
    expect(j.globalResolutionA).toBeCloseTo(
      Number(readRelionPostprocess(K.relionStar).general.get('rlnFinalResolution')),
      4,
    );
    const m = readMrc(bytesOf(join(out, 'locres.mrc'))).volume;
    expect(m.nx).toBe(K.n);
    expect(readMrc(bytesOf(join(out, 'locres_filtered.mrc'))).volume.nx).toBe(K.n);
  });

  it('refuses an unknown method', () => {
    expect(cryodx('locres', D('half1.mrc'), D('half2.mrc'), '--method', 'resmap', '--out', '/tmp/x').stderr).toMatch(
      /--method takes relion or blocres/,
    );
  });
  it(
    'points say their unit; the old names stay as aliases; a window larger than the box is refused in one ' +
      'sentence',
    () => {
      const out = join(mkdtempSync(join(tmpdir(), 'cryodx-lr-')), 'lr');
      const j = JSON.parse(
        cryodx('locres', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--out', out, '--json').stdout,
      );
      const p = j.points[0];
      const c = Math.floor(K.n / 2);
      expect(p.xA).toBeCloseTo((p.xVoxel - c) * K.pixelSizeA, 9);
      expect([p.x, p.y, p.z]).toEqual([p.xVoxel, p.yVoxel, p.zVoxel]);
      expect(j.randomizeAtA).toBe(j.randomizeFromA);
      expect(j.randomizeFromA).toBe(25);
      const r = cryodx('locres', D('half1.mrc'), D('half2.mrc'), '--window-a', '400', '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--window-a 400 Å must lie between 4 pixels \(5\.2 Å\) and the box \(124\.8 Å\)/);
      expect(r.stderr).not.toMatch(/internal error/);
    },
  );
});
