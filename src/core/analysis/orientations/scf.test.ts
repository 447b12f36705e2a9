import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, HAS_SHARED, shared } from '../../../../test/paths.js';
import { csToStar } from '../../io/cryosparc/convert.js';
import { readNpy } from '../../io/npy.js';
import { readParticles } from '../../io/star/particles.js';
import { readStar } from '../../io/star/read.js';
import { writeStar } from '../../io/star/write.js';
import { seededRandom } from '../../util/random.js';
import { mat3, rotationVectorToRelionMatrix } from '../../geometry/rotation.js';
import {
  coverageProblem,
  orientationCoverage,
  orientationProblem,
  samplingCounts,
  scfFromCounts,
  scfSpiral,
} from './scf.js';
import { symmetryOperators } from './symmetry.js';

function uniformAngles(n: number, seed: number, maxTiltDeg = 180): { rot: Float64Array; tilt: Float64Array } {
  const r = seededRandom(seed);
  const rot = new Float64Array(n),
    tilt = new Float64Array(n);
  const cmin = Math.cos((maxTiltDeg * Math.PI) / 180);
  for (let i = 0; i < n; i++) {
    rot[i] = 360 * r();
    tilt[i] = (Math.acos(1 - (1 - cmin) * r()) * 180) / Math.PI;
  }
  return { rot, tilt };
}

/** Directions read the other way round: third row of the standard Rodrigues matrix (= pyem's third column). */
function transposedDirections(pose: Float64Array): Float64Array {
  const n = pose.length / 3;
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const [x, y, z] = [pose[3 * i]!, pose[3 * i + 1]!, pose[3 * i + 2]!];
    const t = Math.hypot(x, y, z);
    const [wx, wy, wz] = t > 0 ? [x / t, y / t, z / t] : [0, 0, 1];
    const s = Math.sin(t),
      c = 1 - Math.cos(t);
    out[3 * i] = -s * wy + c * wx * wz;
    out[3 * i + 1] = s * wx + c * wy * wz;
    out[3 * i + 2] = 1 - c * (wx * wx + wy * wy);
  }
  return out;
}

describe('SCF and SCF* (Baldwin & Lyumkis)', () => {
  it.skipIf(!HAS_SHARED)('particles_clustered.star: SCF and SCF* within 0.05 of CommandLineSCF (0.439, 0.438)', () => {
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
    expect(['C1', 'C7', 'D2', 'D5', 'T', 'O', 'I'].map((s) => symmetryOperators(s).length)).toEqual([
      1, 7, 4, 10, 12, 24, 60,
    ]);
    expect(() => symmetryOperators('X3')).toThrow(/unknown symmetry/);
  });

  it('reading cryoSPARC poses the transposed way gives different numbers (so the convention matters)', () => {
    // R = Rz(φ)·Ry(90°), φ uniform: its third row (the view) is −x for every particle, the third row
    // of Rᵀ a ring of side views. The poses are the rotation vectors pyem reads as R (axis-angle of Rᵀ).
    const r = seededRandom(8);
    const pose = new Float64Array(3 * 500);
    for (let i = 0; i < 500; i++) {
      const phi = 2 * Math.PI * r();
      const [c, s] = [Math.cos(phi), Math.sin(phi)];
      const R = [0, -s, c, 0, c, s, -1, 0, 0];
      const M = [R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!];
      const theta = Math.acos(Math.max(-1, Math.min(1, (M[0]! + M[4]! + M[8]! - 1) / 2)));
      const k2 = 2 * Math.sin(theta);
      pose.set([(theta * (M[7]! - M[5]!)) / k2, (theta * (M[2]! - M[6]!)) / k2, (theta * (M[3]! - M[1]!)) / k2], 3 * i);
    }
    const k = 50,
      spiral = scfSpiral(k);
    const pyem = new Float64Array(3 * 500);
    const m = mat3();
    for (let i = 0; i < 500; i++) {
      rotationVectorToRelionMatrix(m, pose[3 * i]!, pose[3 * i + 1]!, pose[3 * i + 2]!);
      pyem.set([m[6]!, m[7]!, m[8]!], 3 * i);
    }
    const a = scfFromCounts(samplingCounts(spiral, pyem, k));
    const b = scfFromCounts(samplingCounts(spiral, transposedDirections(pose), k));
    // pyem's reading: every view along x, so one great circle and SCF* ≈ 0; the other: a ring of side views.
    for (let i = 0; i < 500; i++) expect(pyem[3 * i]!).toBeCloseTo(-1, 6);
    expect(b.scfStar - a.scfStar).toBeGreaterThan(0.2);
  });

  it('a RELION STAR and the cryoSPARC .cs of the same particles give the same numbers', () => {
    const cs = readParticles(
      readStar(writeStar(csToStar(readNpy(bytesOf(fixture('cs', 'particles.cs'))), 'p.cs').tables)),
    ).particles;
    const expected = JSON.parse(new TextDecoder().decode(bytesOf(fixture('cs', 'particles.expected.json')))) as {
      angleRotDeg: number;
      angleTiltDeg: number;
    }[];
    const a = orientationCoverage(cs.angleRotDeg!, cs.angleTiltDeg!);
    const b = orientationCoverage(
      expected.map((e) => e.angleRotDeg),
      expected.map((e) => e.angleTiltDeg),
    );
    expect(a.scf).toBeCloseTo(b.scf, 6);
    expect(a.scfStar).toBeCloseTo(b.scfStar, 6);
  });
});

