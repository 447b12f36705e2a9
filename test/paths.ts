import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** ../shared beside the checkout: developers and CI have it, a user's clone does not. */
export const SHARED = process.env['CRYODX_SHARED'] ?? join(ROOT, '..', 'shared');
/** Extra checks on ../shared data run only when it is there (and vitest lists them as skipped otherwise). */
export const HAS_SHARED = existsSync(join(SHARED, 'data'));

export function fixture(...parts: string[]): string {
  return join(ROOT, 'fixtures', ...parts);
}

/**
 * A path in ../shared. Every test that calls it is marked `skipIf(!HAS_SHARED)`, so a clone with nothing beside it
 * lists those tests as skipped (test/layers.test.ts checks the marking); this never throws.
 */
export function shared(...parts: string[]): string {
  return join(SHARED, ...parts);
}

export function bytesOf(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function textOf(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The file names in a fixture folder (core tests read fixtures through these helpers, never node: modules). */
export function fixtureFiles(...parts: string[]): string[] {
  return readdirSync(fixture(...parts)).sort();
}
