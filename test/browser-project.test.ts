import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveApp, webRoot } from '../src/node/serve.js';
import { HAVE_CHROMIUM, launchChromium, requireChromiumInCi, watchedPage } from './browser.js';
import { cryodx } from './cli.js';
import { fixture } from './paths.js';

requireChromiumInCi('the browser project test');

// Issue 17: a project folder chosen in the page is read by the same reader as `report --project`.
describe.skipIf(!HAVE_CHROMIUM)('the browser app with a project folder', () => {
  it('gives the CLI’s findings and the same list of files used', async () => {
    const dir = fixture('projects', 'relion31');
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-app-project-')), 'cli');
    const cli = cryodx('report', '--project', dir, '--out', out);
    expect(cli.code, cli.stderr).toBe(0);
    const expected = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const { server, url } = await serveApp(webRoot(), 0, '127.0.0.1');
    const browser = await launchChromium();
    try {
      const { page, errors, requests } = await watchedPage(
        browser,
        (u) => u.startsWith(url) || /^(blob|data):/.test(u),
      );
      await page.goto(url);
      await page.setInputFiles('[data-testid=project]', dir);
      await expect.poll(() => page.locator('[data-testid=info-project]').textContent()).toMatch(/files/);
      await page.click('[data-testid=run]');
      await page.waitForFunction(
        () => (document.querySelector('[data-testid=result-json]')?.textContent ?? '').length > 10,
        null,
        { timeout: 120_000 },
      );
      const got = JSON.parse((await page.locator('[data-testid=result-json]').textContent())!);
      const brief = (j: { findings: { cause: string; strength: string; evidence: { value: unknown }[] }[] }) =>
        j.findings.map((f) => [f.cause, f.strength, f.evidence.map((e) => e.value)]);
      expect(brief(got)).toEqual(brief(expected));
      const files = (j: { inputs: { used: { role: string; file: string }[] } }) =>
        j.inputs.used.map((u) => `${u.role}:${u.file}`);
      expect(files(got)).toEqual(files(expected));
      expect(await page.locator('[data-testid=report] figure svg').count()).toBeGreaterThanOrEqual(4);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  }, 180_000);
});
