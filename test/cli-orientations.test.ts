import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core/util/random.js';
import { cryodx } from './cli.js';
import { fixture, HAS_SHARED, shared } from './paths.js';

describe('cryodx orientations', () => {
  it.skipIf(!HAS_SHARED)('--json has the contract fields and CommandLineSCF’s numbers (../shared)', () => {
    const r = cryodx('orientations', shared('data/relion-1tii-128/particles_clustered.star'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'nParticles',
      'scf',
      'scfStar',
      'efficiency',
      'recommendedTiltDeg',
      'unsampledFraction',
      'warnings',
    ])
      expect(j).toHaveProperty(k);
    expect(j.nParticles).toBe(2000);
    expect(j.scf).toBeCloseTo(0.4392, 3);
    expect(j.scfStar).toBeCloseTo(0.4384, 3);
  });

  it('reads cryoSPARC .cs files (12 particles: refused for their number) and refuses other files', () => {
    const cs = cryodx('orientations', fixture('cs', 'particles.cs'), '--json');
    expect(cs.code).toBe(2);
    expect(cs.stderr).toMatch(/particles\.cs: 12 particles: SCF and SCF\* need at least 50 views/);
    expect(cryodx('orientations', fixture('imod', 'ts.tlt')).stderr).toMatch(
      /expected a RELION particle STAR or a cryoSPARC \.cs file/,
    );
    expect(cryodx('orientations', fixture('cs', 'particles.cs'), '--sym', 'Q9').stderr).toMatch(/unknown symmetry/);
  });

  it('--json on 300 uniformly random particles: the contract fields, SCF and SCF* within [0, 1], the floor', () => {
    const r = seededRandom(300);
    const rot = Array.from({ length: 300 }, () => (360 * r()).toFixed(3));
    const tilt = Array.from({ length: 300 }, () => ((Math.acos(1 - 2 * r()) * 180) / Math.PI).toFixed(3));
    const file = join(mkdtempSync(join(tmpdir(), 'cryodx-or-')), 'even.star');
    writeFileSync(
      file,
      'data_particles\nloop_\n_rlnAngleRot\n_rlnAngleTilt\n_rlnAnglePsi\n' +
        `${rot.map((x, i) => `${x} ${tilt[i]} 0`).join('\n')}\n`,
    );
    const res = cryodx('orientations', file, '--json');
    expect(res.code, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    for (const k of [
      'nParticles',
      'scf',
      'scfStar',
      'efficiency',
      'recommendedTiltDeg',
      'unsampledFraction',
      'tiltScan',
      'scfStarUniform',
      'scfStarRelative',
      'warnings',
    ]) {
      expect(j).toHaveProperty(k);
    }
    expect(j.scf).toBeLessThanOrEqual(1);
    expect(j.scfStar).toBeLessThanOrEqual(j.scf);
    expect(j.scfStarRelative).toBeGreaterThan(0.9);
    expect(j.recommendedTiltDeg).toBe(0);
    expect(j.warnings).toEqual([]);
  });
  it('a pose-only cryoSPARC .cs (no blob/path) is read: its angles, with a word on what it lacks', () => {
    const r = cryodx('orientations', fixture('cs', 'poses_only.cs'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.nParticles).toBe(300);
    expect(j.warnings.map((w: { code: string }) => w.code)).toEqual(['no-blob']);
  });
});
