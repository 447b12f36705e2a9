import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, shared } from '../../../../test/paths.js';
import { csToStar } from '../../io/cryosparc/convert.js';
import { readNpy } from '../../io/npy.js';
import { readParticles } from '../../io/star/particles.js';
import { readStar } from '../../io/star/read.js';
import { writeStar } from '../../io/star/write.js';
import { seededRandom } from '../../util/random.js';
import { orientationCoverage } from './scf.js';
import { symmetryOperators } from './symmetry.js';

function uniformAngles(n: number, seed: number, maxTiltDeg = 180): { rot: Float64Array; tilt: Float64Array } {
  const r = seededRandom(seed);
  const rot = new Float64Array(n), tilt = new Float64Array(n);
  const cmin = Math.cos((maxTiltDeg * Math.PI) / 180);
  for (let i = 0; i < n; i++) {
    rot[i] = 360 * r();
    tilt[i] = (Math.acos(1 - (1 - cmin) * r()) * 180) / Math.PI;
  }
  return { rot, tilt };
}

describe('SCF and SCF* (Baldwin & Lyumkis)', () => {
  it('particles_clustered.star: SCF and SCF* within 0.05 of CommandLineSCF (0.439, 0.438)', () => {
    const { particles } = readParticles(readStar(bytesOf(shared('data/relion-1tii-128/particles_clustered.star'))));
    const r = orientationCoverage(particles.angleRotDeg!, particles.angleTiltDeg!);
    expect(Math.abs(r.scf - 0.439)).toBeLessThan(0.05);
    expect(Math.abs(r.scfStar - 0.438)).toBeLessThan(0.05);
    expect(r.warnings.map((w) => w.code)).toContain('low-scf-star');
    expect(r.recommendedTiltDeg).toBeGreaterThan(0);
  });

  it('uniform views give SCF ≈ 1; one view family gives SCF* near 0', () => {
    const u = uniformAngles(20000, 1);
    const uniform = orientationCoverage(u.rot, u.tilt);
    expect(uniform.scf).toBeGreaterThan(0.98);
    expect(uniform.scfStar).toBeGreaterThan(0.98);
    expect(uniform.unsampledFraction).toBe(0);
    expect(uniform.efficiency).toBeGreaterThan(0.9);
    const t = uniformAngles(5000, 2, 5);
    const top = orientationCoverage(t.rot, t.tilt);
    expect(top.scfStar).toBeLessThan(0.15);
    expect(top.unsampledFraction).toBeGreaterThan(0.5);
    expect(top.efficiency).toBeLessThan(0.1);
  });

  it('symmetry expansion: views confined to 30° of azimuth become even under C12, and group orders are right', () => {
    const r = seededRandom(3);
    const n = 4000;
    const rot = Float64Array.from({ length: n }, () => 30 * r());
    const tilt = Float64Array.from({ length: n }, () => (Math.acos(1 - 2 * r()) * 180) / Math.PI);
    const c1 = orientationCoverage(rot, tilt, { symmetry: 'C1' });
    const c4 = orientationCoverage(rot, tilt, { symmetry: 'C4' });
    const c12 = orientationCoverage(rot, tilt, { symmetry: 'C12' });
    expect(c12.symmetryOrder).toBe(12);
    expect(c1.scfStar).toBeLessThan(c4.scfStar);
    expect(c4.scfStar).toBeLessThan(c12.scfStar);
    expect(c12.scfStar).toBeGreaterThan(0.98);
    expect(['C1', 'C7', 'D2', 'D5', 'T', 'O', 'I'].map((s) => symmetryOperators(s).length)).toEqual([1, 7, 4, 10, 12, 24, 60]);
    expect(() => symmetryOperators('X3')).toThrow(/unknown symmetry/);
  });

  it('a RELION STAR and the cryoSPARC .cs of the same particles give the same numbers', () => {
    const cs = readParticles(readStar(writeStar(csToStar(readNpy(bytesOf(fixture('cs', 'particles.cs'))), 'p.cs').tables))).particles;
    const expected = JSON.parse(new TextDecoder().decode(bytesOf(fixture('cs', 'particles.expected.json')))) as { angleRotDeg: number; angleTiltDeg: number }[];
    const a = orientationCoverage(cs.angleRotDeg!, cs.angleTiltDeg!);
    const b = orientationCoverage(expected.map((e) => e.angleRotDeg), expected.map((e) => e.angleTiltDeg));
    expect(a.scf).toBeCloseTo(b.scf, 6);
    expect(a.scfStar).toBeCloseTo(b.scfStar, 6);
  });
});
