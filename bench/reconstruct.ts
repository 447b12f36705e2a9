/**
 * `cryodx reconstruct` beside `relion_reconstruct` (issue 29), in one run on the same particles.
 *
 * Part 1: 4000 simulated particles of 160 px (C1, CTF, white noise) from a known map; times
 * `relion_reconstruct --i particles.star --o relion.mrc --subset 1 --ctf` and
 * `cryodx reconstruct particles.star --subset 1 --out ours --json` (whole commands), prints both, the ratio
 * (target ≤ 0.5×, ideally ≤ 0.25×), our particles/s, both peak RSS (GNU time -v), and the FSC between the
 * two maps (≥ 0.99 in every shell expected). Part 2 (`--large`, or BENCH_RECON_LARGE=1): 20 000 particles of
 * 256 px, ours only (both halves): time, particles/s, peak RSS.
 *
 * Run: npm run bench:reconstruct  [-- --large]. Sizes: BENCH_RECON_N, BENCH_RECON_COUNT, BENCH_RECON_LARGE_N,
 * BENCH_RECON_LARGE_COUNT; BENCH_RECON_NOISE (noise sd ÷ signal sd, default 1). BENCH_KEEP=1 keeps the temp folders
 * (the large one holds a 5 GB stack). BENCH_CRYODX_CLI: another main.js to time (default dist/node/cli/main.js).
 *
 * The particles are simulated here, without RELION or Python (relion_project takes ~6 ms per 160-px particle on
 * one thread): the known map's padded 3D transform, one central slice per particle with RELION's conventions
 * (Euler_angles2matrix, slice at Aᵀ·k with trilinear interpolation as relion_project's Projector, padding 2,
 * origin shift, CTF −sin γ with RELION's γ), back to real space, white noise. Noise-free, such images (64 px)
 * match `relion_project --ctf` on the same STAR and map to a correlation of 0.9998 (0.995 with the padding 1 of
 * the large set). Without RELION the reference is reported as skipped and only ours is timed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fscFromSums, shellIndexMap, shellSums } from '../src/core/analysis/fsc/shells.js';
import { rfft3d } from '../src/core/fourier/rfft3d.js';
import { readMrc } from '../src/core/io/mrc/read.js';
import { simulateToDisk, type Simulated } from './simulated-particles.js';
import { recordTarget } from './targets.js';

const cli = process.env['BENCH_CRYODX_CLI'] ?? join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');
const LARGE = process.argv.includes('--large') || process.env['BENCH_RECON_LARGE'] === '1';
const KEEP = process.env['BENCH_KEEP'] === '1';
const N = Number(process.env['BENCH_RECON_N'] ?? 160);
const COUNT = Number(process.env['BENCH_RECON_COUNT'] ?? 4000);
const LARGE_N = Number(process.env['BENCH_RECON_LARGE_N'] ?? 256);
const LARGE_COUNT = Number(process.env['BENCH_RECON_LARGE_COUNT'] ?? 20000);
const PX = 1.3;
/** Noise standard deviation ÷ that of the first noise-free particle image (BENCH_RECON_NOISE, default 1). */
const NOISE = Number(process.env['BENCH_RECON_NOISE'] ?? 1);

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

interface Run {
  seconds: number;
  /** Peak resident set of the child (GNU time -v), bytes; null without /usr/bin/time. */
  maxRssBytes: number | null;
  stdout: string;
}

/** Wall time of a whole command (and its peak RSS through GNU time -v when present); null when it fails. */
function runTimed(cmd: string, args: string[], cwd: string): Run | null {
  const [exe, argv] = GNU_TIME ? ['/usr/bin/time', ['-v', cmd, ...args]] : [cmd, args];
  const t = performance.now();
  const r = spawnSync(exe, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) {
    const text = `${r.stdout}\n${r.stderr}`.trim().split('\n');
    const tail = text.filter((l) => !/^\s+(Command being timed|[A-Z][a-z].*: )/.test(l)).slice(-3);
    console.error(`  ${cmd} ${args.join(' ')} failed (exit ${r.status}): ${tail.join(' | ')}`);
    return null;
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, maxRssBytes: rss ? Number(rss[1]) * 1024 : null, stdout: r.stdout };
}

