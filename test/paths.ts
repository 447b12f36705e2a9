import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** ../shared beside the checkout (CI and developers have it). */
export const SHARED = join(ROOT, '..', 'shared');

export function fixture(...parts: string[]): string {
  return join(ROOT, 'fixtures', ...parts);
}

export function shared(...parts: string[]): string {
  const p = join(SHARED, ...parts);
  if (!existsSync(p)) throw new Error(`missing shared data ${p}: tests expect ../shared beside the checkout`);
  return p;
}

export function bytesOf(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function textOf(path: string): string {
  return readFileSync(path, 'utf8');
}
