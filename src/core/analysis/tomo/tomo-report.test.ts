import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, textOf } from '../../../../test/paths.js';
import { tomoReportJob, type TomoReportResult } from '../../app/jobs/tomo-report.js';
import { ctfReportJob } from '../../app/jobs/ctf-report.js';
import { tiltFromImageName } from '../../io/tomo/names.js';
import { inspectFile } from '../../app/jobs/inspect.js';
import { jsonText, type NamedBytes } from '../../app/job.js';
import { parseField } from '../../io/tomo/placeholders.js';
import { tiltFromProjection } from '../../io/tomo/relion.js';
import { readTomoFile } from '../../io/tomo/index.js';
import { axisRelation, classifyScheme, doseRuleBfactorA2, mergeSources } from './series.js';
import { judgeSeries, TOMO_LIMITS } from '../../diagnosis/tomo-triage.js';
import type { TiltRecord, TiltSource } from '../../model/tomo.js';

/** fixtures/tomo/expected.json: each series' definition, written by fixtures/generate/make_tomo.py. */
const expected = JSON.parse(textOf(fixture('tomo', 'expected.json'))) as Record<string, Record<string, unknown>>;
const file = (...p: string[]): NamedBytes => ({ name: p.join('/'), bytes: bytesOf(fixture('tomo', ...p)) });

async function report(files: NamedBytes[], targetResolutionA?: number): Promise<TomoReportResult> {
  const r = await tomoReportJob({
    files,
    // As the CLI resolves a path inside tomograms.star: from the project directory.
    readReferenced: (path) => Promise.resolve({ name: path, bytes: bytesOf(fixture('tomo', 'relion5', path)) }),
    ...(targetResolutionA !== undefined ? { targetResolutionA } : {}),
  });
  // No output holds NaN or a null standing for an absent value.
  const text = jsonText(r.result);
  expect(text).not.toMatch(/NaN|null|Infinity/);
  return r.result;
}

const tiltsOf = (f: { tiltDeg?: number }[]): number[] => f.map((x) => x.tiltDeg!).sort((a, b) => a - b);

describe('tilt-series placeholders', () => {
  it('"not computed" values are absent, per kind of field; −1 is a real tilt angle', () => {
    expect(parseField('score', 'None').value).toBeUndefined();
    expect(parseField('resolution', '0.000001').value).toBeUndefined();
    expect(parseField('resolution', '-1').value).toBeUndefined();
    expect(parseField('resolution', '999').value).toBeUndefined();
    expect(parseField('resolution', '7.25').value).toBe(7.25);
    expect(parseField('thickness', '0').value).toBeUndefined();
    expect(parseField('angle', '-1').value).toBe(-1);
    expect(parseField('angle', 'None').placeholder).toBe('None');
    expect(parseField('defocus', 'nan').value).toBeUndefined();
  });
});

