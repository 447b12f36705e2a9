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

describe('cryodx locres', () => {
  it('--json has the contract fields; the maps are written', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-lr-')), 'lr');
    const r = cryodx('locres', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['globalResolutionA', 'medianA', 'percentilesA', 'coreA', 'peripheryA', 'regions', 'windowA', 'stepA', 'method', 'warnings']) expect(j).toHaveProperty(k);
    expect(Object.keys(j.percentilesA)).toEqual(['p5', 'p50', 'p95']);
    expect(j.method).toBe('relion');
    expect(j.globalResolutionA).toBeCloseTo(3.352, 3);
    const m = readMrc(bytesOf(join(out, 'locres.mrc'))).volume;
    expect(m.nx).toBe(128);
    expect(readMrc(bytesOf(join(out, 'locres_filtered.mrc'))).volume.nx).toBe(128);
  });

  it('refuses an unknown method', () => {
    expect(cryodx('locres', D('half1.mrc'), D('half2.mrc'), '--method', 'resmap', '--out', '/tmp/x').stderr).toMatch(/--method takes relion or blocres/);
  });
});
