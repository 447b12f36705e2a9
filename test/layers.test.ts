import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

/** Every .ts file below a folder, tests included. */
function sourcesAll(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourcesAll(p) : name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]!);
}

/**
 * The layers, lowest first (docs/conventions.md): a module may import its own layer and the ones
 * below it, never one above. Foundations (errors, numerics) → model → io (formats) → analysis (every
 * computation, CTF fitting included) → simulate → diagnosis (interpretation) → report and exports
 * (results written out) → parallel (runs analysis kernels on threads) → app (the jobs) → the package
 * entry → node and web (front ends).
 */
const LAYERS: [string, number][] = [
  ['src/core/errors.ts', 0],
  ['src/core/util/', 0],
  ['src/core/geometry/', 0],
  ['src/core/fourier/', 0],
  ['src/core/model/', 1],
  ['src/core/io/', 2],
  ['src/core/analysis/', 3],
  ['src/core/simulate/', 4],
  ['src/core/diagnosis/', 5],
  ['src/core/report/', 6],
  ['src/core/exports/', 6],
  ['src/core/parallel/', 7],
  ['src/core/app/', 8],
  ['src/core/index.ts', 9],
  ['src/node/', 10],
  ['src/web/', 10],
];

function layerOf(file: string): number | null {
  const rel = relative(ROOT, file).replace(/\\/g, '/');
  const hit = LAYERS.find(([prefix]) => rel === prefix || rel.startsWith(prefix));
  return hit ? hit[1] : null;
}

/** Every (importer, imported) pair between project files, resolved to paths. */
function edges(files: string[]): { from: string; to: string }[] {
  return files.flatMap((f) =>
    importsOf(f)
      .filter((s) => s.startsWith('.'))
      .map((s) => ({ from: f, to: resolve(dirname(f), s).replace(/\.js$/, '.ts') })),
  );
}

describe('layers', () => {
  const core = sources(join(ROOT, 'src', 'core'));
  const all = [...core, ...sources(join(ROOT, 'src', 'node')), ...sources(join(ROOT, 'src', 'web'))];

  it('finds the sources, and every one of them has a layer', () => {
    expect(core.length).toBeGreaterThan(50);
    expect(edges(all).length).toBeGreaterThan(300);
    expect(all.filter((f) => layerOf(f) === null).map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('src/core imports no Node modules and nothing from src/node or src/web', () => {
    const NODE_BUILTINS =
      /^(node:|fs$|fs\/|path$|os$|child_process$|worker_threads$|url$|crypto$|stream$|zlib$|util$|buffer$|process$)/;
    const bad: string[] = [];
    for (const f of core) {
      for (const spec of importsOf(f)) {
        if (
          NODE_BUILTINS.test(spec) ||
          /(^|\/)(node|web)\//.test(spec.replace(/^(\.\.\/)+/, '')) ||
          /\/src\/(node|web)\//.test(spec)
        ) {
          bad.push(`${relative(ROOT, f)} imports ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('tests beside src/core import no Node module themselves (files come through test/paths.ts)', () => {
    const tests = sourcesAll(join(ROOT, 'src', 'core')).filter((f) => f.endsWith('.test.ts'));
    expect(tests.length).toBeGreaterThan(20);
    const bad = tests.flatMap((f) =>
      importsOf(f)
        .filter((spec) => /^node:/.test(spec))
        .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('no module imports a layer above its own', () => {
    const bad = edges(all)
      .filter(({ from, to }) => (layerOf(to) ?? -1) > (layerOf(from) ?? -1))
      .map(
        ({ from, to }) =>
          `${relative(ROOT, from)} (layer ${layerOf(from)}) imports ${relative(ROOT, to)} (layer ${layerOf(to)})`,
      );
    expect(bad).toEqual([]);
  });

  it(
    'the CLI commands and the browser app reach analyses and interpretation only through the jobs in ' + 'src/core/app',
    () => {
      const front = all.filter((f) => /src\/(node\/cli\/commands|web)\//.test(f.replace(/\\/g, '/')));
      const bad = edges(front)
        .filter(({ to }) => /src\/core\/(analysis|diagnosis|parallel\/(?!pool))/.test(to.replace(/\\/g, '/')))
        .map(({ from, to }) => `${relative(ROOT, from)} imports ${relative(ROOT, to)}`);
      expect(bad).toEqual([]);
    },
  );

  it('every test that reads ../shared is skipped, visibly, when it is not there', () => {
    const tests = [...sourcesAll(join(ROOT, 'src')), ...sourcesAll(join(ROOT, 'test'))].filter((f) =>
      f.endsWith('.test.ts'),
    );
    const unguarded = tests.filter((f) => {
      const text = readFileSync(f, 'utf8');
      return /\bshared\(/.test(text) && !/skipIf\(!HAS_SHARED\)/.test(text);
    });
    expect(tests.length).toBeGreaterThan(30);
    expect(unguarded.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('the checks catch what they should', () => {
    expect(importsOf(join(ROOT, 'test', 'layers.test.ts'))).toContain('node:fs');
    expect(layerOf(join(ROOT, 'src/core/io/mrc/read.ts'))).toBeLessThan(
      layerOf(join(ROOT, 'src/core/analysis/fsc/suite.ts'))!,
    );
    const fake = [{ from: join(ROOT, 'src/core/io/x.ts'), to: join(ROOT, 'src/core/analysis/y.ts') }];
    expect(fake.filter(({ from, to }) => layerOf(to)! > layerOf(from)!)).toHaveLength(1);
  });
});
