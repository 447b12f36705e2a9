import { describe, expect, it } from 'vitest';
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

  it('reads cryoSPARC .cs files and refuses other files', () => {
    expect(cryodx('orientations', fixture('cs', 'particles.cs'), '--json').code).toBe(0);
    expect(cryodx('orientations', fixture('imod', 'ts.tlt')).stderr).toMatch(
      /expected a RELION particle STAR or a cryoSPARC \.cs file/,
    );
    expect(cryodx('orientations', fixture('cs', 'particles.cs'), '--sym', 'Q9').stderr).toMatch(/unknown symmetry/);
  });
  it('--json on a fixture set: the contract fields, SCF and SCF* within [0, 1]', () => {
    const r = cryodx('orientations', fixture('cs', 'particles.cs'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'nParticles',
      'scf',
      'scfStar',
      'efficiency',
      'recommendedTiltDeg',
      'unsampledFraction',
      'tiltScan',
      'warnings',
    ])
      expect(j).toHaveProperty(k);
    expect(Array.isArray(j.warnings)).toBe(true);
  });
});