describe('small, symmetric and 2D sets', () => {
  it('too few particles, a mostly empty shell and 2D-classification angles are refused, never an SCF above 1', () => {
    expect(orientationProblem([10], [20])).toMatch(/1 particle: SCF and SCF\* need at least 50 views/);
    const zeros = Array.from({ length: 300 }, () => 0);
    expect(orientationProblem(zeros, zeros)).toMatch(/300 of 300 particles have rot = tilt = 0, the angles of a 2D/);
    // 60 random C1 views leave much of the shell empty: CommandLineSCF's SCF exceeds 1 there.
    const a = uniformAngles(60, 3);
    expect(orientationProblem(a.rot, a.tilt)).toBeNull();
    const r = orientationCoverage(a.rot, a.tilt);
    expect(coverageProblem(r)).toMatch(/of the Fourier shell has no view from these 60 views/);
    // Any set that passes both checks has SCF and SCF* in [0, 1].
    for (const [n, sym] of [
      [120, 'C1'],
      [238, 'D2'],
      [500, 'C4'],
    ] as [number, string][]) {
      const b = uniformAngles(n, n);
      const c = orientationCoverage(b.rot, b.tilt, { symmetry: sym });
      if (coverageProblem(c) === null) {
        expect(c.scf).toBeLessThanOrEqual(1);
        expect(c.scfStar).toBeLessThanOrEqual(c.scf);
      }
    }
  });

  it('with symmetry the tilt scan starts at the headline SCF*, and an even set is recommended no tilt', () => {
    const a = uniformAngles(3000, 17);
    const r = orientationCoverage(a.rot, a.tilt, { symmetry: 'D2' });
    expect(r.tiltScan[0]!.scfStar).toBe(r.scfStar);
    expect(r.scfStar).toBeGreaterThan(0.95);
    expect(r.recommendedTiltDeg).toBe(0);
    for (let k = 1; k < r.tiltScan.length; k++) expect(r.tiltScan[k]!.scfStar).toBeGreaterThanOrEqual(r.scfStar - 0.02);
  });

  it(
    'a sparse but uniform set sits at its finite-sample floor; a clustered one of the same size falls well below ' +
      'it',
    () => {
      const a = uniformAngles(238, 5);
      const even = orientationCoverage(a.rot, a.tilt, { symmetry: 'D2' });
      // 238 random D2 particles give SCF* ≈ 0.87 (not 1): the floor says so, and the relative SCF* is ~1.
      expect(even.scfStarUniform.mean).toBeGreaterThan(0.8);
      expect(even.scfStarUniform.mean).toBeLessThan(0.93);
      expect(even.scfStarRelative).toBeGreaterThan(0.93);
      // The same number of views, 80 % within 20° of the top view.
      const r = seededRandom(8);
      const rot = a.rot.map(() => 360 * r());
      const tilt = a.tilt.map((t) => (r() < 0.8 ? 20 * r() : t));
      const clustered = orientationCoverage(rot, tilt, { symmetry: 'D2' });
      expect(clustered.scfStarRelative).toBeLessThan(0.7);
      expect(clustered.recommendedTiltDeg).toBeGreaterThan(0);
    },
  );
});
