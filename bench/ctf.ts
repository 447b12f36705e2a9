/**
 * Micrograph CTF fitting: `cryodx ctf` on simulated 4k × 4k micrographs (one, then four on the
 * workers), beside numpy computing only the averaged periodogram of the same file (the FFT work
 * every CTF fitter starts with; CTFFIND itself is not packaged in Debian). Run: npm run bench:ctf
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { simulateMicrograph } from '../src/core/simulate/micrograph.js';
import { recordTarget } from './targets.js';

const dir = mkdtempSync(join(tmpdir(), 'cryodx-bench-ctf-'));
const simulate = (n: number, prefix: string) =>
  [0, 1, 2, 3].map((i) => {
    const path = join(dir, `${prefix}${i}.mrc`);
    const img = simulateMicrograph({
      nx: n,
      ny: n,
      pixelSizeA: 0.83,
      defocusUA: 15000 + 2000 * i,
      defocusVA: 14200 + 2000 * i,
      astigmatismAngleDeg: 30 * i,
      noise: 0.6,
      seed: i + 1,
    });
    writeFileSync(path, writeMrc(createVolume(n, n, 1, [0.83, 0.83, 0.83], img)));
    return path;
  });
const mics = simulate(4096, 'mic');
const small = simulate(2048, 'small');
const cli = join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');
const time = (cmd: string, args: string[]): { s: number; out: string } | null => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`  ${cmd} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    return null;
  }
  return { s: (performance.now() - t) / 1000, out: r.stdout };
};
/** The median of three runs, as the numpy reference times itself (a single run of ~0.6 s varies by ±10 %). */
const median3 = (args: string[]): { s: number } | null => {
  const runs = [0, 1, 2].map(() => time(process.execPath, args));
  if (runs.some((r) => r === null)) return null;
  return { s: runs.map((r) => r!.s).sort((a, b) => a - b)[1]! };
};
const one = median3([cli, 'ctf', mics[0]!, '--out', 'o1', '--json']);
const four = median3([cli, 'ctf', ...mics, '--out', 'o4', '--json']);
const fourSmall = median3([cli, 'ctf', ...small, '--out', 'o4s', '--json']);
type Ref = { numpy_periodogram_s: number; numpy_load_and_periodograms_s: number };
const py = (files: string[]) => time('/usr/bin/python3', [join(import.meta.dirname, 'ctf_reference.py'), ...files]);
const ref = py([mics[0]!]);
const numpy = ref ? (JSON.parse(ref.out) as Ref).numpy_periodogram_s : null;
const refSmall = py(small);
const numpySmall = refSmall ? (JSON.parse(refSmall.out) as Ref).numpy_load_and_periodograms_s : null;
console.log('\n| what | cryodx (s) | reference | reference (s) | cryodx / reference |');
console.log('| --- | ---: | --- | ---: | ---: |');
console.log(
  `| one 4096² micrograph, whole \`cryodx ctf\` (read, periodogram, fit, outputs) | ${one?.s.toFixed(2) ?? '—'} | ` +
    `numpy periodogram only (225 tiles of 512²) | ${numpy?.toFixed(2) ?? '—'} | ` +
    `${one && numpy ? (one.s / numpy).toFixed(2) : '—'} |`,
);
console.log(
  `| four 2048² micrographs, whole \`cryodx ctf\` | ${fourSmall?.s.toFixed(2) ?? '—'} | ` +
    `numpy: read the four files and average their 512² tile spectra (in process) | ` +
    `${numpySmall?.toFixed(2) ?? '—'} | ${fourSmall && numpySmall ? (fourSmall.s / numpySmall).toFixed(2) : '—'} |`,
);
console.log(
  `| four 4096² micrographs on worker threads | ${four?.s.toFixed(2) ?? '—'} | 4 × the single run | ` +
    `${one ? (4 * one.s).toFixed(2) : '—'} | ${four && one ? (four.s / (4 * one.s)).toFixed(2) : '—'} |`,
);
recordTarget({
  what: 'cryodx ctf, four 2048² micrographs (whole command)',
  cryodxS: fourSmall?.s ?? null,
  reference: 'numpy: read them and average their 512² tile spectra',
  referenceS: numpySmall,
  maxRatio: 1.5,
});
