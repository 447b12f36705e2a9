import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { caseFiles, cryodx } from './cli.js';
import { bytesOf } from './paths.js';

const K = caseFiles('box96');
const D = (f: 'half1.mrc' | 'half2.mrc' | 'mask.mrc'): string =>
  f === 'half1.mrc' ? K.half1 : f === 'half2.mrc' ? K.half2 : K.mask;

describe('cryodx anisotropy', () => {
  it('--json: the contract fields, unit axes; --out writes the 3D FSC volume', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-an-')), 'an');
    const r = cryodx(
      'anisotropy',
      D('half1.mrc'),
      D('half2.mrc'),
      '--mask',
      D('mask.mrc'),
      '--directions',
      '200',
      '--out',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'sphericity',
      'cfar',
      'directionalResolutionA',
      'bestDirection',
      'worstDirection',
      'directions',
      'warnings',
    ])
      expect(j).toHaveProperty(k);
    expect(j.directions).toHaveLength(200);
    const d = j.directions[17];
    expect(Math.hypot(d.x, d.y, d.z)).toBeCloseTo(1, 9);
    expect(Object.keys(j.directionalResolutionA)).toEqual(['best', 'worst', 'median']);
    expect(readMrc(bytesOf(join(out, '3dfsc.mrc'))).volume.nx).toBe(K.n);
  });
});
