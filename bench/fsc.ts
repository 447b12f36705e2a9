/**
 * FFT, FSC and auto-mask speed beside the references, on the same synthetic 256³ maps, in one run.
 * Run: npm run bench   (installs nothing itself: needs Debian's relion, python3-numpy, python3-scipy,
 * python3-mrcfile; what is missing is reported and skipped). Sizes: BENCH_N (default 256).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoMask } from '../src/core/analysis/masks/masks.js';
import { allocateSpectrum, rfft3d } from '../src/core/fourier/rfft3d.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import {
  addNoise,
  applyBfactor,
  atomsToMap,
  ellipsoidAtoms,
  gaussianRandom,
  standardDeviation,
} from '../src/core/simulate/maps.js';
import { seededRandom } from '../src/core/util/random.js';
import { startFftPool } from '../src/node/parallel/fft-pool.js';
import { recordTarget } from './targets.js';
import { median } from './timing.js';

const N = Number(process.env['BENCH_N'] ?? 256);
const PX = 1.1;
const dir = mkdtempSync(join(tmpdir(), 'cryodx-bench-'));
const cli = join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Wall time of a command in seconds (the median of `repeat` runs), null when it fails. */
function timeCommand(cmd: string, args: string[], repeat = 1): number | null {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      console.error(`  ${cmd} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
      return null;
    }
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[repeat >> 1]!;
}

/** relion_postprocess on the bench maps and mask, writing into `out`/. */
function relionPostprocessArgs(out: string, extra: string[] = []): string[] {
  const files = ['--i', 'half1.mrc', '--i2', 'half2.mrc', '--mask', 'mask.mrc', '--angpix', String(PX)];
  return [...files, ...extra, '--o', `${out}/postprocess`];
}

/** The postprocess pair, cryodx and RELION alike: median of three (a single run moved by ±0.5 s). */
const PP_REPEAT = 3;

console.log(`cryodx benchmark: synthetic ${N}³ half maps at ${PX} Å/px in ${dir}`);
const rnd = seededRandom(256);
const truth = applyBfactor(
  atomsToMap(
    ellipsoidAtoms(Math.round(12000 * (N / 256) ** 3), [N * PX * 0.3, N * PX * 0.22, N * PX * 0.18], rnd),
    N,
    PX,
    0.8,
  ),
  N,
  PX,
  80,
);
const g = gaussianRandom(rnd);
const sigma = 3 * standardDeviation(truth);
const h1 = addNoise(truth, sigma, g);
const h2 = addNoise(truth, sigma, g);
const avg = h1.map((v, i) => 0.5 * (v + h2[i]!));
const vol = (d: Float32Array) => createVolume(N, N, N, [PX, PX, PX], d);
writeFileSync(join(dir, 'half1.mrc'), writeMrc(vol(h1)));
writeFileSync(join(dir, 'half2.mrc'), writeMrc(vol(h2)));
writeFileSync(join(dir, 'avg.mrc'), writeMrc(vol(avg)));
const threshold = autoMask(avg, N, N, N, PX).threshold;
writeFileSync(join(dir, 'mask.mrc'), writeMrc(vol(autoMask(avg, N, N, N, PX, { threshold }).mask)));

const rows: { what: string; cryodx: number | null; reference: string; refSeconds: number | null }[] = [];
// Into one float32 spectrum reused, as the FSC suite transforms (bench/fft.ts has both precisions).
const single = allocateSpectrum(N, N, N, true);
const fftOurs = median(() => rfft3d(h1, N, N, N, single));
let py: Record<string, number | null> = {};
if (spawnSync('/usr/bin/python3', ['-c', 'import numpy, mrcfile']).status === 0) {
  py = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [
        join(import.meta.dirname, 'reference.py'),
        join(dir, 'half1.mrc'),
        join(dir, 'half2.mrc'),
        join(dir, 'mask.mrc'),
      ],
      { encoding: 'utf8' },
    ),
  );
} else console.log('  python3-numpy / python3-mrcfile missing: numpy and scipy references skipped');
rows.push({
  what: `3D real FFT ${N}³ into a float32 spectrum (in process, one thread)`,
  cryodx: fftOurs,
  reference: 'numpy.fft.rfftn',
  refSeconds: py['numpy_rfftn_s'] ?? null,
});
rows.push({
  what: `3D real FFT ${N}³ into a float32 spectrum (in process, one thread)`,
  cryodx: fftOurs,
  reference: 'scipy.fft.rfftn, workers=1',
  refSeconds: py['scipy_rfftn_s'] ?? null,
});
const pool = startFftPool();
const threads = pool?.threads ?? 1;
const compute = pool?.compute() ?? {};
const shared = allocateSpectrum(N, N, N, true, compute);
const fftPar = median(() => rfft3d(h1, N, N, N, shared, null, compute));
rows.push({
  what: `3D real FFT ${N}³ into a float32 spectrum (in process, ${threads} threads)`,
  cryodx: fftPar,
  reference: 'scipy.fft.rfftn, workers=1',
  refSeconds: py['scipy_rfftn_s'] ?? null,
});

const fscMasked = timeCommand(process.execPath, [cli, 'fsc', 'half1.mrc', 'half2.mrc', '--mask', 'mask.mrc', '--json']);
rows.push({
  what: 'masked + corrected FSC (cryodx fsc --mask, whole command)',
  cryodx: fscMasked,
  reference: 'numpy unmasked + masked FSC (no correction), in process',
  refSeconds: py['numpy_fsc_unmasked_masked_s'] ?? null,
});
const fscUnmasked = timeCommand(process.execPath, [cli, 'fsc', 'half1.mrc', 'half2.mrc', '--json']);
if (have('relion_image_handler')) {
  rows.push({
    what: 'unmasked FSC (cryodx fsc, whole command)',
    cryodx: fscUnmasked,
    reference: 'relion_image_handler --fsc',
    refSeconds: timeCommand('relion_image_handler', ['--i', 'half1.mrc', '--fsc', 'half2.mrc', '--angpix', String(PX)]),
  });
}
if (have('relion_postprocess')) {
  mkdirSync(join(dir, 'pp'), { recursive: true });
  rows.push({
    what: 'masked + corrected FSC (cryodx fsc --mask, whole command)',
    cryodx: fscMasked,
    reference: 'relion_postprocess --mask (no B-factor)',
    refSeconds: timeCommand('relion_postprocess', relionPostprocessArgs('pp')),
  });
}
const ppOurs = timeCommand(
  process.execPath,
  [
    cli,
    'postprocess',
    'half1.mrc',
    'half2.mrc',
    '--mask',
    'mask.mrc',
    '--auto-bfactor',
    '--out',
    'pp_cryodx',
    '--json',
  ],
  PP_REPEAT,
);
if (have('relion_postprocess')) {
  mkdirSync(join(dir, 'ppb'), { recursive: true });
  rows.push({
    what: 'postprocess with automatic B-factor (cryodx postprocess --auto-bfactor, whole command, writes maps)',
    cryodx: ppOurs,
    reference: 'relion_postprocess --auto_bfac --autob_lowres 10',
    refSeconds: timeCommand(
      'relion_postprocess',
      relionPostprocessArgs('ppb', ['--auto_bfac', '--autob_lowres', '10']),
      PP_REPEAT,
    ),
  });
}
const maskOurs = median(() => autoMask(avg, N, N, N, PX, { threshold }), 1);
if (have('relion_mask_create')) {
  rows.push({
    what: `auto-mask: low-pass 15 Å, threshold, extend 3, soft edge 6 (in process, ${threads} threads)`,
    cryodx: maskOurs,
    reference: 'relion_mask_create (same parameters)',
    refSeconds: timeCommand('relion_mask_create', [
      '--i',
      'avg.mrc',
      '--o',
      'mask_relion.mrc',
      '--lowpass',
      '15',
      '--angpix',
      String(PX),
      '--ini_threshold',
      String(threshold),
      '--extend_inimask',
      '3',
      '--width_soft_edge',
      '6',
    ]),
  });
} else console.log('  relion not installed (apt-get install relion): RELION references skipped');

const refOf = (what: string) => rows.find((r) => r.reference.startsWith(what))?.refSeconds ?? null;
recordTarget({
  what: `cryodx postprocess --mask --auto-bfactor ${N}³ (whole command, writes maps)`,
  cryodxS: ppOurs,
  reference: 'relion_postprocess --auto_bfac',
  referenceS: refOf('relion_postprocess --auto_bfac'),
  maxRatio: 0.25,
});
const fscAuto = timeCommand(process.execPath, [cli, 'fsc', 'half1.mrc', 'half2.mrc', '--auto-mask', '--json']);
recordTarget({
  what: `cryodx fsc --auto-mask ${N}³ (whole command: mask, masked and corrected FSC)`,
  cryodxS: fscAuto,
  reference: 'relion_mask_create (the mask alone)',
  referenceS: refOf('relion_mask_create'),
  maxRatio: 0.1,
});
const aniso = timeCommand(process.execPath, [
  cli,
  'anisotropy',
  'half1.mrc',
  'half2.mrc',
  '--mask',
  'mask.mrc',
  '--json',
]);
recordTarget({
  what: `cryodx anisotropy ${N}³, 500 cones of 20°, mask (whole command)`,
  cryodxS: aniso,
  reference: null,
  referenceS: null,
  maxSeconds: 5,
});

console.log('\n| what | cryodx (s) | reference | reference (s) | reference / cryodx |');
console.log('| --- | ---: | --- | ---: | ---: |');
for (const r of rows) {
  const ratio = r.cryodx && r.refSeconds ? (r.refSeconds / r.cryodx).toFixed(2) + '×' : '—';
  console.log(
    `| ${r.what} | ${r.cryodx?.toFixed(2) ?? '—'} | ${r.reference} | ${r.refSeconds?.toFixed(2) ?? '—'} | ${ratio} |`,
  );
}
console.log('\nratio > 1: cryodx is faster.');
process.exit(0);
