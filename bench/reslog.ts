/**
 * What ResLog and what-if cost beside one reconstruction (issue 30), in one run on the same simulated particles
 * (the reconstruction timed before and after each, each ratio to the mean of those two):
 *   cryodx reconstruct particles.star --auto-mask            (both halves: the unit)
 *   cryodx reslog particles.star --auto-mask --sizes 5 sizes --repeats 1   target ≤ 2× the unit
 *   cryodx reslog … --repeats 3                                             (reported)
 *   cryodx whatif particles.star --auto-mask --no-metadata --exclude ×k     target ≤ (k + 1) units plus the controls
 * Run: npm run bench:reslog. Sizes: BENCH_RESLOG_N (box, 128), BENCH_RESLOG_COUNT (particles, 8000),
 * BENCH_RESLOG_NOISE (noise sd ÷ signal sd, 4: the subsets then span ~8 Å to near Nyquist). BENCH_KEEP=1 keeps
 * the folder.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { simulateToDisk } from './simulated-particles.js';
import { recordTarget } from './targets.js';

const cli = join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');
const N = Number(process.env['BENCH_RESLOG_N'] ?? 128);
const COUNT = Number(process.env['BENCH_RESLOG_COUNT'] ?? 8000);
const NOISE = Number(process.env['BENCH_RESLOG_NOISE'] ?? 4);

function timed(args: string[], cwd: string): { seconds: number; json: Record<string, unknown> } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0)
    throw new Error(`cryodx ${args.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { seconds: (performance.now() - t) / 1000, json: JSON.parse(r.stdout) as Record<string, unknown> };
}

const cpu = cpus();
console.log(
  `cryodx reslog / whatif benchmark (${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node})`,
);
const sim = simulateToDisk('reslog', { box: N, count: COUNT, pixelSizeA: 1.3, seed: 41, pad: 2, noise: NOISE });
console.log(`simulated ${COUNT} particles of ${N} px in ${sim.seconds.toFixed(1)} s: ${sim.dir}\n`);
// The unit before and after each measured command (the machine drifts by tens of percent within minutes, shared or
// not): each ratio is to the mean of the reconstructions on either side of it.
const reconstruct = (): ReturnType<typeof timed> => timed(['reconstruct', sim.star, '--auto-mask'], sim.dir);
const load = [loadavg()[0]!];
const units = [reconstruct()];
const sizes = [COUNT / 16, COUNT / 8, COUNT / 4, COUNT / 2, COUNT].map(Math.round).join(',');
const reslog1 = timed(['reslog', sim.star, '--auto-mask', '--sizes', sizes, '--repeats', '1'], sim.dir);
units.push(reconstruct());
const rules = ['rlnDefocusU>20000', 'rlnDefocusU<12000'];
const whatif = timed(
  ['whatif', sim.star, '--auto-mask', '--no-metadata', ...rules.flatMap((r) => ['--exclude', r])],
  sim.dir,
);
units.push(reconstruct());
const reslog3 = timed(['reslog', sim.star, '--auto-mask', '--sizes', sizes, '--repeats', '3'], sim.dir);
units.push(reconstruct());
load.push(loadavg()[0]!);
const unit = { seconds: units.reduce((a, u) => a + u.seconds, 0) / units.length, json: units[0]!.json };
const around = (k: number): number => (units[k]!.seconds + units[k + 1]!.seconds) / 2;
const k = (whatif.json['groups'] as unknown[]).length;
const controls = Number(whatif.json['controls']);
const rows: [string, number, string, number | null][] = [
  [
    `reconstruct, both halves (the unit): ${Number(unit.json['resolutionA']).toFixed(2)} Å; ` +
      `${units.map((u) => u.seconds.toFixed(1)).join(', ')} s`,
    unit.seconds,
    '—',
    null,
  ],
  [`reslog, 5 sizes (${sizes}), 1 order`, reslog1.seconds, `${(reslog1.seconds / around(0)).toFixed(2)}×`, 2],
  [`reslog, 5 sizes, 3 orders`, reslog3.seconds, `${(reslog3.seconds / around(2)).toFixed(2)}×`, null],
  [
    `whatif, ${k} groups × (1 + ${controls} controls)`,
    whatif.seconds,
    `${(whatif.seconds / around(1)).toFixed(2)}× (budget ${k + 1} + ${k * controls})`,
    k + 1 + k * controls,
  ],
];
console.log(`### cryodx reslog and whatif (\`npm run bench:reslog\`)\n`);
console.log('| what | cryodx (s) | ÷ one reconstruct | target |');
console.log('| --- | ---: | ---: | ---: |');
for (const [what, s, ratio, target] of rows)
  console.log(`| ${what} | ${s.toFixed(1)} | ${ratio} | ${target === null ? '—' : `≤ ${target}×`} |`);
const points = reslog1.json['points'] as { particles: number; resolutionA: number; seconds: number }[];
const pointText = points.map((p) => `${p.particles}: ${p.resolutionA.toFixed(2)} Å (${p.seconds.toFixed(1)} s)`);
console.log(`\nreslog points: ${pointText.join(', ')}`);
console.log(`load average (1 min) at the start and the end: ${load.map((l) => l.toFixed(2)).join(', ')}`);
console.log(`reslog verdict: ${reslog1.json['verdict']}`);
for (const [what, s, ref, target] of [
  ['cryodx reslog, 5 sizes, 1 order (÷ reconstruct of both halves)', reslog1.seconds, around(0), 2],
  ['cryodx whatif (÷ reconstruct of both halves)', whatif.seconds, around(1), k + 1 + k * controls],
] as const)
  recordTarget({
    what,
    cryodxS: s,
    reference: 'cryodx reconstruct (both halves, before and after)',
    referenceS: ref,
    maxRatio: target,
  });
if (process.env['BENCH_KEEP'] !== '1') rmSync(sim.dir, { recursive: true, force: true });
