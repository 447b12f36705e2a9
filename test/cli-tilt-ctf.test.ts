import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryodx } from './cli.js';
import { describe, expect, it } from 'vitest';
import { prepareTiltSeries } from '../src/core/app/jobs/tilt-ctf.js';
import { readStar } from '../src/core/io/star/read.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { simulateTiltSeries } from '../src/core/simulate/tilt-series.js';

const dir = mkdtempSync(join(tmpdir(), 'cryodx-tilt-'));
const tilts = [-40, -20, 0, 20, 40],
  order = [4, 2, 0, 1, 3],
  n = 768,
  px = 2;
const sim = simulateTiltSeries({
  nx: n,
  ny: n,
  pixelSizeA: px,
  tiltsDeg: tilts,
  order,
  dosePerTiltEPerA2: 3,
  defocusA: tilts.map(() => 30000),
  astigmatismA: 500,
  noise: 0.4,
  seed: 9,
  tiltAxisDeg: 90,
});
const stack = join(dir, 'TS_01.mrc');
writeFileSync(stack, writeMrc(createVolume(n, n, tilts.length, [px, px, px], sim.stack)));
writeFileSync(join(dir, 'TS_01.tlt'), tilts.join('\n') + '\n');
writeFileSync(join(dir, 'picks.csv'), 'x,y,z\n300,-200,100\n');
const mdoc = (pixel: number): string =>
  [
    `PixelSpacing = ${pixel}`,
    '[T = Tilt axis angle = 90, binning = 1]',
    ...tilts.map(
      (t, i) => `[ZValue = ${i}]\nTiltAngle = ${t}\nExposureDose = 3\nDateTime = 01-Jan-25  10:0${order[i]}:00`,
    ),
  ].join('\n');
writeFileSync(join(dir, 'TS_01.mdoc'), mdoc(2));
writeFileSync(join(dir, 'bin.mdoc'), mdoc(1));

