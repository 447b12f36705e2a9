import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds fixtures/), from src/node or dist/node alike. */
export function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}
