/**
 * The browser app against the CLI on the same 256³ half maps and mask: FSC + B-factor (post-processing:
 * masked and phase-randomised FSC, Guinier, automatic B) in Debian's headless Chromium through
 * `cryodx serve`, beside `cryodx postprocess --auto-bfactor`, in one run. Target: browser ≤ 2× CLI.
 * Run: npm run bench:browser (needs /usr/bin/chromium).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { autoMask } from '../src/core/analysis/masks/masks.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import {
  addNoise,
  applyBfactor,
  atomsToMap,
  ellipsoidAtoms,
  gaussianRandom,
  standardDeviation,
} from '../src/core/simulate/maps.js';
import { seededRandom } from '../src/core/util/random.js';
import { serveApp, webRoot } from '../src/node/serve.js';

const N = Number(process.env['BENCH_N'] ?? 256),
  PX = 1.1;
if (!existsSync('/usr/bin/chromium')) {
  console.log('no /usr/bin/chromium (apt-get install chromium): browser benchmark skipped');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'cryodx-bench-browser-'));
const rnd = seededRandom(256);
const truth = applyBfactor(
  atomsToMap(
    ellipsoidAtoms(Math.round(12000 * (N / 256) ** 3), [N * PX * 0.3, N * PX * 0.22, N * PX * 0.18], rnd),
    N,
    PX,
    0.8,
  ),
  N,
  PX,
  80,
);
const g = gaussianRandom(rnd),
  sigma = 3 * standardDeviation(truth);
const h1 = addNoise(truth, sigma, g),
  h2 = addNoise(truth, sigma, g);
const vol = (d: Float32Array) => createVolume(N, N, N, [PX, PX, PX], d);
writeFileSync(join(dir, 'half1.mrc'), writeMrc(vol(h1)));
writeFileSync(join(dir, 'half2.mrc'), writeMrc(vol(h2)));
writeFileSync(
  join(dir, 'mask.mrc'),
  writeMrc(
    vol(
      autoMask(
        h1.map((v, i) => 0.5 * (v + h2[i]!)),
        N,
        N,
        N,
        PX,
      ).mask,
    ),
  ),
);

const cli = join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');
const cliTimes: number[] = [];
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [cli, 'postprocess', 'half1.mrc', 'half2.mrc', '--mask', 'mask.mrc', '--auto-bfactor', '--out', `pp${i}`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  cliTimes.push((performance.now() - t) / 1000);
}
const { server, url } = await serveApp(webRoot(), 0, '127.0.0.1');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const browserTimes: number[] = [];
let longestStallMs = 0;
try {
  for (let i = 0; i < 2; i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.setInputFiles(
      '[data-testid=files]',
      ['half1.mrc', 'half2.mrc', 'mask.mrc'].map((f) => join(dir, f)),
    );
    await page.uncheck('[data-testid=anisotropy]');
    await page.uncheck('[data-testid=locres]');
    await page.waitForFunction(
      () => !(document.querySelector('[data-testid=run]') as HTMLButtonElement).disabled,
      null,
      { timeout: 120_000 },
    );
    await page.evaluate(() => {
      const w = window as unknown as { ticks: number[] };
      w.ticks = [];
      setInterval(() => w.ticks.push(performance.now()), 20);
    });
    const t = performance.now();
    await page.click('[data-testid=run]');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=result-json]')?.textContent ?? '').length > 10,
      null,
      { timeout: 600_000 },
    );
    browserTimes.push((performance.now() - t) / 1000);
    longestStallMs = Math.max(
      longestStallMs,
      await page.evaluate(() => {
        const ticks = (window as unknown as { ticks: number[] }).ticks;
        const from = performance.getEntriesByName('cryodx-run')[0]!.startTime,
          to = performance.getEntriesByName('cryodx-result')[0]!.startTime;
        const during = ticks.filter((x) => x > from && x < to);
        return Math.max(...during.slice(1).map((x, i) => x - during[i]!));
      }),
    );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
const best = (v: number[]): number => Math.min(...v);
console.log(`\n| what (${N}³, mask, automatic B) | seconds | ratio to CLI |`);
console.log('| --- | ---: | ---: |');
console.log(
  `| \`cryodx postprocess --auto-bfactor\` (whole command: read, FSC, B, write maps) | ` +
    `${best(cliTimes).toFixed(2)} | 1.00 |`,
);
console.log(
  `| browser app, FSC + B-factor (Diagnose → result, incl. report and figures) | ${best(browserTimes).toFixed(2)} ` +
    `| ${(best(browserTimes) / best(cliTimes)).toFixed(2)} |`,
);
console.log(`\nLongest stall of the page's 20 ms timer while the worker computed: ${longestStallMs.toFixed(0)} ms.`);
