import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ROOT, shared } from './paths.js';

function cryodx(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'node', 'cli', 'main.js'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const demoDir = join(mkdtempSync(join(tmpdir(), 'cryodx-demo-')), 'demo');

describe('cryodx demo and report', () => {
  it('the demo names the planted causes first, with their numbers; report.json validates', () => {
    const r = cryodx('demo', '--out', demoDir);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(demoDir, 'report.json'), 'utf8'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const strong = report.verdict.top.filter((t: { strength: string }) => t.strength === 'strong').map((t: { cause: string }) => t.cause);
    expect(strong.sort()).toEqual(['2-preferred-orientation', '5-ctf']);
    expect(report.verdict.top.map((t: { cause: string }) => t.cause)).toContain('4-motion-damage');
    expect(r.stdout).toMatch(/SCF\* 0\.\d+/);
    for (const f of ['fsc', 'guinier', 'directional', 'orientations', 'ctf-fit']) expect(existsSync(join(demoDir, 'figures', `${f}.svg`))).toBe(true);
    const html = readFileSync(join(demoDir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('clean isotropic half maps do not invent preferred orientation', () => {
    const out = join(demoDir, '..', 'clean');
    const d = (f: string): string => shared('data/relion-1tii-128', f);
    const r = cryodx('report', '--half1', d('half1.mrc'), '--half2', d('half2.mrc'), '--mask', d('mask.mrc'), '--out', out, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validate(report)).toBe(true);
    const po = report.findings.find((f: { cause: string }) => f.cause === '2-preferred-orientation');
    expect(po.strength).toBe('ruled out');
    expect(report.findings.filter((f: { strength: string }) => f.strength === 'strong')).toEqual([]);
  });
});

const chromium = '/usr/bin/chromium';
const haveChromium = existsSync(chromium);
if (!haveChromium && process.env['CI'] === 'true') throw new Error('CI needs Debian’s chromium for the report test (.ci/run installs it)');

describe.skipIf(!haveChromium)('report.html in headless Chromium', () => {
  it('opens offline with no console errors and no network requests; every figure renders', async () => {
    if (!existsSync(join(demoDir, 'report.html'))) cryodx('demo', '--out', demoDir);
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (req) => {
        if (!req.url().startsWith('file://') && !req.url().startsWith('data:')) requests.push(req.url());
      });
      await page.goto(`file://${join(demoDir, 'report.html')}`);
      expect(await page.locator('#verdict').textContent()).toMatch(/Most likely limiting/);
      expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(6);
      const images = await page.locator('figure img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
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
