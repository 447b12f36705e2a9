/**
 * STAR parsing speed: a synthetic 1,000,000-row RELION 3.1 particle file, read by cryodx
 * (readStar + readParticles, all numeric columns decoded) beside numpy.loadtxt on the same rows.
 * Run: npm run bench:star   (needs Debian's python3-numpy for the reference; skipped if absent)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParticles } from '../src/core/io/star/particles.js';
import { readStar } from '../src/core/io/star/read.js';

const ROWS = Number(process.env['ROWS'] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'cryodx-bench-'));
const path = join(dir, 'particles.star');

function makeFile(): void {
  const cols = [
    'rlnImageName',
    'rlnMicrographName',
    'rlnCoordinateX',
    'rlnCoordinateY',
    'rlnAngleRot',
    'rlnAngleTilt',
    'rlnAnglePsi',
    'rlnOriginXAngst',
    'rlnOriginYAngst',
    'rlnDefocusU',
    'rlnDefocusV',
    'rlnDefocusAngle',
    'rlnPhaseShift',
    'rlnCtfBfactor',
    'rlnOpticsGroup',
    'rlnClassNumber',
    'rlnRandomSubset',
  ];
  const parts: string[] = [
    'data_optics\nloop_\n_rlnOpticsGroup #1\n_rlnOpticsGroupName #2\n_rlnVoltage #3\n_rlnSphericalAberration ' +
      '#4\n_rlnAmplitudeContrast #5\n_rlnImagePixelSize #6\n_rlnImageSize #7\n1 opticsGroup1 300 2.7 0.1 1.06 ' +
      '256\n\ndata_particles\nloop_\n',
  ];
  cols.forEach((c, i) => parts.push(`_${c} #${i + 1}\n`));
  let seed = 1;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let r = 0; r < ROWS; r++) {
    parts.push(
      `${String((r % 300) + 1).padStart(6, '0')}@Extract/job012/Movies/mic_${r % 5000}.mrcs ` +
        `Movies/mic_${r % 5000}.mrc ${(rnd() * 4000).toFixed(6)} ${(rnd() * 4000).toFixed(6)} ` +
        `${(rnd() * 360 - 180).toFixed(6)} ${(rnd() * 180).toFixed(6)} ${(rnd() * 360 - 180).toFixed(6)} ` +
        `${(rnd() * 10 - 5).toFixed(6)} ${(rnd() * 10 - 5).toFixed(6)} ${(10000 + rnd() * 20000).toFixed(6)} ` +
        `${(10000 + rnd() * 20000).toFixed(6)} ${(rnd() * 180).toFixed(6)} 0.000000 0.000000 1 1 ${1 + (r % 2)}\n`,
    );
  }
  writeFileSync(path, parts.join(''));
}

function median(xs: number[]): number {
  return xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

makeFile();
const bytes = new Uint8Array(readFileSync(path));
const times: number[] = [];
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const doc = readStar(bytes, { source: path });
  const { particles } = readParticles(doc);
  doc.blocks[1]!.loop!.numberColumns([
    'rlnCoordinateX',
    'rlnCoordinateY',
    'rlnDefocusAngle',
    'rlnClassNumber',
    'rlnRandomSubset',
  ]);
  if (particles.count !== ROWS) throw new Error('row count');
  times.push((performance.now() - t0) / 1000);
}
const ours = median(times);
console.log(
  `cryodx readStar+readParticles, ${ROWS} rows (${(bytes.length / 1e6).toFixed(0)} MB): ${ours.toFixed(2)} s ` +
    `(median of 3)`,
);
const py = spawnSync(
  '/usr/bin/python3',
  [
    '-c',
    `
import time, numpy as np, sys
t=time.perf_counter()
a=np.loadtxt(sys.argv[1], skiprows=30, usecols=range(2,17))
print(time.perf_counter()-t, a.shape[0])`,
    path,
  ],
  { encoding: 'utf8' },
);
if (py.status === 0) {
  const [secs, rows] = py.stdout.trim().split(/\s+/).map(Number);
  console.log(`numpy.loadtxt on the same ${rows} rows (numeric columns only): ${secs!.toFixed(2)} s`);
  console.log(`ratio numpy / cryodx: ${(secs! / ours).toFixed(1)}× (higher is better for cryodx)`);
} else console.log(`numpy reference not run: ${py.stderr.trim().split('\n').pop()}`);
