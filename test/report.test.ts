import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, launchChromium, requireChromiumInCi, watchedPage } from './browser.js';
import { caseFiles, cryodx } from './cli.js';
import { fixture, ROOT } from './paths.js';
import { readRelionPostprocess } from './relion-reference.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const demoDir = join(mkdtempSync(join(tmpdir(), 'cryodx-demo-')), 'demo');

describe('cryodx demo and report', () => {
  it('the demo names the planted causes first, with their numbers; report.json validates', () => {
    const r = cryodx('demo', '--out', demoDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(demoDir, 'report.json'), 'utf8'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const strong = report.verdict.top
      .filter((t: { strength: string }) => t.strength === 'strong')
      .map((t: { cause: string }) => t.cause);
    expect(strong.sort()).toEqual(['2-preferred-orientation', '5-ctf']);
    expect(report.verdict.top.map((t: { cause: string }) => t.cause)).toContain('4-motion-damage');
    expect(r.stdout).toMatch(/SCF\* 0\.\d+/);
    // The planted poor CTF fits (35 %) reach the report as the dataset CTF finding, first.
    expect(report.ctfTriage.findings[0].code).toBe('unreliable-fits');
    expect(report.ctfTriage.findings[0].fraction).toBeCloseTo(0.35, 2);
    for (const f of ['fsc', 'guinier', 'directional', 'orientations', 'ctf-fit'])
      expect(existsSync(join(demoDir, 'figures', `${f}.svg`))).toBe(true);
    const html = readFileSync(join(demoDir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('clean isotropic half maps do not invent preferred orientation', () => {
    const out = join(demoDir, '..', 'clean');
    const K = caseFiles('box96');
    const r = cryodx('report', '--half1', K.half1, '--half2', K.half2, '--mask', K.mask, '--out', out, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report)).toBe(true);
    const po = report.findings.find((f: { cause: string }) => f.cause === '2-preferred-orientation');
    expect(po.strength).toBe('ruled out');
    expect(report.findings.filter((f: { strength: string }) => f.strength === 'strong')).toEqual([]);
  });
});

describe('CTF refinement outputs reach the microscope cause', () => {
  it(
    'beam tilt and anisotropic magnification from a CtfRefine particle STAR are judged at the map’s ' + 'resolution',
    () => {
      const K = caseFiles('box96');
      const star = fixture('star', 'ctf_refine_particles.star');
      const r = cryodx(
        'report',
        '--half1',
        K.half1,
        '--half2',
        K.half2,
        '--mask',
        K.mask,
        '--ctf',
        star,
        '--out',
        join(demoDir, '..', 'aberr'),
        '--json',
      );
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      expect(report.ctf.micrographs).toBe(2); // six particles on two micrographs
      const a = report.aberrations[0];
      // 1 mrad at 300 kV, Cs 2.7 mm: 139.5° at 3 Å, scaled by (3/d)³ to the map's resolution.
      expect(a.comaPhaseDeg).toBeCloseTo(139.5 * (3 / report.postprocess.resolutionA) ** 3, 0);
      const micro = report.findings.find((f: { cause: string }) => f.cause === '7-microscope');
      expect(micro.strength).toBe('strong'); // 2 % magnification anisotropy (> 1 %)
      expect(micro.evidence.map((e: { measure: string }) => e.measure)).toEqual([
        'comaPhaseDeg',
        'magAnisotropyPercent',
      ]);
    },
  );
});

describe('a map limited by its pixel size', () => {
  it('names sampling-limit first (the corrected FSC is above 0.143 at Nyquist in RELION’s own numbers)', () => {
    const K = caseFiles('nyq64');
    const relion = readRelionPostprocess(K.relionStar);
    const nyquist = relion.shells.get(K.n / 2)!;
    expect(nyquist['rlnFourierShellCorrelationCorrected']!).toBeGreaterThan(0.143);
    const r = cryodx(
      'report',
      '--half1',
      K.half1,
      '--half2',
      K.half2,
      '--mask',
      K.mask,
      '--out',
      join(demoDir, '..', 'nyq'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.findings[0].cause).toBe('sampling-limit');
    expect(report.verdict.top[0].cause).toBe('sampling-limit');
    expect(report.findings.find((f: { cause: string }) => f.cause === '4-motion-damage').strength).toBe('not measured');
  });
});

describe('every analysis the report computes reaches the diagnosis', () => {
  it('with half maps, particles, CTF results and a refined Cs, no measured cause reads "not measured"', () => {
    const K = caseFiles('box96');
    const out = join(demoDir, '..', 'all');
    const r = cryodx(
      'report',
      '--half1',
      K.half1,
      '--half2',
      K.half2,
      '--mask',
      K.mask,
      '--particles',
      fixture('cs', 'particles.cs'),
      '--ctf',
      fixture('ctffind', 'ctffind5.txt'),
      '--cs-refined',
      '2.9',
      '--cs-nominal',
      '2.7',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const strength = (cause: string): string =>
      report.findings.find((f: { cause: string }) => f.cause === cause).strength;
    // Measured by: locres (1b), anisotropy + orientations (2), CTF (5), the B-factor budget (particles), calibration
    // (7).
    for (const cause of [
      '1b-conformational',
      '2-preferred-orientation',
      '4-motion-damage',
      '5-ctf',
      '7-microscope',
      'particle-limited',
    ]) {
      expect(strength(cause), cause).not.toBe('not measured');
    }
    // Cs_fit = Cs·(p_nom/p_true)⁴ (RELION docs, pixel size issues): 2.9 mm fitted for 2.7 mm means p_nom/p_true =
    // (2.9/2.7)^¼.
    expect(report.calibration.pixelSizeErrorPercent).toBeCloseTo(100 * (Math.pow(2.9 / 2.7, 0.25) - 1), 6);
    const micro = report.findings.find((f: { cause: string }) => f.cause === '7-microscope');
    expect(micro.evidence[0].value).toBeCloseTo(Math.abs(report.calibration.pixelSizeErrorPercent), 2);
    // One sign for one name: bfactorA2 is RELION's (negative) wherever it appears in report.json.
    expect(report.postprocess.bfactorA2).toBeLessThan(0);
    expect(report.budget.bfactorA2).toBe(report.postprocess.bfactorA2);
    expect(report.budget.overallBfactorA2).toBe(-report.postprocess.bfactorA2);
  });
});

requireChromiumInCi('the report test');

describe.skipIf(!HAVE_CHROMIUM)('report.html in headless Chromium', () => {
  it('opens offline with no console errors and no network requests; every figure renders', async () => {
    if (!existsSync(join(demoDir, 'report.html'))) cryodx('demo', '--out', demoDir);
    const browser = await launchChromium();
    try {
      const { page, errors, requests } = await watchedPage(
        browser,
        (u) => u.startsWith('file://') || u.startsWith('data:'),
      );
      await page.goto(`file://${join(demoDir, 'report.html')}`);
      expect(await page.locator('#verdict').textContent()).toMatch(/Most likely limiting/);
      expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(6);
      const images = await page
        .locator('figure img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(images.length).toBeGreaterThanOrEqual(3);
      expect(images.every((w) => w > 0)).toBe(true);
      await page.screenshot({ path: join(demoDir, 'report.png'), fullPage: false });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