describe('cryodx tilt-ctf', () => {
  it('--json contract; RELION 5-style tables, CTFFIND rows and figures; the mdoc order gives pre-exposure', () => {
    const out = join(dir, 'out');
    const r = cryodx(
      'tilt-ctf',
      stack,
      '--mdoc',
      join(dir, 'TS_01.mdoc'),
      '--angpix',
      '2',
      '--box',
      '256',
      '--particles',
      join(dir, 'picks.csv'),
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['tilts', 'particles', 'handedness', 'method', 'warnings']) expect(j).toHaveProperty(k);
    for (const k of [
      'index',
      'tiltDeg',
      'preExposureEPerA2',
      'defocusUA',
      'defocusVA',
      'astigmatismAngleDeg',
      'fitResolutionA',
      'score',
      'weight',
      'bfactorA2',
      'flagged',
    ])
      expect(j.tilts[0]).toHaveProperty(k);
    expect(j.tilts.map((t: { preExposureEPerA2: number }) => t.preExposureEPerA2)).toEqual(order.map((o) => 3 * o));
    for (const t of j.tilts) expect(Math.abs((t.defocusUA + t.defocusVA) / 60000 - 1)).toBeLessThan(0.02);
    expect(j.particles[0].defocusAPerTilt).toHaveLength(5);
    expect(j.method).toBe('whole-image');
    const star = readStar(readFileSync(join(out, 'tilt_series_ctf.star')), { source: 'star' });
    expect(star.blocks[0]!.loop!.has('rlnCtfBfactor')).toBe(true);
    for (const f of [
      'tilt_ctf.txt',
      'particle_tilt_defocus.star',
      'defocus_vs_tilt.svg',
      'fit_resolution_vs_tilt.svg',
      'weights_vs_dose.svg',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
  }, 180_000);

  it('clear errors: tilt count, pixel size, missing axis and geometry', () => {
    writeFileSync(join(dir, 'short.tlt'), '-20\n0\n20\n');
    expect(
      cryodx(
        'tilt-ctf',
        stack,
        '--tlt',
        join(dir, 'short.tlt'),
        '--angpix',
        '2',
        '--tilt-axis-deg',
        '90',
        '--dose-per-tilt',
        '3',
      ).stderr,
    ).toMatch(/has 5 sections but .*short\.tlt lists 3 tilts/);
    // A binned stack's size differs from the movies' in its .mdoc: --angpix decides, as for every map, and the
    // one warning names the .mdoc with what it states.
    const named = (p: string) => ({ name: p, bytes: new Uint8Array(readFileSync(p)) });
    const prepared = prepareTiltSeries({ stack: named(stack), mdoc: named(join(dir, 'bin.mdoc')), pixelSizeA: 2 });
    expect(prepared.input.pixelSizeA).toBe(2);
    expect(prepared.warnings.filter((w) => w.code === 'angpix-override').map((w) => w.message)).toEqual([
      `--angpix 2 Å overrides the pixel size stated by ${join(dir, 'bin.mdoc')} (1 Å)`,
    ]);
    expect(
      cryodx('tilt-ctf', stack, '--tlt', join(dir, 'TS_01.tlt'), '--angpix', '2', '--dose-per-tilt', '3').stderr,
    ).toMatch(/tilt-axis angle: pass --tilt-axis-deg/);
    expect(cryodx('tilt-ctf', stack, '--angpix', '2').stderr).toMatch(/exactly one of --tlt, --mdoc, --tomo-star/);
    expect(
      cryodx(
        'tilt-ctf',
        stack,
        '--tlt',
        join(dir, 'TS_01.tlt'),
        '--angpix',
        '2',
        '--tilt-axis-deg',
        '90',
        '--dose-per-tilt',
        '3',
        '--amplitude-contrast',
        '-0.1',
      ).stderr,
    ).toMatch(/--amplitude-contrast takes a fraction/);
    writeFileSync(join(dir, 'two.xf'), '1 0 0 1 0 0\n1 0 0 1 0 0\n');
    expect(
      cryodx(
        'tilt-ctf',
        stack,
        '--tlt',
        join(dir, 'TS_01.tlt'),
        '--xf',
        join(dir, 'two.xf'),
        '--angpix',
        '2',
        '--dose-per-tilt',
        '3',
      ).stderr,
    ).toMatch(/two\.xf has 2 transforms for 5 tilts/);
    expect(
      cryodx('tilt-ctf', stack, '--tlt', join(dir, 'TS_01.tlt'), '--angpix', '2', '--tilt-axis-deg', '90').stderr,
    ).toMatch(/give --dose-per-tilt/);
  }, 60_000);

  it('a tilt axis 90° off (measured from X, not Y) is caught on the most tilted image; the right one is not', () => {
    const run = (
      axis: string,
    ): { axisCheck: { rotatedBetter: boolean; tiltDeg: number }; warnings: { code: string }[] } => {
      const r = cryodx(
        'tilt-ctf',
        stack,
        '--tlt',
        join(dir, 'TS_01.tlt'),
        '--angpix',
        '2',
        '--box',
        '256',
        '--dose-per-tilt',
        '3',
        '--tilt-axis-deg',
        axis,
        '--out',
        join(dir, `axis${axis}`),
        '--json',
      );
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const right = run('90');
    expect(right.axisCheck.rotatedBetter).toBe(false);
    expect(right.warnings.map((w) => w.code)).not.toContain('tilt-axis-90-off');
    const wrong = run('0');
    expect(Math.abs(wrong.axisCheck.tiltDeg)).toBe(Math.max(...tilts.map(Math.abs)));
    expect(wrong.axisCheck.rotatedBetter).toBe(true);
    expect(wrong.warnings.map((w) => w.code)).toContain('tilt-axis-90-off');
  }, 120_000);

  it('--fit-axis: a coarse search finds the simulated axis (90°) from a given 70°, with no tilt offset', () => {
    const r = cryodx(
      'tilt-ctf',
      stack,
      '--tlt',
      join(dir, 'TS_01.tlt'),
      '--angpix',
      '2',
      '--box',
      '256',
      '--dose-per-tilt',
      '3',
      '--tilt-axis-deg',
      '70',
      '--fit-axis',
      '--out',
      join(dir, 'fit'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const off = Math.abs(((((j.fittedAxis.tiltAxisDeg - 90) % 180) + 270) % 180) - 90);
    expect(off).toBeLessThanOrEqual(10);
    expect(Math.abs(j.fittedAxis.tiltOffsetDeg)).toBeLessThanOrEqual(2);
    expect(j.fittedAxis.score).toBeGreaterThan(j.fittedAxis.scoreGiven);
    expect(j.warnings.map((w: { code: string }) => w.code)).toContain('tilt-axis-fitted');
  }, 120_000);

  it('report --tilt-series carries the per-tilt CTF table (report.json and report.html)', () => {
    const out = join(dir, 'report');
    const r = cryodx(
      'report',
      '--tilt-series',
      stack,
      '--tlt',
      join(dir, 'TS_01.tlt'),
      '--tilt-angpix',
      '2',
      '--tilt-axis-deg',
      '90',
      '--dose-per-tilt',
      '3',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.tiltSeries.tilts.map((t: { tiltDeg: number }) => t.tiltDeg)).toEqual(tilts);
    for (const t of j.tiltSeries.tilts) expect((t.defocusUA + t.defocusVA) / 2).toBeCloseTo(30000, -3);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<h2>Tilt series .*TS_01\.mrc/);
    expect(cryodx('report', '--tilt-series', stack, '--tlt', join(dir, 'TS_01.tlt')).stderr).toMatch(
      /--tilt-series needs --tilt-angpix/,
    );
  }, 120_000);
});
