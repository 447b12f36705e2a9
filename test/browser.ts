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
