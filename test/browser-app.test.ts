import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveApp, webRoot } from '../src/node/serve.js';
import { HAVE_CHROMIUM, jsonDifferences, launchChromium, requireChromiumInCi, watchedPage } from './browser.js';
import { caseFiles, cryodxIn } from './cli.js';
import { ROOT } from './paths.js';

requireChromiumInCi('the browser-app test');

// Issue 8: serve the app, give it half maps and a mask, compare with the CLI on the same files,
// no request off the origin, no console errors, a screenshot kept (test-output/browser-app.png).
describe.skipIf(!HAVE_CHROMIUM)('the browser app in headless Chromium', () => {
  it(
    'gives the CLI’s numbers for the same files, offline, without console errors; bad files get the CLI’s ' + 'message',
    async () => {
      const K = caseFiles('box96');
      const files = [K.half1, K.half2, K.mask];
      const dir = mkdtempSync(join(tmpdir(), 'cryodx-app-'));
      // Run where the files are, so that the CLI names them as the page does (by their names alone).
      const cli = cryodxIn(
        K.dir,
        'report',
        '--half1',
        'half1.mrc',
        '--half2',
        'half2.mrc',
        '--mask',
        'mask.mrc',
        '--out',
        join(dir, 'cli'),
      );
      expect(cli.code, cli.stderr).toBe(0);
      const expected = JSON.parse(readFileSync(join(dir, 'cli', 'report.json'), 'utf8'));
      const bad = join(dir, 'truncated_half1.mrc');
      writeFileSync(bad, readFileSync(files[0]!).subarray(0, 300000));
      const cliError = cryodxIn(dir, 'info', 'truncated_half1.mrc')
        .stderr.replace(/^cryodx: /, '')
        .trim();

      const { server, url } = await serveApp(webRoot(), 0, '127.0.0.1');
      const browser = await launchChromium();
      try {
        const watched = await watchedPage(browser, (u) => u.startsWith(url) || /^(blob|data):/.test(u));
        const { page, errors } = watched;
        const offOrigin = watched.requests;
        // The page on the kernels the CLI ran on: CRYODX_SIMD=off there, ?simd=off here.
        await page.goto(/^(off|0|false|no)$/i.test(process.env['CRYODX_SIMD'] ?? '') ? `${url}?simd=off` : url);
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
        // A bad file first: the same sentence as the CLI, next to the file.
        await page.setInputFiles('[data-testid=files]', [bad]);
        await expect
          .poll(() => page.locator('[data-testid="info-truncated_half1.mrc"]').textContent(), { timeout: 30_000 })
          .toBe(cliError);
        await page.getByRole('button', { name: 'remove' }).click();
        await page.setInputFiles('[data-testid=files]', files);
        await page.waitForFunction(
          () => !(document.querySelector('[data-testid=run]') as HTMLButtonElement).disabled,
          null,
          { timeout: 60_000 },
        );
        expect(await page.locator('[data-testid=angpix]').inputValue()).toBe(String(K.pixelSizeA));
        expect(await page.locator('[data-testid="role-half2.mrc"]').inputValue()).toBe('half2');
        // The page must stay responsive while the worker computes: a 20 ms timer keeps firing.
        await page.evaluate(() => {
          const w = window as unknown as { ticks: number[] };
          w.ticks = [];
          setInterval(() => w.ticks.push(performance.now()), 20);
        });
        await page.click('[data-testid=run]');
        await page.waitForFunction(
          () => (document.querySelector('[data-testid=result-json]')?.textContent ?? '').length > 10,
          null,
          { timeout: 300_000 },
        );
        const longestStallMs = await page.evaluate(() => {
          const ticks = (window as unknown as { ticks: number[] }).ticks;
          const from = performance.getEntriesByName('cryodx-run')[0]!.startTime,
            to = performance.getEntriesByName('cryodx-result')[0]!.startTime;
          const during = ticks.filter((t) => t > from && t < to);
          return Math.max(...during.slice(1).map((t, i) => t - during[i]!));
        });
        expect(longestStallMs).toBeLessThan(250);
        const got = JSON.parse((await page.locator('[data-testid=result-json]').textContent())!);
        expect(got.postprocess.resolutionA).toBeCloseTo(expected.postprocess.resolutionA, 9);
        expect(got.postprocess.bfactorA2).toBeCloseTo(expected.postprocess.bfactorA2, 6);
        expect(got.anisotropy.sphericity).toBeCloseTo(expected.anisotropy.sphericity, 6);
        expect(got.locres.medianA).toBeCloseTo(expected.locres.medianA, 6);
        expect(got.findings.map((f: { cause: string; strength: string }) => `${f.cause}:${f.strength}`)).toEqual(
          expected.findings.map((f: { cause: string; strength: string }) => `${f.cause}:${f.strength}`),
        );
        // One job behind both front ends: the same report.json, field for field (numbers to the last
        // few bits: the browser's and Node's Math.log/pow may differ in the final ulp).
        expect(jsonDifferences(got, expected, 1e-9)).toEqual([]);
        expect(await page.locator('[data-testid=report] figure svg').count()).toBeGreaterThanOrEqual(3);
        expect(await page.locator('[data-testid="download-report.html"]').count()).toBe(1);
        mkdirSync(join(ROOT, 'test-output'), { recursive: true });
        await page.screenshot({ path: join(ROOT, 'test-output', 'browser-app.png'), fullPage: true });
        expect(errors).toEqual([]);
        expect(offOrigin).toEqual([]);
      } finally {
        await browser.close();
        server.close();
      }
    },
    300_000,
  );
});
