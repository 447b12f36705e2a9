import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPipeline } from '../src/core/io/processing/pipeline.js';
import { readStar } from '../src/core/io/star/read.js';
import { serveApp, webRoot } from '../src/node/serve.js';
import {
  answerDirectoryPicker,
  dropPaths,
  HAVE_CHROMIUM,
  jsonDifferences,
  launchChromium,
  requireChromiumInCi,
  watchedPage,
} from './browser.js';
import { caseFiles, cryodxIn } from './cli.js';
import { fixture, HAS_SHARED, ROOT, shared, textOf } from './paths.js';

requireChromiumInCi('the browser inputs test');

/**
 * Issue 33: the page as a scientist uses it. A RELION project with its alias links (Polish/polish →
 * ../Polish/job011/) given four ways — the folder chooser (which in Chromium loses the jobs behind the links: the
 * page must name them), a drop, the directory picker and a zip — each giving the CLI's report.json; the numbers
 * first, above the fold, no nested scroll; hints naming roles the page offers; symmetry read from the angles;
 * inputs checked as they are read. One browser for all; screenshots in test-output/.
 */
const OUT = join(ROOT, 'test-output');

/** Every file under a folder (relative paths), links to folders not followed: what a project really holds. */
function realFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    return e.isSymbolicLink() ? [] : e.isDirectory() ? realFiles(dir, rel) : [rel];
  });
}

/** A copy of a RELION project with an alias link beside each aliased job, as RELION writes them. */
function withAliasLinks(src: string, dest: string): string {
  cpSync(src, dest, { recursive: true });
  const jobs = readPipeline(readStar(readFileSync(join(dest, 'default_pipeline.star')), { source: 'pipeline' }));
  for (const j of jobs)
    if (j.alias && j.alias !== j.name) symlinkSync(`../${j.name}/`, join(dest, j.alias.replace(/\/$/, '')));
  return dest;
}

/** The project as a zip with its links stored as links (zip -y), built here so that no zip tool is needed. */
function zipWithLinks(dir: string, zipPath: string): string {
  const root = basename(dir);
  const entries: Record<string, Uint8Array | [Uint8Array, { os: number; attrs: number }]> = {};
  const walk = (sub: string): void => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        const target = new TextEncoder().encode(
          execFileSync('readlink', [join(dir, rel)], { encoding: 'utf8' }).trim(),
        );
        entries[`${root}/${rel}`] = [target, { os: 3, attrs: 0o120777 << 16 }];
      } else if (e.isDirectory()) walk(rel);
      else entries[`${root}/${rel}`] = new Uint8Array(readFileSync(join(dir, rel)));
    }
  };
  walk('');
  writeFileSync(zipPath, zipSync(entries));
  return zipPath;
}

/** `cryodx report --project NAME` run beside the folder, so that the project is named as the page names it. */
function cliReport(dir: string): unknown {
  const out = mkdtempSync(join(tmpdir(), 'cryodx-inputs-cli-'));
  const r = cryodxIn(dirname(dir), 'report', '--project', basename(dir), '--out', out);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
}

async function diagnose(page: Page): Promise<Record<string, unknown>> {
  await page.waitForFunction(() => !(document.querySelector('[data-testid=run]') as HTMLButtonElement).disabled, null, {
    timeout: 60_000,
  });
  await page.click('[data-testid=run]');
  await page.waitForFunction(
    () =>
      (document.querySelector('[data-testid=result-json]')?.textContent ?? '').length > 10 ||
      /^error/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''),
    null,
    { timeout: 240_000 },
  );
  expect(await page.locator('[data-testid=status]').textContent()).not.toMatch(/^error/);
  return JSON.parse((await page.locator('[data-testid=result-json]').textContent())!);
}

const projectInfo = (page: Page): Promise<string | null> =>
  page.locator('[data-testid=info-project]').textContent({ timeout: 30_000 });

/** Reading a 477-file project on a loaded 2-core machine took longer than expect.poll's default 1 s. */
const POLL = { timeout: 30_000, interval: 200 };

