import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, shared } from './paths.js';

function cryodx(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'node', 'cli', 'main.js'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('cryodx orientations', () => {
  it('--json has the contract fields and CommandLineSCF’s numbers', () => {
    const r = cryodx('orientations', shared('data/relion-1tii-128/particles_clustered.star'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['nParticles', 'scf', 'scfStar', 'efficiency', 'recommendedTiltDeg', 'unsampledFraction', 'warnings']) expect(j).toHaveProperty(k);
    expect(j.nParticles).toBe(2000);
    expect(j.scf).toBeCloseTo(0.439, 2);
  });

  it('reads cryoSPARC .cs files and refuses other files', () => {
    expect(cryodx('orientations', fixture('cs', 'particles.cs'), '--json').code).toBe(0);
    expect(cryodx('orientations', fixture('imod', 'ts.tlt')).stderr).toMatch(/expected a RELION particle STAR or a cryoSPARC \.cs file/);
    expect(cryodx('orientations', fixture('cs', 'particles.cs'), '--sym', 'Q9').stderr).toMatch(/unknown symmetry/);
  });
});
