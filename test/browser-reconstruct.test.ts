import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveApp, webRoot } from '../src/node/serve.js';
import { HAVE_CHROMIUM, launchChromium, requireChromiumInCi, watchedPage } from './browser.js';
import { cryodx } from './cli.js';
import { fixture } from './paths.js';

requireChromiumInCi('the browser reconstruction test');

// Issue 29: the page rebuilds the half maps from a particle STAR and the folder of its stacks, offline, and
// reports their FSC — the CLI's reconstruct on the same files.
describe.skipIf(!HAVE_CHROMIUM)('the browser app rebuilding half maps from particles', () => {
  it('gives the resolution `cryodx reconstruct` gives, with nothing sent anywhere', async () => {
    const dir = fixture('reconstruct', 'even');
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-app-rec-')), 'cli');
    const cli = cryodx('reconstruct', join(dir, 'particles.star'), '--auto-mask', '--json', '--out', out);
    expect(cli.code, cli.stderr).toBe(0);
    const expected = JSON.parse(cli.stdout) as { resolutionA: number };
    const { server, url } = await serveApp(webRoot(), 0, '127.0.0.1');
    const browser = await launchChromium();
    try {
      const { page, errors, requests } = await watchedPage(
        browser,
        (u) => u.startsWith(url) || /^(blob|data):/.test(u),
      );
      await page.goto(url);
      await page.setInputFiles('[data-testid=files]', join(dir, 'particles.star'));
      await page.setInputFiles('[data-testid=project]', dir);
      await expect.poll(() => page.locator('[data-testid=info-project]').textContent()).toMatch(/files/);
      await page.check('[data-testid=reconstruct]');
      await page.uncheck('[data-testid=anisotropy]');
      await page.uncheck('[data-testid=locres]');
      await page.click('[data-testid=run]');
      await page.waitForFunction(
        () =>
          (document.querySelector('[data-testid=result-json]')?.textContent ?? '').length > 10 ||
          /^error/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''),
        null,
        { timeout: 120_000 },
      );
      expect(await page.locator('[data-testid=status]').textContent()).not.toMatch(/^error/);
      const text = (await page.locator('[data-testid=result-json]').textContent())!;
      const got = JSON.parse(text) as {
        inputs: { half1: string; half2: string };
        measurements: { name: string; value: unknown }[];
      };
      expect([got.inputs.half1, got.inputs.half2]).toEqual(['rebuilt half1.mrc', 'rebuilt half2.mrc']);
      const resolution = got.measurements.find((m) => m.name.startsWith('resolution'))?.value as number;
      expect(resolution).toBeCloseTo(expected.resolutionA, 6);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  }, 180_000);
});
