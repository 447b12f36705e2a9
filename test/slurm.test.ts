import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFiles, cryodxWith } from './cli.js';
import { micrographMrc } from './micrographs.js';
import { ROOT } from './paths.js';
import { whatifCase } from './reslog-case.js';
import { slurmMissing, startCluster, type Cluster } from './slurm.js';

/**
 * Issue 20: cryodx on a real (single-node) SLURM cluster started here. CI must have it (.ci/run installs
 * slurm-wlm and munge): there a missing SLURM fails the run; on a machine without it the tests are skipped, saying so.
 */
const missing = slurmMissing();
if (missing.length && process.env['CI'] === 'true')
  throw new Error(`CI needs SLURM for the executor tests (missing ${missing.join(', ')}; .ci/run installs them)`);
if (missing.length) process.stderr.write(`SLURM tests skipped: ${missing.join(', ')} not installed\n`);

let cluster: Cluster;
const dir = mkdtempSync(join(tmpdir(), 'cryodx-slurm-run-'));

function cryodx(args: string[], env: NodeJS.ProcessEnv = {}) {
  return cryodxWith({ cwd: dir, env: { ...cluster.env, CRYODX_THREADS: '1', ...env } }, ...args);
}

const mics = [0, 1, 2, 3].map((i) => {
  const name = `mic_${i}.mrc`;
  const mrc = micrographMrc({
    n: 768,
    seed: 300 + i,
    defocusUA: 12000 + 2000 * i,
    defocusVA: 11500 + 2000 * i,
    astigmatismAngleDeg: 20 + 30 * i,
  });
  writeFileSync(join(dir, name), mrc);
  return name;
});

