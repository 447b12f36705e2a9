/**
 * Throughput of `cryodx ctf` on this machine: the local executor (worker threads) beside SLURM with 2 slots (a
 * single-node cluster started here, 2 shards of 1 thread each, job array + dependent merge), in one run, on the
 * same simulated 2048² micrographs. Prints micrographs per minute for both and their ratio (docs/facility.md).
 * Run: npm run bench:facility (needs Debian's slurm-wlm and munge).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryodxWith } from '../test/cli.js';
import { micrographMrc } from '../test/micrographs.js';
import { slurmMissing, startCluster } from '../test/slurm.js';

const COUNT = Number(process.env['BENCH_MICROGRAPHS'] ?? 16),
  N = 2048;
const missing = slurmMissing();
if (missing.length) {
  console.log(`SLURM not installed (${missing.join(', ')}): apt-get install slurm-wlm munge`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'cryodx-bench-facility-'));
const mics = Array.from({ length: COUNT }, (_, i) => {
  const name = `mic_${i}.mrc`;
  const mrc = micrographMrc({
    n: N,
    noise: 0.3,
    seed: 900 + i,
    defocusUA: 10000 + 500 * i,
    defocusVA: 9500 + 500 * i,
    astigmatismAngleDeg: 30,
  });
  writeFileSync(join(dir, name), mrc);
  return name;
});
const cluster = startCluster();
const time = (args: string[]): number => {
  const t0 = performance.now();
  const r = cryodxWith({ cwd: dir, env: cluster.env }, ...args);
  if (r.code !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
};
try {
  const local = time(['ctf', ...mics, '--out', 'local']);
  const slurm = time([
    'ctf',
    ...mics,
    '--executor',
    'slurm',
    '--shards',
    '2',
    '--threads',
    '1',
    '--wait',
    '--out',
    'slurm',
  ]);
  const perMin = (s: number): string => ((60 * COUNT) / s).toFixed(1);
  console.log(`cryodx ctf, ${COUNT} micrographs ${N}², ${new Date().toISOString().slice(0, 10)}`);
  console.log(`  local (worker threads):          ${local.toFixed(1)} s  ${perMin(local)} micrographs/min`);
  console.log(`  SLURM, 2 slots (2 shards × 1 thread): ${slurm.toFixed(1)} s  ${perMin(slurm)} micrographs/min`);
  console.log(`  ratio SLURM / local time: ${(slurm / local).toFixed(2)}`);
} finally {
  cluster.stop();
}
