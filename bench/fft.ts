/**
 * Transform speed beside scipy.fft (pocketfft, one thread) in one run: 3D real FFTs of n³ boxes
 * from 64 to 512 (powers of two, 2·3·5·7 and 11 factors, a prime) and a batch of 512² tiles (the
 * CTF fit's periodograms). cryodx runs on its WebAssembly SIMD kernels into float32 spectra (what the
 * FSC suite and the CTF periodogram use) and float64 spectra (the other analyses), and for comparison on
 * the TypeScript kernels; scipy in float32 (what it does with a float32 map) and float64.
 * Run: npm run bench:fft. Sizes: BENCH_FFT_SIZES.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tiledAmplitudeSpectrum } from '../src/core/analysis/ctf/periodogram.js';
import { allocateSpectrum, forwardPlanes, rfft3d } from '../src/core/fourier/rfft3d.js';
import { seededRandom } from '../src/core/util/random.js';
import { recordTarget } from './targets.js';
import { median } from './timing.js';

const SIZES = (process.env['BENCH_FFT_SIZES'] ?? '64,128,256,257,360,420,440,448,512').split(',').map(Number);
const TILE = 512;
const TILES = 16;
/** The TypeScript kernels take 3–8 s on the larger odd boxes: timed once, above this size. */
const TS_REPEAT_MAX = 256;

function randomVolume(length: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length }, () => r() - 0.5);
}

interface Reference {
  rfftn: Record<string, { f32: number; f64: number }>;
  tiles: { f32: number; f64: number };
}

let ref: Reference | null = null;
if (spawnSync('/usr/bin/python3', ['-c', 'import numpy, scipy.fft']).status === 0) {
  console.log('scipy.fft reference running …');
  ref = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'fft_reference.py'), SIZES.join(','), String(TILE), String(TILES)],
      {
        encoding: 'utf8',
      },
    ),
  ) as Reference;
} else console.log('python3-scipy missing: the scipy references are skipped');

const rows: string[][] = [];
const ratio = (ours: number, theirs: number | undefined) => (theirs ? `${(ours / theirs).toFixed(2)}×` : '–');
for (const n of SIZES) {
  const v = randomVolume(n ** 3, n);
  // One output spectrum of each precision reused, as the FSC suite does: a fresh 0.6 GB array per call
  // would time V8's garbage collection of the last one (Python frees its output at once).
  const single = allocateSpectrum(n, n, n, true);
  const on = { simd: true },
    off = { simd: false };
  const simd32 = median(() => rfft3d(v, n, n, n, single, null, on), 3, 1);
  const double = allocateSpectrum(n, n, n);
  const simd = median(() => rfft3d(v, n, n, n, double, null, on), 3, 1);
  const ts = median(() => rfft3d(v, n, n, n, double, null, off), n > TS_REPEAT_MAX ? 1 : 3, 1);
  const r = ref?.rfftn[String(n)];
  rows.push([
    `3D real FFT ${n}³`,
    simd32.toFixed(3),
    simd.toFixed(3),
    ts.toFixed(3),
    ratio(simd32, r?.f32),
    ratio(simd, r?.f64),
  ]);
  for (const [precision, ours, refS] of [
    ['float32', simd32, r?.f32],
    ['float64', simd, r?.f64],
  ] as const)
    recordTarget({
      what: `3D real FFT ${n}³ into a ${precision} spectrum, one thread`,
      cryodxS: ours,
      reference: `scipy.fft.rfftn ${precision}, workers=1`,
      referenceS: refS ?? null,
      maxRatio: n === 256 ? 1.5 : 2,
    });
  console.log(`  ${n}³ done`);
}
/** A batch of 2D tiles, beside scipy's rfft2 of 16 tiles (float32 and float64). */
function tileBatch(
  row: string,
  target: string,
  run: { single: (simd: boolean) => unknown; double: ((simd: boolean) => unknown) | null },
): void {
  const simd32 = median(() => run.single(true), 3, 1);
  const double = run.double;
  const simd = double ? median(() => double(true), 3, 1) : null;
  const tsS = median(() => (double ?? run.single)(false), 3, 1);
  recordTarget({
    what: target,
    cryodxS: simd32,
    reference: 'scipy.fft.rfft2 float32 of the tiles, workers=1',
    referenceS: ref?.tiles.f32 ?? null,
    maxRatio: 1.5,
  });
  rows.push([
    row,
    simd32.toFixed(3),
    simd?.toFixed(3) ?? '–',
    tsS.toFixed(3),
    ratio(simd32, ref?.tiles.f32),
    simd ? ratio(simd, ref?.tiles.f64) : '–',
  ]);
}

{
  const tiles = randomVolume(TILE * TILE * TILES, 5);
  const single = allocateSpectrum(TILE, TILE, TILES, true);
  const double = allocateSpectrum(TILE, TILE, TILES);
  tileBatch(
    `${TILES} tiles 512² (2D real FFT of each)`,
    `${TILES} tiles 512² (2D real FFT into float32 planes), one thread`,
    {
      single: (simd) => forwardPlanes(tiles, single, 0, TILES, null, simd),
      double: (simd) => forwardPlanes(tiles, double, 0, TILES, null, simd),
    },
  );
}
{
  // The CTF periodogram's own batch: 16 overlapping 512² tiles of a 512 × 4352 image, in float32 on the
  // kernels (mean removed, |F|² summed in float64) — more work than scipy's bare rfft2 of the tiles.
  const image = randomVolume(TILE * (TILE / 2) * (TILES + 1), 6);
  const run = (simd = true) => tiledAmplitudeSpectrum(image, TILE, (TILE / 2) * (TILES + 1), 1, TILE, simd);
  if (run().tiles !== TILES) throw new Error('periodogram bench: tiling changed');
  tileBatch(
    `${TILES} tiles 512², the CTF periodogram (mean removed, power summed)`,
    `${TILES} tiles 512², CTF periodogram (float32 kernels, power summed), one thread`,
    { single: run, double: null },
  );
}

const head = [
  'transform (one thread)',
  'SIMD, float32 spectrum (s)',
  'SIMD, float64 spectrum (s)',
  'TypeScript, float64 (s)',
  'float32 ÷ scipy float32',
  'float64 ÷ scipy float64',
];
console.log(`\n| ${head.join(' | ')} |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  '\n÷ scipy: cryodx time divided by scipy.fft (workers=1) on the same box, each precision beside its own; ' +
    'below 1 is faster.',
);