const gib = (b: number | null) => (b === null ? '—' : `${(b / 2 ** 30).toFixed(2)} GiB`);
const sec = (s: number | null | undefined) => (s === null || s === undefined ? '—' : s.toFixed(2));

// ------------------------------------------------------------------------------------------------ simulation
function simulate(label: string, box: number, count: number, seed: number, pad: 1 | 2): Simulated {
  return simulateToDisk(`reconstruct-${label}`, { box, count, pixelSizeA: PX, seed, pad, noise: NOISE });
}

function readMap(path: string) {
  return readMrc(readFileSync(path), { source: path }).volume;
}

/** Shell FSC between two maps of the same box (RELION's shells: round(|k|), 0 … n/2). */
function fscOf(a: string, b: string): Float64Array {
  const va = readMap(a),
    vb = readMap(b);
  if (va.nx !== vb.nx || va.ny !== vb.ny || va.nz !== vb.nz)
    throw new Error(`${a} is ${va.nx}×${va.ny}×${va.nz}, ${b} is ${vb.nx}×${vb.ny}×${vb.nz}`);
  const sa = rfft3d(va.data, va.nx, va.ny, va.nz);
  const sb = rfft3d(vb.data, vb.nx, vb.ny, vb.nz);
  return fscFromSums(shellSums(sa, sb, shellIndexMap(va.nx, va.ny, va.nz)));
}

function fscSummary(fsc: Float64Array, box: number): { min: number; shell: number; nyquist: number; text: string } {
  let min = Infinity,
    shell = 0;
  for (let s = 1; s < fsc.length; s++)
    if (fsc[s]! < min) {
      min = fsc[s]!;
      shell = s;
    }
  const nyquist = fsc[fsc.length - 1]!;
  const at = `shell ${shell} (${((box * PX) / shell).toFixed(2)} Å)`;
  return { min, shell, nyquist, text: `min ${min.toFixed(4)} at ${at}, ${nyquist.toFixed(4)} at Nyquist` };
}

/** Where a curve first drops below `level` (Å), as a sentence. */
function crossing(fsc: Float64Array, box: number, level: number): string {
  for (let s = 1; s < fsc.length; s++)
    if (fsc[s]! < level) return `${level} crossed at shell ${s} (${((box * PX) / s).toFixed(2)} Å)`;
  return `above ${level} to Nyquist (${(2 * PX).toFixed(2)} Å)`;
}

/** The map our command wrote for --subset 1: half1.mrc, else map.mrc, else the only MRC in the folder. */
function ourMap(outDir: string): string | null {
  if (!existsSync(outDir)) return null;
  for (const name of ['half1.mrc', 'map.mrc']) if (existsSync(join(outDir, name))) return join(outDir, name);
  const mrcs = readdirSync(outDir).filter((f) => f.endsWith('.mrc'));
  return mrcs.length === 1 ? join(outDir, mrcs[0]!) : null;
}

/** RELION's back-projection seconds, from the last frame of its progress bar ("  12/  12 sec ....~~(,_,\">"). */
function relionBackprojectSeconds(stdout: string): number | null {
  const frames = [...stdout.matchAll(/(\d+)\/\s*(\d+) (sec|min|hrs)/g)];
  const last = frames.at(-1);
  if (!last) return null;
  const unit = last[3] === 'min' ? 60 : last[3] === 'hrs' ? 3600 : 1;
  return Number(last[1]) * unit;
}

// ------------------------------------------------------------------------------------------------ run
const cpu = cpus();
console.log(
  `cryodx reconstruct benchmark (${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, ` +
    `Node ${process.versions.node})`,
);
const built = existsSync(cli);
if (!built)
  console.error(`  ${cli} is missing: run npm run build first (npm run bench:reconstruct does); ours is skipped`);
