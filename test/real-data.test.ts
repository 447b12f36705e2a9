import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cryodx } from './cli.js';
import { HAS_SHARED, shared } from './paths.js';
import { trackPathPx } from '../src/core/analysis/processing/motion.js';
import { readClassChanges, readClassMembership, readClassModel } from '../src/core/io/processing/classes.js';
import { readMotionStar } from '../src/core/io/processing/motion.js';
import { readPicks } from '../src/core/io/processing/picks.js';
import { readJobOptions, readPipeline } from '../src/core/io/processing/pipeline.js';
import { readPolishBfactors } from '../src/core/io/processing/polish.js';
import { readStar } from '../src/core/io/star/read.js';

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
    // Under D2 the views are what they are: no picking bias read from 'missing' views (issue 33).
    expect(j.findings.find((f: { cause: string }) => f.cause === '6-picking').strength).toBe('not measured');
  });

  it('betagal-238 judged under C1: the angles fill only D2’s asymmetric unit, and the CLI says so', () => {
    const r = cryodx('orientations', shared('data/real/betagal-238/matched_q.star'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.anglesFit).toMatchObject({ symmetry: 'D2', inside: 1 });
    const said = j.warnings.map((w: { message: string }) => w.message).join('\n');
    expect(said).toMatch(/fill only the asymmetric unit of D2 \(rot 0° to 180°, tilt 0–90°.*--sym D2/);
    const d2 = cryodx('orientations', shared('data/real/betagal-238/matched_q.star'), '--sym', 'D2', '--json');
    expect(d2.stdout).not.toMatch(/angles-fit-symmetry/);
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

  it('report --project on the RELION 3.1 tutorial: causes 1a, 4, 5, 6, 7 measured from its own files', () => {
    const dir = tutorial();
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-real-')), 'project');
    const r = cryodx('report', '--project', dir, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const f = (c: string) => j.findings.find((x: { cause: string }) => x.cause === c);
    for (const c of ['1a-compositional', '4-motion-damage', '5-ctf', '6-picking', '7-microscope'])
      expect(f(c).strength, c).not.toBe('not measured');
    // rlnAccumMotionTotal is the path length of the shifts in pixels (0.885 Å): read here with a plain split.
    const rows = readFileSync(join(dir, 'MotionCorr/job002/corrected_micrographs.star'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('_PS.mrc'))
      .map((l) => Number(l.trim().split(/\s+/)[4]));
    const p = j.processing;
    expect(p.motion.columnUnit).toBe('pixels (checked against the shifts)');
    expect(p.motion.micrographs.map((m: { totalA: number }) => m.totalA / 0.885)).toEqual(
      rows.map((x) => expect.closeTo(x, 4)),
    );
    // Class3D/job016: one class of four holds signal (84 %, 10.3 Å; the others ~20 Å), and Select/job017 kept it.
    expect(p.classes.signalClasses).toEqual([4]);
    expect(p.classes.keptSignalClasses).toEqual([4]);
    expect(f('1a-compositional').strength).toBe('ruled out');
    // PostProcess 030 (after polishing) 2.818265 Å against 026 2.976299 Å; 026 against 021 (CTF refinement) 3.03299 Å.
    expect(p.gains.polishingA).toBeCloseTo(2.976299 - 2.818265, 6);
    expect(p.gains.ctfRefinementA).toBeCloseTo(3.03299 - 2.976299, 6);
    expect(p.picking.usedPicker).toBe('AutoPick/job011 (template)');
    expect(f('6-picking').strength).toBe('ruled out');
    expect(j.inputs.used.length).toBeGreaterThan(8);
  });

  it('every processing reader on the tutorial’s own files (RELION 3.1 as it wrote them)', () => {
    const dir = tutorial();
    const doc = (f: string) => readStar(readFileSync(join(dir, f)), { source: f });
    const jobs = readPipeline(doc('default_pipeline.star'));
    expect(jobs).toHaveLength(31);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    // job.star files hold a literal TAB inside a value; the options still read.
    expect(readJobOptions(doc('Refine3D/job029/job.star')).get('fn_img')).toBe('Polish/job028/shiny.star');
    const track = readMotionStar(doc('MotionCorr/job002/Movies/20170629_00021_frameImage.star'));
    expect(track.frames).toHaveLength(24);
    expect(track.dosePerFrameEPerA2).toBeCloseTo(1.277, 6);
    expect(trackPathPx(track).totalPx).toBeCloseTo(16.420495, 3);
    expect(trackPathPx(track).earlyPx!).toBeCloseTo(2.506308, 3);
    const b = readPolishBfactors(doc('Polish/job028/bfactors.star'));
    expect(b).toHaveLength(24);
    expect(b[0]).toEqual({ frame: 0, bfactorA2: -5.41701, lnScale: 0.008131 });
    const m3 = readClassModel(doc('Class3D/job016/run_it025_model.star'));
    expect(m3.classes.map((c) => c.population)).toEqual([0.055685, 0.033127, 0.072245, 0.838943]);
    expect(readClassChanges(doc('Class3D/job016/run_it025_optimiser.star'))).toBeCloseTo(0.011179, 6);
    expect(readClassModel(doc('Class2D/job013/run_it025_model.star')).dimensionality).toBe(2);
    const kept = readClassMembership(doc('Select/job017/particles.star'));
    expect(new Set(kept.classNumber)).toEqual(new Set([4]));
    const picks = readPicks(
      'AutoPick/job006/Movies/20170629_00021_frameImage_autopick.star',
      readFileSync(join(dir, 'AutoPick/job006/Movies/20170629_00021_frameImage_autopick.star'), 'utf8'),
    );
    expect(picks[0]!.micrograph).toBe('20170629_00021_frameImage');
    expect(picks[0]!.xPx[0]).toBeCloseTo(1614.217657, 6);
  });
});