describe.skipIf(!HAVE_CHROMIUM)('the browser app as a scientist uses it', () => {
  let browser: Browser;
  let server: { close(): void };
  let url: string;
  const tmp = mkdtempSync(join(tmpdir(), 'cryodx-inputs-'));
  const watched: { errors: string[]; requests: string[] }[] = [];

  beforeAll(async () => {
    ({ server, url } = await serveApp(webRoot(), 0, '127.0.0.1'));
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    // No request off the page's origin and no console error in any flow.
    for (const w of watched) {
      expect(w.errors).toEqual([]);
      expect(w.requests).toEqual([]);
    }
  });

  async function open(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const w = await watchedPage(browser, (u) => u.startsWith(url) || /^(blob|data):/.test(u));
    watched.push(w);
    await w.page.setViewportSize(viewport);
    await w.page.goto(url);
    return w.page;
  }

  /** The four ways in, on one project folder with its alias links; each must give the CLI's report.json. */
  async function everyWayIn(dir: string, shot: string): Promise<void> {
    const expected = cliReport(dir);
    const all = realFiles(dir);

    // 1. The folder chooser: Chromium loses the jobs behind the links; the page names each one.
    const chooser = await open();
    await chooser.setInputFiles('[data-testid=project]', dir);
    await expect.poll(() => projectInfo(chooser), POLL).toMatch(/files received/);
    const received = Number(/(\d+) files received/.exec((await projectInfo(chooser))!)![1]);
    if (received < all.length) {
      const listed = await chooser.locator('[data-testid=project-missing] li').allTextContents();
      const missingJobs = new Set(listed.map((l) => l.split(' ')[0]!));
      expect(listed.length).toBeGreaterThan(0);
      // The folder chooser's own listing (the same enumeration on a spare input) says which files were lost.
      await chooser.evaluate(() => {
        const i = document.createElement('input');
        i.type = 'file';
        i.webkitdirectory = true;
        i.id = 'spare';
        document.body.append(i);
      });
      await chooser.setInputFiles('#spare', dir);
      const seen = new Set(
        await chooser.evaluate(() =>
          Array.from((document.getElementById('spare') as HTMLInputElement).files!, (f) =>
            f.webkitRelativePath.split('/').slice(1).join('/'),
          ),
        ),
      );
      expect(seen.size).toBe(received);
      // Every file lost lies in a job the page named, with the fix.
      for (const f of all.filter((p) => !seen.has(p)))
        expect(missingJobs.has(f.split('/').slice(0, 2).join('/')) || listed.includes(f), f).toBe(true);
      expect(await chooser.locator('[data-testid=project-missing]').textContent()).toMatch(
        /Drop the project folder on this page instead, or give a zip of it/,
      );
      await chooser.screenshot({ path: join(OUT, `${shot}-chooser.png`) });
    }

    // 2. A drop: every file arrives (links skipped, the jobs behind them read), the CLI's report.json.
    const dropped = await open();
    await dropPaths(dropped, '[data-testid=drop]', [dir]);
    await expect
      .poll(() => projectInfo(dropped), POLL)
      .toMatch(new RegExp(`\\(dropped folder\\): ${all.length} files`));
    expect(await dropped.locator('[data-testid=project-missing]').count()).toBe(0);
    expect(jsonDifferences(await diagnose(dropped), expected, 1e-9)).toEqual([]);
    await dropped.screenshot({ path: join(OUT, `${shot}-dropped.png`) });

    // 3. The directory picker (its handle from a real folder): every file, the same report.
    const picked = await open();
    await answerDirectoryPicker(picked, dir);
    await picked.click('[data-testid=choose-folder]');
    await expect.poll(() => projectInfo(picked), POLL).toMatch(new RegExp(`\\(chosen folder\\): ${all.length} files`));
    expect(jsonDifferences(await diagnose(picked), expected, 1e-9)).toEqual([]);

    // 4. A zip of the project, links stored as links: the same report.
    const zipped = await open();
    await zipped.setInputFiles('[data-testid=files]', zipWithLinks(dir, join(tmp, `${basename(dir)}.zip`)));
    await expect.poll(() => projectInfo(zipped), POLL).toMatch(new RegExp(`\\(zip\\): ${all.length} files`));
    expect(jsonDifferences(await diagnose(zipped), expected, 1e-9)).toEqual([]);
  }

  // The fixture project stands in for the tutorial where ../shared is absent (one of the two runs, to stay lean).
  it.skipIf(HAS_SHARED)(
    'a RELION project with alias links (fixture): chosen, dropped, picked and zipped, the CLI’s report.json',
    async () => {
      await everyWayIn(withAliasLinks(fixture('projects', 'relion31'), join(tmp, 'relion31')), 'relion31');
    },
    300_000,
  );

  it.skipIf(!HAS_SHARED)(
    'the RELION 3.1 tutorial project (../shared), with its 31 alias links, every way in',
    async () => {
      const dir = join(tmp, 'tutorial');
      mkdirSync(dir);
      execFileSync('tar', ['-xJf', shared('data/real/relion-tutorial-3.1/relion_tutorial_files.tar.xz'), '-C', dir]);
      await everyWayIn(dir, 'tutorial');
    },
    300_000,
  );

  it.skipIf(!HAS_SHARED)(
    'the numbers first, above the fold, no nested scroll; D2 asked for and taken from the angles; page hints',
    async () => {
      const B = (f: string): string => shared('data/real/betagal-238', f);
      const page = await open();
      await page.setInputFiles('[data-testid=files]', [
        B('q_half1.mrc'),
        B('q_half2.mrc'),
        B('mask.mrc'),
        B('matched_q.star'),
      ]);
      await expect
        .poll(() => page.locator('[data-testid=sym-question]').textContent(), { timeout: 30_000 })
        .toMatch(/asymmetric unit of D2 \(rot 0° to 180°, tilt 0–90°/);
      expect(await page.locator('[data-testid=run]').isDisabled()).toBe(true);
      await page.click('[data-testid=use-symmetry]');
      const json = (await diagnose(page)) as {
        inputs: { symmetry: string };
        findings: { cause: string; strength: string }[];
      };
      expect(json.inputs.symmetry).toBe('D2');
      expect(json.findings.find((f) => f.cause === '6-picking')!.strength).toBe('not measured');
      // 7.81 Å · B −461 Å² · 238 particles · sphericity 0.79, at the top of the result, in view at 1280×800.
      const strip = page.locator('#summary');
      expect(await strip.locator('[data-summary=resolution] .value').textContent()).toBe('7.81 Å');
      expect(await strip.locator('[data-summary=bfactor] .value').textContent()).toBe('−461 Å²');
      expect(await strip.locator('[data-summary=particles] .value').textContent()).toBe('238');
      expect(await strip.locator('[data-summary=sphericity] .value').textContent()).toBe('0.79');
      const box = (await strip.boundingBox())!;
      expect(box.y + box.height).toBeLessThan(800);
      expect(await page.locator('iframe').count()).toBe(0);
      // One scroll: nothing in the result scrolls on its own.
      const nested = await page.evaluate(
        () =>
          Array.from(document.querySelectorAll('#results *')).filter((el) => {
            const s = getComputedStyle(el);
            return /(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1 && el.tagName !== 'PRE';
          }).length,
      );
      expect(nested).toBe(0);
      // Each figure once (live), each a named slot; the orientation plot has a legend, not per-bin toggles.
      const figures = await page.locator('[data-testid=report] figure').evaluateAll((f) => f.map((x) => x.id));
      expect(new Set(figures).size).toBe(figures.length);
      expect(figures).toEqual(expect.arrayContaining(['fig-fsc', 'fig-guinier', 'fig-orientations']));
      expect(await page.locator('#fig-orientations .toggles input').count()).toBe(0);
      expect(await page.locator('#fig-orientations svg').textContent()).toMatch(/views per bin/);
      expect(await page.locator('[data-testid=sections] canvas').count()).toBe(1);
      // Every "add …" names roles the role menu offers, never a CLI flag.
      const options = await page.locator('select[data-testid^=role-] >> nth=0').locator('option').allTextContents();
      const hints = await page.locator('[data-testid=report] .needs').allTextContents();
      expect(hints.length).toBeGreaterThan(3);
      for (const h of hints) {
        expect(h).not.toMatch(/--[a-z]/);
        const roles = [...h.matchAll(/“([^”]+)”/g)].map((m) => m[1]);
        for (const r of roles) expect(options, h).toContain(r);
      }
      await page.screenshot({ path: join(OUT, 'browser-result-1280x800.png') });
    },
    120_000,
  );

  it('inputs checked as they are read: maps of different boxes stop Diagnose and say why', async () => {
    const a = caseFiles('box96'),
      b = caseFiles('box75');
    const dir = join(tmp, 'mixed');
    mkdirSync(dir);
    cpSync(a.half1, join(dir, 'half1.mrc'));
    cpSync(b.half2, join(dir, 'half2.mrc'));
    const page = await open();
    await page.setInputFiles('[data-testid=files]', [join(dir, 'half1.mrc'), join(dir, 'half2.mrc')]);
    await expect
      .poll(() => page.locator('[data-testid=checks]').textContent(), { timeout: 30_000 })
      .toMatch(/the maps differ in size \(half1\.mrc 96×96×96, half2\.mrc 75×75×75\)/);
    expect(await page.locator('[data-testid=run]').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'remove' }).nth(1).click();
    await expect
      .poll(() => page.locator('[data-testid=checks]').textContent())
      .toMatch(/half map 1 without half map 2/);
    expect(await page.locator('[data-testid=run]').isDisabled()).toBe(true);
  }, 60_000);

  it('a model alone: titles and panels for what was computed (no map question, no empty tables)', async () => {
    const plddt = (res: number): number => (res <= 6 ? 35 : 92);
    const pdb = textOf(fixture('model', 'fragment.pdb'))
      .split('\n')
      .map((l) =>
        l.startsWith('ATOM')
          ? l.slice(0, 60) +
            plddt(Number(l.slice(22, 26)))
              .toFixed(2)
              .padStart(6) +
            l.slice(66)
          : l,
      )
      .join('\n')
      .replace(/^TITLE .*$/m, 'TITLE     ALPHAFOLD MONOMER V2.0 PREDICTION FOR A TEST FRAGMENT');
    const file = join(tmp, 'af_model.pdb');
    writeFileSync(file, pdb);
    const page = await open();
    await page.setInputFiles('[data-testid=files]', file);
    await diagnose(page);
    const report = page.locator('[data-testid=report]');
    expect(await report.locator('h1').textContent()).toBe('What the model says about the construct');
    expect(await report.textContent()).not.toMatch(/Why does this map stop|Sections/);
    expect(await report.locator('#numbers + table').textContent()).toMatch(/mean pLDDT/);
    expect(await report.locator('#fig-residues figcaption').textContent()).toMatch(/^Per residue: pLDDT/);
    expect(await report.locator('#fig-residues figcaption').textContent()).not.toMatch(/Q-score|local resolution/);
    expect(await report.locator('[data-summary=plddt] .value').textContent()).toMatch(/^\d+\.\d$/);
    await page.screenshot({ path: join(OUT, 'browser-model-only.png'), fullPage: true });
  }, 60_000);
});