describe.skipIf(missing.length > 0)('SLURM executor (a single-node cluster started by the test)', () => {
  beforeAll(() => {
    cluster = startCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('ctf on SLURM (2 shards, job array + dependent merge) writes what the local run writes', () => {
    const local = cryodx(['ctf', ...mics, '--out', 'local']);
    expect(local.code, local.stderr).toBe(0);
    const slurm = cryodx([
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
    expect(slurm.code, slurm.stderr).toBe(0);
    expect(slurm.stderr).toMatch(/submitted: job array and merge \d+, \d+/);
    for (const f of ['micrographs_ctf.star', 'ctf.json', 'mic_2.txt'])
      expect(readFileSync(join(dir, 'slurm', f), 'utf8'), f).toBe(readFileSync(join(dir, 'local', f), 'utf8'));
  }, 120_000);

  it('reconstruct on SLURM (3 shards of partial sums, merged) gives the local run’s half maps', () => {
    const star = join(ROOT, 'fixtures', 'reconstruct', 'even', 'particles.star');
    const local = cryodx(['reconstruct', star, '--sym', 'D2', '--out', 'rec-local']);
    expect(local.code, local.stderr).toBe(0);
    const slurm = cryodx([
      'reconstruct',
      star,
      '--sym',
      'D2',
      '--executor',
      'slurm',
      '--shards',
      '3',
      '--threads',
      '1',
      '--wait',
      '--out',
      'rec-slurm',
    ]);
    expect(slurm.code, slurm.stderr).toBe(0);
    expect(slurm.stderr).toMatch(/submitted: job array and merge \d+, \d+/);
    for (const f of ['half1.mrc', 'half2.mrc']) {
      const a = new Float32Array(readFileSync(join(dir, 'rec-local', f)).buffer.slice(1024));
      const b = new Float32Array(readFileSync(join(dir, 'rec-slurm', f)).buffer.slice(1024));
      const peak = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      expect(worst / peak, f).toBeLessThan(1e-4);
    }
  }, 180_000);

  it('whatif and reslog on SLURM (full maps, a task per map or order, then the verdicts) give the local JSON', () => {
    const c = whatifCase(21, false);
    writeFileSync(join(dir, 'wi.star'), c.star.replace(/particles\.mrcs/g, 'wi.mrcs'));
    writeFileSync(join(dir, 'wi.mrcs'), c.stack);
    writeFileSync(join(dir, 'wi_ctf.star'), c.ctfStar);
    const w = ['wi.star', '--sphere-radius', '45', '--ctf', 'wi_ctf.star', '--exclude', 'rlnOpticsGroup==2'];
    const what = [...w, '--no-metadata', '--maps'];
    const local = cryodx(['whatif', ...what, '--json', '--out', 'wi-local']);
    expect(local.code, local.stderr).toBe(0);
    const slurm = cryodx(['whatif', ...what, '--executor', 'slurm', '--threads', '1', '--wait', '--out', 'wi-slurm']);
    expect(slurm.code, slurm.stderr).toBe(0);
    expect(slurm.stdout).toMatch(/^9 tasks run and assembled/);
    const [a, b] = ['wi-local', 'wi-slurm'].map((d) => JSON.parse(readFileSync(join(dir, d, 'whatif.json'), 'utf8')));
    expectSameResult(a, b);
    expect(b.groups.find((g: { id: string }) => g.id === 'ctf-unreliable').verdict).toBe('harmful');
    for (const f of ['whatif_full.mrc', 'whatif_without_ctf-unreliable.mrc', 'whatif.cxc'])
      expect(readFileSync(join(dir, 'wi-slurm', f)).equals(readFileSync(join(dir, 'wi-local', f))), f).toBe(true);
    // ResLog: the largest size (its automatic mask) first, then one task per random order.
    const r = ['wi.star', '--auto-mask', '--sizes', '150,300,600,1200', '--repeats', '2'];
    const rl = cryodx(['reslog', ...r, '--out', 'rl-local']);
    expect(rl.code, rl.stderr).toBe(0);
    const rs = cryodx(['reslog', ...r, '--executor', 'slurm', '--threads', '1', '--wait', '--out', 'rl-slurm']);
    expect(rs.code, rs.stderr).toBe(0);
    expect(rs.stdout).toMatch(/^3 tasks run and assembled/);
    const [x, y] = ['rl-local', 'rl-slurm'].map((d) => JSON.parse(readFileSync(join(dir, d, 'reslog.json'), 'utf8')));
    expectSameResult(x, y);
  }, 300_000);

  it('a task made to fail is retried, then named; nothing merged; a new run redoes only that shard', () => {
    const env = { CRYODX_FAIL_TASK: 'shard 2' };
    const r = cryodx(['ctf', ...mics, '--executor', 'slurm', '--shards', '2', '--wait', '--out', 'failing'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/1 of 2 shards failed after 2 attempts; missing micrographs: mic_2\.mrc, mic_3\.mrc/);
    expect(existsSync(join(dir, 'failing', 'micrographs_ctf.star'))).toBe(false);
    const state = JSON.parse(readFileSync(join(dir, 'failing', '.cryodx-run', 'state.json'), 'utf8'));
    expect(state.attempts).toEqual([1, 2]);
    const again = cryodx(['ctf', ...mics, '--executor', 'slurm', '--shards', '2', '--wait', '--out', 'failing']);
    expect(again.code, again.stderr).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'failing', '.cryodx-run', 'state.json'), 'utf8'));
    expect(after.attempts).toEqual([0, 1]);
    expect(readFileSync(join(dir, 'failing', 'ctf.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'local', 'ctf.json'), 'utf8'),
    );
  }, 180_000);

  it('without --wait: prints the job ids and returns; the merge job finishes the outputs', async () => {
    const r = cryodx(['ctf', ...mics.slice(0, 2), '--executor', 'slurm', '--out', 'nowait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/submitted \d+, \d+; outputs will be in nowait\//);
    const state = join(dir, 'nowait', '.cryodx-run', 'state.json');
    for (let i = 0; i < 120 && JSON.parse(readFileSync(state, 'utf8')).outcome === 'running'; i++)
      await new Promise((ok) => setTimeout(ok, 500));
    expect(JSON.parse(readFileSync(state, 'utf8')).outcome).toBe('complete');
    expect(existsSync(join(dir, 'nowait', 'micrographs_ctf.star'))).toBe(true);
  }, 120_000);

  it('watch --executor slurm fits the folder as a sharded run; Ctrl-C on --wait cancels the jobs', async () => {
    spawnSync('mkdir', ['-p', join(dir, 'incoming')]);
    for (const m of mics.slice(0, 2)) spawnSync('cp', [join(dir, m), join(dir, 'incoming', m)]);
    const w = cryodx(['watch', 'incoming', '--once', '--settle-s', '0.3', '--executor', 'slurm', '--out', 'watched']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/^2 micrographs fitted/);
    const rows = JSON.parse(readFileSync(join(dir, 'watched', 'ctf.json'), 'utf8'));
    const local = JSON.parse(readFileSync(join(dir, 'local', 'ctf.json'), 'utf8'));
    expect(rows.map((r: { defocusUA: number }) => r.defocusUA)).toEqual(
      local.slice(0, 2).map((r: { defocusUA: number }) => r.defocusUA),
    );
    // Ctrl-C while waiting: every job of the run is cancelled, and the command says which.
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'dist', 'node', 'cli', 'main.js'),
        'ctf',
        ...mics,
        '--executor',
        'slurm',
        '--shards',
        '4',
        '--wait',
        '--out',
        'cancelled',
      ],
      { cwd: dir, env: { ...cluster.env, CRYODX_THREADS: '1' } },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/submitted/.test(err)) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(code).not.toBe(0);
    expect(err).toMatch(/cancelled: scancel \d+/);
    const jobs: string[] = JSON.parse(readFileSync(join(dir, 'cancelled', '.cryodx-run', 'state.json'), 'utf8')).jobs;
    // Cancelled jobs may linger a moment as completing; none of the run's may still be pending or running.
    const q = spawnSync('squeue', ['-h', '-t', 'PENDING,RUNNING', '-o', '%i'], {
      env: cluster.env,
      encoding: 'utf8',
    }).stdout;
    expect(q.split('\n').filter((l) => jobs.includes(l.trim().split('_')[0]!))).toEqual([]);
  }, 120_000);

  it('batch on two datasets gives each its own numbers; a broken dataset is retried, then named as failed', () => {
    const a = caseFiles('box96'),
      b = caseFiles('box75');
    writeFileSync(
      join(dir, 'datasets.csv'),
      'name,half1,half2,mask,microscope,date,sample\n' +
        `d96,${a.half1},${a.half2},${a.mask},Krios1,2026-05-01,apoferritin\n` +
        `d75,${b.half1},${b.half2},${b.mask},Krios1,2026-06-01,GPCR\n` +
        `broken,${a.half1},missing_half2.mrc,${a.mask},Krios2,2026-06-02,GPCR\n`,
    );
    const r = cryodx(['batch', 'datasets.csv', '--executor', 'slurm', '--wait', '--out', 'facility']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/1 of 3 datasets failed: broken \(.*missing_half2\.mrc: no such file\)/);
    const f = JSON.parse(readFileSync(join(dir, 'facility', 'facility.json'), 'utf8'));
    for (const [name, K] of [
      ['d96', a],
      ['d75', b],
    ] as const) {
      const direct = cryodx([
        'report',
        '--half1',
        K.half1,
        '--half2',
        K.half2,
        '--mask',
        K.mask,
        '--json',
        '--out',
        `direct-${name}`,
      ]);
      const own = JSON.parse(direct.stdout);
      const row = f.datasets.find((d: { name: string }) => d.name === name);
      expect(row.status).toBe('done');
      expect(row.resolutionA).toBeCloseTo(own.postprocess.resolutionA, 9);
      expect(row.bfactorA2).toBeCloseTo(own.postprocess.bfactorA2, 6);
    }
    expect(f.datasets.find((d: { name: string }) => d.name === 'd96').reference).toBe(true);
    expect(f.datasets.find((d: { name: string }) => d.name === 'broken')).toMatchObject({ status: 'failed' });
    const state = JSON.parse(readFileSync(join(dir, 'facility', '.cryodx-run', 'state.json'), 'utf8'));
    expect(state.attempts).toEqual([1, 1, 2]);
    expect(readFileSync(join(dir, 'facility', 'facility.html'), 'utf8')).toMatch(/<svg[\s\S]*d75/);
  }, 240_000);
});

/**
 * The same result up to timing (`seconds`) and float rounding: the whole set's grids are summed in another order
 * when one task inserts them in one pass (ResLog's local run adds its nested blocks).
 */
function expectSameResult(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number')
    return void expect(Math.abs(a - b), path).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a)));
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, path).toBe(a.length);
    return a.forEach((x, i) => expectSameResult(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a).filter((k) => k !== 'seconds');
    expect(
      Object.keys(b).filter((k) => k !== 'seconds'),
      path,
    ).toEqual(keys);
    return keys.forEach((k) => expectSameResult((a as never)[k], (b as never)[k], `${path}.${k}`));
  }
  expect(b, path).toEqual(a);
}
