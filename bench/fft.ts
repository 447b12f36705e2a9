/**
 * Transform speed beside scipy.fft (pocketfft, one thread) in one run: 3D real FFTs of n³ boxes
 * from 64 to 512 (powers of two, 2·3·5·7 and 11 factors, a prime) and a batch of 512² tiles (the
 * CTF fit's periodograms). cryodx runs on its WebAssembly SIMD kernels (float64) and, for
 * comparison, on the TypeScript kernels. scipy is timed in float32 (what it does with a float32
 * map) and float64 (cryodx's precision). Run: npm run bench:fft. Sizes: BENCH_FFT_SIZES.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tiledAmplitudeSpectrum } from '../src/core/analysis/ctf/periodogram.js';
import { allocateSpectrum, forwardPlanes, rfft3d } from '../src/core/fourier/rfft3d.js';
import { setSimdEnabled } from '../src/core/fourier/simd.js';
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
  // One output spectrum reused, as the FSC suite does: a fresh 0.6 GB array per call would time V8's
  // garbage collection of the last one (Python frees its output at once).
  const out = allocateSpectrum(n, n, n);
  setSimdEnabled(true);
  const simd = median(() => rfft3d(v, n, n, n, out), 3, 1);
  setSimdEnabled(false);
  const ts = median(() => rfft3d(v, n, n, n, out), n > TS_REPEAT_MAX ? 1 : 3, 1);
  setSimdEnabled(true);
  const r = ref?.rfftn[String(n)];
  rows.push([`3D real FFT ${n}³`, simd.toFixed(3), ts.toFixed(3), ratio(simd, r?.f32), ratio(simd, r?.f64)]);
  for (const [precision, refS] of [
    ['float32', r?.f32],
    ['float64', r?.f64],
  ] as const)
    recordTarget({
      what: `3D real FFT ${n}³, one thread`,
      cryodxS: simd,
      reference: `scipy.fft.rfftn ${precision}, workers=1`,
      referenceS: refS ?? null,
      maxRatio: n === 256 ? 1.5 : 2,
    });
  console.log(`  ${n}³ done`);
}
/** A batch of 2D tiles on both kernel sets, beside scipy's rfft2 of 16 tiles (float32 and float64). */
function tileBatch(row: string, target: string, run: () => unknown): void {
  setSimdEnabled(true);
  const simd = median(run, 3, 1);
  setSimdEnabled(false);
  const ts = median(run, 3, 1);
  setSimdEnabled(true);
  recordTarget({
    what: target,
    cryodxS: simd,
    reference: 'scipy.fft.rfft2 float32 of the tiles, workers=1',
    referenceS: ref?.tiles.f32 ?? null,
    maxRatio: 1.5,
  });
  rows.push([row, simd.toFixed(3), ts.toFixed(3), ratio(simd, ref?.tiles.f32), ratio(simd, ref?.tiles.f64)]);
}

{
  const tiles = randomVolume(TILE * TILE * TILES, 5);
  const spec = allocateSpectrum(TILE, TILE, TILES);
  tileBatch(
    `${TILES} tiles 512² (2D real FFT)`,
    `${TILES} tiles 512² (2D real FFT, float64 planes as maps use them), one thread`,
    () => forwardPlanes(tiles, spec, 0, TILES),
  );
}
{
  // The CTF periodogram's own batch: 16 overlapping 512² tiles of a 512 × 4352 image, in float32 on the
  // kernels (mean removed, |F|² summed in float64) — more work than scipy's bare rfft2 of the tiles.
  const image = randomVolume(TILE * (TILE / 2) * (TILES + 1), 6);
  const run = () => tiledAmplitudeSpectrum(image, TILE, (TILE / 2) * (TILES + 1), 1, TILE);
  if (run().tiles !== TILES) throw new Error('periodogram bench: tiling changed');
  tileBatch(
    `${TILES} tiles 512², CTF periodogram (float32; TypeScript: float64)`,
    `${TILES} tiles 512², CTF periodogram (float32 kernels, power summed), one thread`,
    run,
  );
}

const head = [
  'transform (one thread)',
  'cryodx SIMD (s)',
  'cryodx TypeScript (s)',
  '÷ scipy float32',
  '÷ scipy float64',
];
console.log(`\n| ${head.join(' | ')} |\n| --- | ---: | ---: | ---: | ---: |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log('\n÷ scipy: cryodx SIMD time divided by scipy.fft (workers=1) on the same box; below 1 is faster.');