const relion = have('relion_reconstruct');
if (!relion)
  console.log('  relion_reconstruct not installed (apt-get install relion): the RELION reference is skipped');
if (!GNU_TIME) console.log('  /usr/bin/time (GNU time) missing: peak memory is not measured');

const sim = simulate('small', N, COUNT, 29, 2);
console.log(
  `\nsimulated ${sim.count} particles of ${N} px at ${PX} Å/px (C1, CTF, white noise) ` +
    `in ${sim.seconds.toFixed(1)} s: ${sim.dir}`,
);

// RELION once by default (~40–60 s here, most of it the gridding iterations); BENCH_RECON_RELION_REPEAT=3 for a median.
const RELION_REPEAT = Number(process.env['BENCH_RECON_RELION_REPEAT'] ?? 1);
const relionRuns: Run[] = [];
for (let i = 0; relion && i < RELION_REPEAT; i++) {
  const r = runTimed('relion_reconstruct', ['--i', sim.star, '--o', 'relion.mrc', '--subset', '1', '--ctf'], sim.dir);
  if (r) relionRuns.push(r);
}
const relionRun = [...relionRuns].sort((a, b) => a.seconds - b.seconds)[relionRuns.length >> 1] ?? null;
const oursArgs = [cli, 'reconstruct', sim.star, '--subset', '1', '--out', 'ours', '--json'];
const oursRuns: Run[] = [];
const first = built ? runTimed(process.execPath, oursArgs, sim.dir) : null;
if (first) {
  oursRuns.push(first);
  // The median of three for the cheaper command (RELION's single run takes longer than all three).
  if (!relionRun || first.seconds < relionRun.seconds / 2)
    for (let i = 0; i < 2; i++) {
      const r = runTimed(process.execPath, oursArgs, sim.dir);
      if (r) oursRuns.push(r);
    }
}
const oursSorted = [...oursRuns].sort((a, b) => a.seconds - b.seconds);
const ours = oursSorted[oursSorted.length >> 1] ?? null;
let json: Record<string, unknown> | null = null;
try {
  json = ours ? (JSON.parse(ours.stdout) as Record<string, unknown>) : null;
} catch {
  console.error('  cryodx reconstruct --json did not print JSON');
}
const inserted = sim.perSubset[0];
const ratio = ours && relionRun ? ours.seconds / relionRun.seconds : null;
const oursMap = ourMap(join(sim.dir, 'ours'));
const relionMap = relionRun ? join(sim.dir, 'relion.mrc') : null;
let fscLine = 'FSC ours vs RELION: —';
if (oursMap && relionMap && existsSync(relionMap)) {
  const f = fscSummary(fscOf(oursMap, relionMap), N);
  const fscOk = f.min >= 0.99;
  fscLine = `FSC ours vs RELION (${N}³, every shell to Nyquist): ${f.text} — ${fscOk ? 'ok (≥ 0.99)' : 'BELOW 0.99'}`;
}
const truthLines: string[] = [];
for (const [name, path] of [
  ['ours', oursMap],
  ['RELION', relionMap],
] as const)
  if (path && existsSync(path))
    truthLines.push(`FSC ${name} vs the known map: ${crossing(fscOf(path, join(sim.dir, sim.truth)), N, 0.5)}`);

