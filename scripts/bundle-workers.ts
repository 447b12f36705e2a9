// Bundles each worker thread's script (dist/node/parallel/*-worker.js, from tsc) with what it imports into
// one file, *-worker.bundle.js beside it, which jobs.ts starts when present. A worker started from the
// unbundled script resolves, reads and compiles ~45 modules and d3-scale's packages first: ~30 ms of
// each worker's start, on every run's critical path (cryodx ctf on four 2048² micrographs: 0.71 → 0.68 s).
// Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'node', 'parallel');
const workers = ['ctf-worker', 'tilt-worker', 'fft-worker'];
await Promise.all(
  workers.map((name) =>
    build({
      entryPoints: [join(dir, `${name}.js`)],
      outfile: join(dir, `${name}.bundle.js`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);
console.log(`worker bundles: ${workers.map((w) => `${w}.bundle.js`).join(', ')} → ${dir}`);