describe('tomo-report on self-made series (fixtures/tomo, answers from their definitions)', () => {
  it('RELION 5 lamella (Warp-based: FOM None, max resolution 0.000001): pretilt, dose, the failed tilt', async () => {
    const e = expected['relion5']!;
    const r = await report([file('relion5', 'CtfFind', 'job004', 'tilt_series_ctf.star')]);
    expect(r.series).toHaveLength(1);
    const s = r.series[0]!;
    expect(s.name).toBe(e['name']);
    expect(s.tilts).toBe(e['tilts']);
    expect(s.tiltRangeDeg).toEqual(e['tiltRangeDeg']);
    expect(s.scheme).toBe(e['scheme']);
    expect(s.centreDeg).toBeCloseTo(e['centreDeg'] as number, 6);
    expect(s.axisDeg).toBeCloseTo(e['axisDeg'] as number, 6);
    expect(s.dosePerTiltEPerA2).toBeCloseTo(e['dosePerTiltEPerA2'] as number, 6);
    expect(s.totalDoseEPerA2).toBeCloseTo(e['totalDoseEPerA2'] as number, 6);
    expect(tiltsOf(s.failedTilts)).toEqual(e['failedTilts']);
    // The placeholders are absent (never a resolution of 0.000001 Å), and said once per field.
    expect(s.perTilt.every((p) => p.fitResolutionA === undefined && p.ctfScore === undefined)).toBe(true);
    const ph = r.warnings.filter((w) => w.code === 'tomo-placeholder');
    expect(ph.map((w) => /_rln\w+/.exec(w.message)![0]).sort()).toEqual(e['placeholders']);
    expect(r.findings.find((f) => f.code === 'pretilt')?.statement).toMatch(/−10\.0°|-10\.0°/);
    // Every finding says what it rests on.
    expect(r.findings.every((f) => f.basis.length > 0 && f.remedy.length > 0)).toBe(true);
  });

  it('Warp/M XML: bidirectional, deselected and failed tilts; B faster than the dose rule named', async () => {
    const e = expected['warp']!;
    const r = await report([file('warp', 'TS_3.xml')], e['targetResolutionA'] as number);
    const s = r.series[0]!;
    expect([s.name, s.tilts, s.scheme]).toEqual([e['name'], e['tilts'], e['scheme']]);
    expect(s.centreDeg).toBeCloseTo(e['centreDeg'] as number, 6);
    expect(s.axisDeg).toBeCloseTo(e['axisDeg'] as number, 6);
    expect(s.dosePerTiltEPerA2).toBeCloseTo(e['dosePerTiltEPerA2'] as number, 6);
    expect(s.totalDoseEPerA2).toBeCloseTo(e['totalDoseEPerA2'] as number, 6);
    expect(tiltsOf(s.failedTilts)).toEqual(e['failedTilts']);
    const b = r.findings.find((f) => f.code === 'bfactor-vs-dose')!;
    expect(b.severity).toBe('possible');
    const named = [...b.statement.matchAll(/(-?\d+\.\d)° \(B/g)].map((m) => Number(m[1]));
    expect(named).toEqual(e['fasterThanRule']);
  });

  it('AreTomo3 (_CTF.txt, _TLT.txt, .aln, Metrics.csv): joined, dark frame excluded, 999 absent', async () => {
    const e = expected['aretomo']!;
    const r = await report(
      ['TS_5_CTF.txt', 'TS_5_TLT.txt', 'TS_5.aln', 'TiltSeries_Metrics.csv'].map((f) => file('aretomo', f)),
    );
    const s = r.series.find((x) => x.name === e['name'])!;
    expect(s.scheme).toBe(e['scheme']);
    expect(s.centreDeg).toBeCloseTo(e['centreDeg'] as number, 6);
    expect(s.axisDeg).toBeCloseTo(e['axisDeg'] as number, 6);
    expect(s.thicknessA).toBeCloseTo(e['thicknessA'] as number, 6);
    const failed = s.failedTilts.filter((f) => !/excluded/.test(f.reason));
    expect(tiltsOf(failed)).toEqual(e['failedTilts']);
    expect(s.failedTilts.find((f) => /dark frame/.test(f.reason))?.tiltDeg).toBe(-39);
    const noFit = s.perTilt.find((p) => p.tiltDeg === e['noFitResolutionTilt'])!;
    expect(noFit.fitResolutionA).toBeUndefined();
    expect(noFit.defocusUA).toBeGreaterThan(0);
    const other = e['other'] as { name: string; thicknessA: number };
    const s6 = r.series.find((x) => x.name === other.name)!;
    expect(s6.thicknessA).toBeCloseTo(other.thicknessA, 6);
    expect(s6.ctfResolutionA).toBeUndefined();
    const thick = r.findings.find((f) => f.code === 'thickness' && f.series === other.name)!;
    expect(thick.severity).toBe(other.thicknessA > TOMO_LIMITS.thickStrongA ? 'strong' : 'possible');
  });

  it('SerialEM .mdoc + IMOD taSolution.log: unidirectional, dose per tilt, axes agree, one bad view', async () => {
    const e = expected['imod']!;
    const r = await report([file('imod', 'TS_9.mdoc'), file('imod', 'taSolution.log')]);
    expect(r.series).toHaveLength(1);
    const s = r.series[0]!;
    expect([s.name, s.tilts, s.scheme]).toEqual([e['name'], e['tilts'], e['scheme']]);
    expect(s.dosePerTiltEPerA2).toBeCloseTo(e['dosePerTiltEPerA2'] as number, 6);
    expect(s.totalDoseEPerA2).toBeCloseTo(e['totalDoseEPerA2'] as number, 6);
    expect(s.axes.map((a) => a.axisDeg)).toEqual(e['axes']);
    expect(r.findings.find((f) => f.code === 'axis-agreement')).toBeDefined();
    const res = r.findings.find((f) => f.code === 'alignment-residuals')!;
    expect(res.severity).toBe('possible');
    expect(res.statement).toContain(`${(e['highResidualTilt'] as number).toFixed(1)}°`);
    expect(r.findings.find((f) => f.code === 'thickness-not-measured')?.statement).toMatch(/not measured/);
  });

  it('RELION 4 / WarpTools projection matrices give tilt angles and axis where no angle column exists', async () => {
    const e = expected['relion4']!;
    const r = await report([file('relion4', 'tomograms.star')]);
    const s = r.series[0]!;
    expect(s.name).toBe(e['name']);
    const want = e['tiltsDeg'] as number[];
    tiltsOf(s.perTilt).forEach((t, i) => expect(Math.abs(t - want[i]!)).toBeLessThan(1e-3));
    expect(Math.abs(s.axisDeg! - (e['axisDeg'] as number))).toBeLessThan(1e-3);
    expect(s.dosePerTiltEPerA2).toBeCloseTo(e['dosePerTiltEPerA2'] as number, 6);
  });
});

describe('tilt-aware rules', () => {
  /** A series written here: ±n·step about `centre`, dose-symmetric, fit resolution growing with 1/cos. */
  function series(centre: number, opts: { failAt?: number; badRes?: number } = {}): TiltSource {
    const order: number[] = [0];
    for (let k = 1; k <= 14; k++) order.push(k % 2 ? k : -k, k % 2 ? -k : k);
    const tilts: TiltRecord[] = order.map((k, rank) => {
      const tilt = centre + 3 * k;
      const x = 1 / Math.cos((3 * k * Math.PI) / 180);
      return {
        index: rank,
        tiltDeg: tilt,
        preExposureEPerA2: 3 * rank,
        defocusUA: 40000 + 40 * Math.sin(rank) + 0.2 * (3 * k) ** 2,
        defocusVA: 39800 + 40 * Math.sin(rank) + 0.2 * (3 * k) ** 2,
        fitResolutionA: (tilt === opts.badRes ? 30 : 7) * x + 0.1 * Math.cos(3 * rank),
      };
    });
    if (opts.failAt !== undefined) {
      const t = tilts.find((x) => x.tiltDeg === opts.failAt)!;
      t.defocusUA = t.defocusVA = 25000;
    }
    return { kind: 'relion5-tilt-star', file: 'made.star', series: 'S', tilts, placeholders: [] };
  }
  const judge = (s: TiltSource): ReturnType<typeof judgeSeries> => judgeSeries(mergeSources([s], [])[0]!);

  it('a lamella with a pretilt: high tilts on the far side are judged against |tilt − centre|, not |tilt|', () => {
    const j = judge(series(-15));
    expect(j.report.centreDeg).toBe(-15);
    expect(j.report.failedTilts).toEqual([]);
    // The same series with one planted failure of each kind: exactly those two are named.
    const k = judge(series(-15, { failAt: -15 + 3 * 5, badRes: -15 - 3 * 8 }));
    expect(tiltsOf(k.report.failedTilts)).toEqual([-39, 0]);
  });

  it('one failed tilt in a real-looking series is named, and only it', () => {
    const j = judge(series(0, { failAt: 21 }));
    expect(j.report.failedTilts.map((f) => f.tiltDeg)).toEqual([21]);
    expect(j.report.keptFraction).toBeCloseTo(28 / 29, 12);
    expect(j.findings.find((f) => f.code === 'failed-tilts')!.basis).toMatch(/29 tilts with a CTF fit of series S/);
  });

  it('a bidirectional series tells tilt and dose apart: the fit resolution model recovers both effects', () => {
    // 0 → +45°, then −3 → −45° (3° steps, 3 e/Å² per tilt): path length and prior exposure are not tied.
    const order = [
      ...Array.from({ length: 16 }, (_, k) => 3 * k),
      ...Array.from({ length: 15 }, (_, k) => -3 * (k + 1)),
    ];
    const truth = (tilt: number, pre: number): number => 5 + 2 / Math.cos((tilt * Math.PI) / 180) + 0.04 * pre;
    const tilts: TiltRecord[] = order.map((tilt, rank) => ({
      index: rank,
      tiltDeg: tilt,
      preExposureEPerA2: 3 * rank,
      defocusUA: 30000 + 30 * Math.sin(rank),
      defocusVA: 29800 + 30 * Math.sin(rank),
      fitResolutionA: truth(tilt, 3 * rank) + 0.02 * Math.sin(7 * rank),
    }));
    const j = judge({ kind: 'relion5-tilt-star', file: 'b.star', series: 'B', tilts, placeholders: [] });
    expect(j.report.scheme).toBe('bidirectional');
    expect(j.report.failedTilts).toEqual([]);
    for (const p of j.report.perTilt)
      expect(Math.abs(p.expectedFitResolutionA! - truth(p.tiltDeg!, p.preExposureEPerA2!))).toBeLessThan(0.05);
    // 2/cos 60° − 2/cos 0° = 2 Å from the path; 0.04 Å per e/Å² = 0.4 Å per 10 e/Å².
    const f = j.findings.find((x) => x.code === 'fit-resolution-vs-tilt')!.statement;
    expect(f).toMatch(/rises by 2\.0 Å from 0° to 60°.*and by 0\.4 Å per 10 e\/Å²/);
  });

  it('acquisition schemes: dose-symmetric, bidirectional, unidirectional; unknown without an order', () => {
    const make = (seq: number[]): TiltRecord[] => seq.map((t, i) => ({ index: i, tiltDeg: t, preExposureEPerA2: i }));
    expect(classifyScheme(make([0, 3, 6, -3, -6, -9, -12, 9, 12])).scheme).toBe('dose-symmetric');
    expect(classifyScheme(make([0, 3, 6, 9, -3, -6, -9])).scheme).toBe('bidirectional');
    expect(classifyScheme(make([-9, -6, -3, 0, 3, 6, 9])).scheme).toBe('unidirectional');
    expect(classifyScheme([-9, 0, 9, 3, -3].map((t, i) => ({ index: i, tiltDeg: t }))).scheme).toBe('unknown');
  });

  it('tilt axes under the Y convention: same, 180° apart, mirrored, 90° off', () => {
    expect(axisRelation(85.3, 85.23)).toBe('same');
    expect(axisRelation(85, -95)).toBe('opposite');
    expect(axisRelation(85.3, -85.6)).toBe('mirrored');
    expect(axisRelation(85, -5)).toBe('perpendicular');
  });

  it('the dose rule as a B-factor matches Grant & Grigorieff by hand; projection matrices round-trip', () => {
    // At k = 1/10 Å, Nₑ = 14.14 e/Å² (by hand, tomo.test.ts): 20 e/Å² → B = −2·20/(14.14·0.01) = −282.9 Å².
    expect(doseRuleBfactorA2(20, 0.1)).toBeCloseTo(-282.9, 0);
    const th = (35 * Math.PI) / 180,
      ps = (80 * Math.PI) / 180;
    // Rows of R2(ψ)·R_y(θ) written out.
    const x = [Math.cos(ps) * Math.cos(th), -Math.sin(ps), Math.cos(ps) * Math.sin(th)];
    const y = [Math.sin(ps) * Math.cos(th), Math.cos(ps), Math.sin(ps) * Math.sin(th)];
    const p = tiltFromProjection(x, y);
    expect(p.tiltDeg).toBeCloseTo(35, 9);
    expect(p.axisDeg).toBeCloseTo(80, 9);
  });

  it('ctf-report: AreTomo3 _CTF.txt and tilt-angle names take tilt rules; SPA names do not', async () => {
    const r = (await ctfReportJob({ results: [file('aretomo', 'TS_5_CTF.txt')] })).result;
    expect(r.warnings.map((w) => w.code)).toContain('tilt-images');
    expect(r.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['failed-fits']));
    expect(r.findings.map((f) => f.code)).not.toContain('unreliable-fits');
    // Planted at −6° (image 11 of 25 in stack order −36…36: fit resolution 999, no rings) and +30° (image 23).
    expect(r.outliers.map((o) => o.micrograph)).toEqual(['TS_5 image 11', 'TS_5 image 23']);
    // A RELION 5 tilt STAR with placeholders: the failed tilt named by its movie; no NaN or null for the fit
    // resolution nobody computed — it is "not in these results".
    const rel = await ctfReportJob({ results: [file('relion5', 'CtfFind', 'job004', 'tilt_series', 'TS_07.star')] });
    expect(rel.result.outliers.map((o) => o.micrograph)).toEqual(['frames/TS_07_015_11.0.eer']);
    expect(rel.result.distributions.fitResolutionA).toBeNull();
    expect(rel.outputs.map((o) => o.name)).not.toContain('ctf_fit-resolution.svg');
    expect(rel.outputs.every((o) => !('text' in o) || !o.text.includes('NaN'))).toBe(true);
    expect(tiltFromImageName('MotionCorr/job002/movies/TS_01_039_-60_0.mrc')).toBe(-60);
    expect(tiltFromImageName('frames/TS_07_004_-4.0.eer')).toBe(-4);
    expect(tiltFromImageName('../f/2Dvs3D_53-1_00041_-40.0_Jul31_11.05.12.tif')).toBe(-40);
    expect(tiltFromImageName('Movies/20170629_00021_frameImage.mrc')).toBeNull();
    expect(tiltFromImageName('FoilHole_24026543_Data_24016452_24016454_20200626_142845_fractions.tiff')).toBeNull();
  });

  it('the browser app recognises a dropped tilt-series file', () => {
    expect(inspectFile(file('warp', 'TS_3.xml'))).toMatchObject({ ok: true, text: 'tilt series TS_3: 21 tilts' });
    const star = inspectFile(file('relion5', 'CtfFind', 'job004', 'tilt_series', 'TS_07.star'));
    expect(star).toMatchObject({ ok: true, text: 'tilt series TS_07: 29 tilts' });
  });

  it('a file that is no tilt series gets one clear sentence', () => {
    expect(() => readTomoFile('notes.txt', new TextEncoder().encode('hello world\n'))).toThrow(/notes\.txt/);
    expect(() => readTomoFile('x.xml', new TextEncoder().encode('<fsc></fsc>'))).toThrow(/not a tilt-series file/);
  });
});
