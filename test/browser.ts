import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** CI must run the browser tests: a missing chromium there is an error, not a skip. */
export function requireChromiumInCi(what: string): void {
  if (!HAVE_CHROMIUM && process.env['CI'] === 'true')
    throw new Error(`CI needs Debian’s chromium for ${what} (.ci/run installs it)`);
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ];
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** A new page that records console errors and every request `allowed` does not accept. */
export async function watchedPage(
  browser: Browser,
  allowed: (url: string) => boolean,
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (!allowed(r.url())) requests.push(r.url());
  });
  return { page, errors, requests };
}

/**
 * Drops files or folders from disk on an element as a drag from the file manager does: through the DevTools
 * protocol with real paths, so that the page's webkitGetAsEntry / getAsFileSystemHandle see real folders (with
 * their symbolic links), which a DataTransfer built in the page cannot hold.
 */
export async function dropPaths(page: Page, selector: string, paths: string[]): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const)
    await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

/**
 * Makes the page's showDirectoryPicker answer with a real folder: headless Chromium aborts the native picker, so
 * the folder's handle is taken from a drop (getAsFileSystemHandle) on the page's header and handed to the next
 * call of the picker. The page's own code then walks a real directory handle, links and all.
 */
export async function answerDirectoryPicker(page: Page, folder: string): Promise<void> {
  await page.evaluate(`(() => {
    const stop = (e) => { e.preventDefault(); e.stopPropagation(); };
    const header = document.querySelector('header');
    header.addEventListener('dragover', stop);
    header.addEventListener('drop', (e) => {
      stop(e);
      window.__handle = e.dataTransfer.items[0].getAsFileSystemHandle();
    }, { once: true });
    window.showDirectoryPicker = () => window.__handle;
  })()`);
  await dropPaths(page, 'header', [folder]);
  await page.waitForFunction('!!window.__handle');
}

/** Paths where two JSON values differ: keys, strings, booleans exactly; numbers to a relative tolerance. */
export function jsonDifferences(a: unknown, b: unknown, rel: number, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} vs ${b.length} items`];
    return a.flatMap((x, i) => jsonDifferences(x, b[i], rel, `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort(),
      kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return [`${path}: keys ${ka.join()} vs ${kb.join()}`];
    return ka.flatMap((k) =>
      jsonDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`),
    );
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

/**
 * The app served on localhost and opened in a watched page that may fetch nothing but the app itself; `run` drives
 * it, then page and server are closed. Returns what the page logged as errors and every request it tried elsewhere.
 */
export async function withOfflineApp(
  run: (page: Page) => Promise<void>,
): Promise<{ errors: string[]; requests: string[] }> {
  const { serveApp, webRoot } = await import('../src/node/serve.js');
  const { server, url } = await serveApp(webRoot(), 0, '127.0.0.1');
  const browser = await launchChromium();
  try {
    const { page, errors, requests } = await watchedPage(browser, (u) => u.startsWith(url) || /^(blob|data):/.test(u));
    await page.goto(url);
    await run(page);
    return { errors, requests };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Waits for the run's report.json (or an error in the status line); returns the status line. */
export async function waitForResult(page: Page, timeoutMs: number): Promise<string> {
  await page.waitForFunction(
    () =>
      (document.querySelector('[data-testid=result-json]')?.textContent ?? '').length > 10 ||
      /^error/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''),
    null,
    { timeout: timeoutMs },
  );
  return (await page.locator('[data-testid=status]').textContent()) ?? '';
}
