import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cryodx } from './cli.js';
import { HAS_SHARED, shared } from './paths.js';

/**
 * Checks on the real data in ../shared/data/real (half maps reconstructed from the RELION tutorial's particles,
 * real Thon rings, the RELION 3.1 tutorial project). They run only where ../shared is, and say so otherwise.
 */
const tutorial = (): string => {
  const dir = join(tmpdir(), `cryodx-tutorial-${process.pid}`);
  if (!existsSync(join(dir, 'CtfFind'))) {
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['-xJf', shared('data/real/relion-tutorial-3.1/relion_tutorial_files.tar.xz'), '-C', dir]);
  }
  const root = execFileSync('find', [dir, '-maxdepth', '3', '-type', 'd', '-name', 'CtfFind'], { encoding: 'utf8' })
    .trim()
    .split('\n')[0]!;
  return join(root, '..');
};

describe.skipIf(!HAS_SHARED)('real data (../shared/data/real)', () => {
  it('betagal-238 (238 real particles, D2): too few particles first, not preferred orientation; B as RELION', () => {
    const d = (f: string): string => shared('data/real/betagal-238', f);
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-real-')), 'bg');
    const r = cryodx(
      'report',
      '--half1',
      d('q_half1.mrc'),
      '--half2',
      d('q_half2.mrc'),
      '--mask',
      d('mask.mrc'),
      '--particles',
      d('matched_q.star'),
      '--sym',
      'D2',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.postprocess.bfactorA2).toBeCloseTo(-460.7865, 1);
    expect(j.postprocess.resolutionA).toBeCloseTo(7.812, 3);
    expect(j.findings[0].cause).toBe('particle-limited');
    expect(j.findings.find((f: { cause: string }) => f.cause === '2-preferred-orientation').strength).toBe('ruled out');
  });

  it('a real power spectrum (RELION _PS.mrc) is refused; its amplitude image fits as CTFFIND did', () => {
    const ps = cryodx(
      'ctf',
      shared('data/real/spectra/20170629_00021_frameImage_PS.mrc'),
      '--out',
      join(tmpdir(), `cryodx-ps-${process.pid}`),
    );
    expect(ps.stderr).toMatch(/this is a power spectrum, not a micrograph/);
    const amp = cryodx(
      'ctf',
      shared('data/real/spectra/20170629_00021_frameImage_amp.mrc'),
      '--voltage-kv',
      '200',
      '--cs-mm',
      '1.4',
      '--amplitude-contrast',
      '0.1',
      '--out',
      join(tmpdir(), `cryodx-amp-${process.pid}`),
      '--json',
    );
    expect(amp.code, amp.stderr).toBe(0);
    const row = JSON.parse(amp.stdout)[0];
    // CTFFIND on the full micrograph: 10865.0 / 10571.5 Å.
    expect((row.defocusUA + row.defocusVA) / 2).toBeGreaterThan(10718 * 0.995);
    expect((row.defocusUA + row.defocusVA) / 2).toBeLessThan(10718 * 1.005);
  });

  it(
    'the tutorial project: a good CTFFIND run tells no one to exclude, a CtfRefine particle STAR is 24 ' +
      'micrographs, D2 scan starts at the headline',
    () => {
      const t = tutorial();
      const good = JSON.parse(
        cryodx('ctf-report', join(t, 'CtfFind/job003/micrographs_ctf.star'), '--map-resolution-a', '2.82', '--json')
          .stdout,
      );
      expect(good.findings.filter((f: { severity: string }) => f.severity === 'strong')).toEqual([]);
      const parts = JSON.parse(
        cryodx(
          'ctf-report',
          join(t, 'CtfRefine/job023/particles_ctf_refine.star'),
          '--map-resolution-a',
          '2.82',
          '--json',
        ).stdout,
      );
      expect(parts.micrographs).toBe(24);
      // 0.218 mrad at 200 kV, Cs 1.4 mm: 2π·Cs·λ²·k³·τ = 31° at 2.82 Å.
      expect(parts.aberrations[0].comaPhaseDeg).toBeCloseTo(30.8, 0);
      const d2 = JSON.parse(
        cryodx('orientations', join(t, 'Refine3D/job029/run_data.star'), '--sym', 'D2', '--json').stdout,
      );
      expect(d2.tiltScan[0].scfStar).toBe(d2.scfStar);
      expect(d2.recommendedTiltDeg).toBe(0);
      expect(cryodx('orientations', join(t, 'Class2D/job008/run_it025_data.star')).stderr).toMatch(
        /angles of a 2D classification/,
      );
      expect(cryodx('info', join(t, 'LocalRes/job031/relion_locres_fscs.star')).code).toBe(0);
      expect(cryodx('info', join(t, 'Class2D/job008/job.star')).code).toBe(0);
    },
    120_000,
  );
});