const bp = relionRun ? relionBackprojectSeconds(relionRun.stdout) : null;
console.log(`\ntimed in ${sim.dir}: relion_reconstruct --i ${sim.star} --o relion.mrc --subset 1 --ctf`);
console.log(`                 node ${cli} reconstruct ${sim.star} --subset 1 --out ours --json`);
console.log(`\n### cryodx reconstruct (\`npm run bench:reconstruct\`)\n`);
console.log(
  '| what | cryodx (s) | relion_reconstruct (s) | cryodx ÷ RELION | cryodx particles/s | ' +
    'cryodx peak RSS | RELION peak RSS |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| one half (--subset 1, ${inserted} of ${sim.count} particles), ${N} px, C1, CTF, whole command | ` +
    `${sec(ours?.seconds)}${oursRuns.length > 1 ? ` (median of ${oursRuns.length})` : ''} | ` +
    `${sec(relionRun?.seconds)}${relionRuns.length > 1 ? ` (median of ${relionRuns.length})` : ''} | ` +
    `${ratio === null ? '—' : ratio.toFixed(2) + '×'} | ${ours ? (inserted / ours.seconds).toFixed(0) : '—'} | ` +
    `${gib(ours?.maxRssBytes ?? null)} | ${gib(relionRun?.maxRssBytes ?? null)} |`,
);
console.log('');
if (oursRuns.length > 1) console.log(`cryodx runs: ${oursRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
if (relionRuns.length > 1) console.log(`RELION runs: ${relionRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
if (bp !== null && relionRun)
  console.log(
    `RELION: back-projection ~${bp} s (its progress bar), the rest (gridding iterations, FFTs, I/O) ` +
      `~${Math.max(0, relionRun.seconds - bp).toFixed(0)} s`,
  );
if (json) {
  const keys = ['particles', 'perHalf', 'boxSize', 'symmetry', 'seconds', 'insertSeconds', 'finishSeconds'];
  console.log(`cryodx --json: ${JSON.stringify(Object.fromEntries(keys.map((k) => [k, json![k]])))}`);
}
console.log(fscLine);
for (const l of truthLines) console.log(l);
if (ratio !== null)
  console.log(`target ≤ 0.5× (ideally ≤ 0.25×): ${ratio <= 0.25 ? 'met, ideal' : ratio <= 0.5 ? 'met' : 'NOT met'}`);
recordTarget({
  what: `cryodx reconstruct --subset 1, ${sim.count} particles of ${N} px, C1, CTF (whole command)`,
  cryodxS: ours?.seconds ?? null,
  reference: relionRun ? 'relion_reconstruct --subset 1 --ctf' : null,
  referenceS: relionRun?.seconds ?? null,
  maxRatio: 0.5,
});
if (!KEEP) rmSync(sim.dir, { recursive: true, force: true });

if (LARGE) {
  // Padding 1 for the large set: ~4× faster to simulate (the 256³ transform stays in cache better); only timed.
  const big = simulate('large', LARGE_N, LARGE_COUNT, 256, 1);
  console.log(
    `\nsimulated ${big.count} particles of ${LARGE_N} px in ${big.seconds.toFixed(1)} s ` +
      `(${((big.count * LARGE_N * LARGE_N * 4) / 2 ** 30).toFixed(1)} GiB stack): ${big.dir}`,
  );
  const run = built
    ? runTimed(process.execPath, [cli, 'reconstruct', big.star, '--out', 'ours', '--json'], big.dir)
    : null;
  let written: string[] = [];
  if (existsSync(join(big.dir, 'ours'))) written = readdirSync(join(big.dir, 'ours'));
  console.log('\n| what | cryodx (s) | particles/s | peak RSS | wrote |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  console.log(
    `| ${big.count} particles of ${LARGE_N} px, both halves, C1, CTF, whole command | ${sec(run?.seconds)} | ` +
      `${run ? (big.count / run.seconds).toFixed(0) : '—'} | ${gib(run?.maxRssBytes ?? null)} | ` +
      `${written.join(', ') || '—'} |`,
  );
  try {
    const j = run ? (JSON.parse(run.stdout) as Record<string, unknown>) : null;
    if (j)
      console.log(
        `\ncryodx --json: seconds ${j['seconds']}, insert ${j['insertSeconds']}, finish ${j['finishSeconds']}`,
      );
  } catch {
    console.error('  cryodx reconstruct --json did not print JSON');
  }
  recordTarget({
    what: `cryodx reconstruct, ${big.count} particles of ${LARGE_N} px, both halves (whole command)`,
    cryodxS: run?.seconds ?? null,
    reference: null,
    referenceS: null,
  });
  if (!KEEP) rmSync(big.dir, { recursive: true, force: true });
}
process.exit(0);
