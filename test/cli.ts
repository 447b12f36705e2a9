import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { fixture, ROOT } from './paths.js';
import { buildCase, RELION_CASES } from './relion-cases.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (a separate process, exit code and both streams). */
export function cryodx(...args: string[]): CliRun {
  return cryodxIn(ROOT, ...args);
}

/** The same, run from `cwd` (so that relative file names are what the CLI reports). */
export function cryodxIn(cwd: string, ...args: string[]): CliRun {
  return cryodxWith({ cwd }, ...args);
}

/** The same with an environment (a cluster's SLURM_CONF, CRYODX_THREADS). */
export function cryodxWith(o: { cwd: string; env?: NodeJS.ProcessEnv }, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'node', 'cli', 'main.js'), ...args], {
    encoding: 'utf8',
    cwd: o.cwd,
    ...(o.env ? { env: o.env } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface CaseFiles {
  dir: string;
  half1: string;
  half2: string;
  mask: string;
  /** RELION 3.1.3's postprocess.star for these maps and this mask (fixtures/relion/<case>). */
  relionStar: string;
  n: number;
  pixelSizeA: number;
}

/**
 * A RELION reference case from fixtures/ as files on disk: the half maps rebuilt bit for bit from
 * their seed, RELION's mask, RELION's answer. Written once per process into the system temp folder.
 */
export function caseFiles(name = 'box96'): CaseFiles {
  const c = RELION_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no RELION case ${name}`);
  const dir = join(tmpdir(), `cryodx-case-${name}-${process.pid}`);
  const files: CaseFiles = {
    dir,
    half1: join(dir, 'half1.mrc'),
    half2: join(dir, 'half2.mrc'),
    mask: join(dir, 'mask.mrc'),
    relionStar: fixture('relion', name, 'postprocess.star'),
    n: c.n,
    pixelSizeA: c.pixelSizeA,
  };
  if (existsSync(files.mask)) return files;
  mkdirSync(dir, { recursive: true });
  const { half1, half2 } = buildCase(c);
  const px = c.pixelSizeA;
  writeFileSync(files.half1, writeMrc(createVolume(c.n, c.n, c.n, [px, px, px], half1)));
  writeFileSync(files.half2, writeMrc(createVolume(c.n, c.n, c.n, [px, px, px], half2)));
  writeFileSync(files.mask, gunzipSync(new Uint8Array(readFileSync(fixture('relion', name, 'mask.mrc.gz')))));
  return files;
}
