import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cryodx, cryodxIn } from './cli.js';
import { Ajv } from 'ajv';
import { bytesOf, fixture, HAS_SHARED, ROOT, shared } from './paths.js';
import { summarizeFile } from '../src/core/io/summary.js';

/** `cryodx tomo-report` as a user runs it: the --json contract, projects, errors, and the real tilt series. */
const KEYS = [
  'name',
  'tilts',
  'tiltRangeDeg',
  'centreDeg',
  'scheme',
  'axisDeg',
  'dosePerTiltEPerA2',
  'totalDoseEPerA2',
  'failedTilts',
  'keptFraction',
  'perTilt',
];

const validate = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')),
);

interface Json {
  series: Record<string, unknown>[];
  findings: { code: string; severity: string; statement: string; basis: string; remedy: string }[];
  warnings: { code: string; message: string }[];
}

describe('cryodx tomo-report', () => {
  it('--project on a RELION 5 project: the contract fields, paths resolved from the project directory', () => {
    const r = cryodx('tomo-report', '--project', fixture('tomo', 'relion5'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(Object.keys(j).sort()).toEqual(['findings', 'series', 'warnings']);
    const s = j.series[0]!;
    for (const k of KEYS) expect(s, k).toHaveProperty(k);
    expect(s['failedTilts']).toEqual([expect.objectContaining({ tiltDeg: 11, reason: expect.any(String) })]);
    const t = (s['perTilt'] as Record<string, unknown>[])[0]!;
    for (const k of ['tiltDeg', 'preExposureEPerA2', 'defocusUA', 'defocusVA']) expect(t, k).toHaveProperty(k);
    // Absent values are absent: the fit resolution was a placeholder (0.000001) in every row.
    expect(t).not.toHaveProperty('fitResolutionA');
    expect(r.stdout).not.toMatch(/null|NaN/);
    for (const f of j.findings)
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['code', 'severity', 'statement', 'basis', 'remedy']));
  });

  it('from the project directory, the global STAR alone; --out writes tomo_report.json; the failure named', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-tomo-')), 'tomo');
    const r = cryodxIn(fixture('tomo', 'relion5'), 'tomo-report', 'CtfFind/job004/tilt_series_ctf.star', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/series TS_07: 29 tilts/);
    expect(r.stdout).toMatch(/failed: 11°/);
    expect(r.stderr).toMatch(/_rlnCtfFigureOfMerit: None \(29 rows\)/);
    expect(existsSync(join(out, 'tomo_report.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'tomo_report.json'), 'utf8')).series[0].name).toBe('TS_07');
  });

  it('report --project on a RELION 5 tomography project: the tilt series section, valid against the schema', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-tomo-')), 'report');
    const r = cryodx('report', '--project', fixture('tomo', 'relion5'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tilt series TS_07: 29 tilts, 1 failed or excluded, 3\.50 e\/Å² per tilt/);
    expect(r.stderr).not.toMatch(/outputs are not in the project/);
    const j = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(validate(j), JSON.stringify(validate.errors)).toBe(true);
    expect(j.tomography.series[0]).toMatchObject({
      name: 'TS_07',
      tilts: 29,
      centreDeg: -10,
      scheme: 'dose-symmetric',
    });
    expect(j.inputs.used).toEqual([expect.objectContaining({ role: 'tomography', job: 'CtfFind/job004' })]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Tilt series \(tomo-report\)/);
  });

  it('bad input: one sentence, exit 2', () => {
    const none = cryodx('tomo-report');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give tilt-series files or --project DIR/);
    const bad = cryodx('tomo-report', fixture('star', 'empty_loop.star'));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const target = cryodx('tomo-report', fixture('tomo', 'warp', 'TS_3.xml'), '--target-a', 'abc');
    expect(target.code).not.toBe(0);
    expect(cryodx('tomo-report', '--project', fixture('mrc')).stderr).toMatch(/no tilt-series metadata found/);
  });

  it('info recognises each tilt-series format', () => {
    // In process for the formats, through the CLI once.
    for (const f of [
      ['warp', 'TS_3.xml'],
      ['aretomo', 'TS_5_CTF.txt'],
      ['aretomo', 'TS_5.aln'],
      ['aretomo', 'TS_5_TLT.txt'],
      ['aretomo', 'TiltSeries_Metrics.csv'],
      ['imod', 'taSolution.log'],
    ])
      expect(summarizeFile(f.join('/'), bytesOf(fixture('tomo', ...f))).summary.format, f.join('/')).toBe(
        'tilt-series',
      );
    const r = cryodx('info', fixture('tomo', 'relion5', 'CtfFind', 'job004', 'tilt_series', 'TS_07.star'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const star = JSON.parse(r.stdout);
    expect(star.tiltSeries[0]).toMatchObject({ name: 'TS_07', tilts: 29, axisDeg: -95, dosePerTiltEPerA2: 3.5 });
    expect(star.warnings).toHaveLength(2);
  });
});

describe.skipIf(!HAS_SHARED)('tomo-report on real cryo-ET metadata (../shared/data/real/tomo)', () => {
  const tomo = (...p: string[]): string => shared('data/real/tomo', ...p);

  it('EMPIAR-10164 TS_01 (RELION 5, CTFFIND, IMOD): 41 tilts, 3.01 e/Å² per tilt, axis 85.3°, failures named', () => {
    const d = (f: string): string => tomo('empiar10164_TS01', f);
    const r = cryodx(
      'tomo-report',
      d('my_prefix_TS_01.star'),
      d('relion_ctf_estimation_output.star'),
      d('relion_motion_correction_output.star'),
      d('taSolution.log'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.series).toHaveLength(1);
    const s = j.series[0]! as Record<string, unknown> & { failedTilts: { tiltDeg: number }[] };
    expect(s['tilts']).toBe(41);
    expect(s['axisDeg']).toBeCloseTo(85.3, 6);
    expect(s['dosePerTiltEPerA2']).toBeCloseTo(3.01, 2);
    expect(s['totalDoseEPerA2']).toBeCloseTo(41 * 3.01, 1);
    expect(s['scheme']).toBe('dose-symmetric');
    // Not a failed run: most tilts are kept; the ones that fail are named, and they are high tilts.
    expect(s['keptFraction']).toBeGreaterThan(0.75);
    const failed = s.failedTilts.map((f) => Math.round(f.tiltDeg));
    // −60°: 0.82 µm where the series is at 3.9 µm; −51° and −48°: rings only to 25 Å (CTFFIND's search limit).
    expect(failed).toEqual(expect.arrayContaining([-60, -51, -48]));
    expect(failed.every((t) => Math.abs(t) >= 30)).toBe(true);
    expect(j.findings.find((f) => f.code === 'axis-agreement')).toBeDefined();
    // The motion STAR joined by image name: 41 tilt movies, none standing out.
    expect(j.findings.find((f) => f.code === 'tilt-motion')?.basis).toMatch(/^41 tilt movies/);
    expect(j.findings.map((f) => f.statement).join(' ')).not.toMatch(/re-run CTF estimation/);
    // The CTFFIND table alone: its tilts from the image names (TS_01_039_-60_0.mrc), the same tilts named.
    const alone = JSON.parse(cryodx('tomo-report', d('relion_ctf_estimation_output.star'), '--json').stdout) as Json;
    const same = (alone.series[0]!['failedTilts'] as { tiltDeg: number }[]).map((f) => Math.round(f.tiltDeg));
    expect(same.sort((a, b) => a - b)).toEqual([...failed].sort((a, b) => a - b));
  });

  it('ctf-report on the same CTFFIND results: tilt images, not "100 % unreliable"', () => {
    const r = cryodx('ctf-report', tomo('empiar10164_TS01', 'relion_ctf_estimation_output.star'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.findings.map((f: { code: string }) => f.code)).not.toContain('unreliable-fits');
    expect(j.summary.fractionUnreliable).toBeLessThan(0.25);
    expect(j.warnings.map((w: { code: string }) => w.code)).toContain('tilt-images');
  });

  it('Warp/M XML excerpt and AreTomo3 files: tilts, dose, axis, per-tilt B or CTF, thickness', () => {
    const w = JSON.parse(cryodx('tomo-report', tomo('warp_TS_1_excerpt.xml'), '--json').stdout) as Json;
    const s = w.series[0]!;
    expect([s['tilts'], s['axisDeg'], s['ctfResolutionA']]).toEqual([41, -85.59953, 4.3]);
    expect(s['dosePerTiltEPerA2']).toBeCloseTo(2.64, 2);
    expect(s['tiltRangeDeg']).toEqual([-40.01, 39.98]);
    expect((s['perTilt'] as { bfactorA2?: number }[]).filter((p) => p.bfactorA2 !== undefined)).toHaveLength(41);
    expect(w.findings.find((f) => f.code === 'bfactor-vs-dose')).toBeDefined();
    const a = JSON.parse(cryodx('tomo-report', tomo('aretomo', 'test_8col_CTF.txt'), '--json').stdout) as Json;
    const t = a.series[0]!;
    expect(t['tilts']).toBe(31);
    const df = (t['perTilt'] as { defocusUA: number; defocusVA: number; fitResolutionA: number }[]).map(
      (p) => (p.defocusUA + p.defocusVA) / 2e4,
    );
    expect(Math.min(...df)).toBeGreaterThan(1.9);
    expect(Math.max(...df)).toBeLessThan(2.35);
    const m = JSON.parse(cryodx('tomo-report', tomo('aretomo', 'TiltSeries_Metrics.csv'), '--json').stdout) as Json;
    expect(m.series.map((x) => x['thicknessA'])).toEqual([2240 * 1.69, 2230 * 1.62]);
    for (const j of [w, a, m]) expect(JSON.stringify(j)).not.toMatch(/null|NaN/);
  });
});
