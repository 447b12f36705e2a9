import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { bytesOf, ROOT, shared } from './paths.js';

function cryodx(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'node', 'cli', 'main.js'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const D = (f: string): string => shared('data/relion-1tii-128', f);

describe('cryodx anisotropy', () => {
  it('--json: the contract fields, unit axes; --out writes the 3D FSC volume', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-an-')), 'an');
    const r = cryodx('anisotropy', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--directions', '200', '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['sphericity', 'cfar', 'directionalResolutionA', 'bestDirection', 'worstDirection', 'directions', 'warnings']) expect(j).toHaveProperty(k);
    expect(j.directions).toHaveLength(200);
    const d = j.directions[17];
    expect(Math.hypot(d.x, d.y, d.z)).toBeCloseTo(1, 9);
    expect(Object.keys(j.directionalResolutionA)).toEqual(['best', 'worst', 'median']);
    expect(readMrc(bytesOf(join(out, '3dfsc.mrc'))).volume.nx).toBe(128);
  });
});
