import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]!);
}

describe('layers', () => {
  const core = sources(join(ROOT, 'src', 'core'));

  it('finds the core sources', () => {
    expect(core.length).toBeGreaterThan(10);
  });

  it('src/core imports no Node modules and nothing from src/node or src/web', () => {
    const NODE_BUILTINS = /^(node:|fs$|fs\/|path$|os$|child_process$|worker_threads$|url$|crypto$|stream$|zlib$|util$|buffer$|process$)/;
    const bad: string[] = [];
    for (const f of core) {
      for (const spec of importsOf(f)) {
        if (NODE_BUILTINS.test(spec) || /(^|\/)(node|web)\//.test(spec.replace(/^(\.\.\/)+/, '')) || /\/src\/(node|web)\//.test(spec)) {
          bad.push(`${relative(ROOT, f)} imports ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('the import check catches what it should', () => {
    expect(importsOf(join(ROOT, 'test', 'layers.test.ts'))).toContain('node:fs');
  });
});
