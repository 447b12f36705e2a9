import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../paths.js';

/** What one fuzz case ended in. 'hang' is a case that did not end within its time limit. */
export type Outcome = 'ok' | 'refused' | 'internal' | 'nonfinite' | 'hang';
export interface CaseResult {
  outcome: Outcome;
  message?: string;
  ms: number;
}

/**
 * Runs readers on a worker thread (test/fuzz/readers.mjs, on dist/): a case that does not answer within its
 * limit is a hang, the worker is terminated and a new one started, so a tokenizer that loops forever fails the
 * case instead of stalling the suite.
 */
export class ReaderPool {
  private worker: Worker | null = null;
  private next = 0;

  private start(): Worker {
    this.worker ??= new Worker(join(ROOT, 'test', 'fuzz', 'readers.mjs'));
    return this.worker;
  }

  run(reader: string, bytes: Uint8Array, name: string, timeoutMs = 5000): Promise<CaseResult> {
    const w = this.start();
    const id = this.next++;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        w.off('message', onMessage);
        void w.terminate();
        this.worker = null;
        resolve({ outcome: 'hang', message: `no answer in ${timeoutMs} ms`, ms: performance.now() - t0 });
      }, timeoutMs);
      const onMessage = (m: { id: number; outcome: Outcome; message?: string }): void => {
        if (m.id !== id) return;
        clearTimeout(timer);
        w.off('message', onMessage);
        resolve({ outcome: m.outcome, ...(m.message ? { message: m.message } : {}), ms: performance.now() - t0 });
      };
      w.on('message', onMessage);
      w.postMessage({ id, reader, bytes, name });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}

/** A seed file for one reader: the name the reader sees keeps the seed's extension (formats are sniffed by it). */
export interface Seed {
  reader: string;
  path: string;
}

const F = (...p: string[]): string => join(ROOT, 'fixtures', ...p);
const R5 = (...p: string[]): string => F('projects', 'relion5', ...p);

/** The repository's own fixtures, one or more per reader (all small and self-made; fixtures/README.md). */
export function fixtureSeeds(): Seed[] {
  const s = (reader: string, ...paths: string[]): Seed[] => paths.map((path) => ({ reader, path }));
  return [
    ...s(
      'mrc',
      F('mrc', 'mode2_little.mrc'),
      F('mrc', 'mode1_big.mrc'),
      F('mrc', 'exthdr.mrc'),
      F('mrc', 'mode12_little.mrc'),
    ),
    ...s('star', F('star', 'loop_quoted.star'), F('star', 'pairs_double_quote.star'), F('star', 'locres_fscs.star')),
    ...s('star', F('star', 'job_tab.star')),
    ...s('particles', R5('Select', 'job007', 'particles.star')),
    ...s(
      'ctf',
      R5('CtfFind', 'job003', 'micrographs_ctf.star'),
      F('projects', 'cryosparc', 'J1', 'J1_exposures_ctf_estimated.cs'),
    ),
    ...s('ctffind', F('ctffind', 'ctffind4_stack.txt'), F('ctffind', 'ctffind5.txt')),
    ...s('avrot', F('ctffind', 'ctffind4_avrot.txt')),
    ...s('polish', R5('Polish', 'job011', 'bfactors.star')),
    ...s(
      'motion',
      R5('MotionCorr', 'job002', 'corrected_micrographs.star'),
      R5('MotionCorr', 'job002', 'Movies', 'mic_000.star'),
    ),
    ...s('pipeline', R5('default_pipeline.star'), R5('Polish', 'job011', 'job.star')),
    ...s('classes', R5('Class3D', 'job006', 'run_it025_model.star')),
    ...s('mtf', F('mtf', 'linear_mtf.star')),
    ...s('cs', F('cs', 'particles.cs'), F('cs', 'poses_only.cs')),
    ...s('npy', F('cs', 'bigendian_v2.npy'), F('cs', 'particles.cs')),
    ...s('structure', F('model', 'fragment.pdb'), F('model', 'fragment.cif')),
    ...s('tlt', F('imod', 'ts.tlt')),
    ...s('xf', F('imod', 'ts.xf')),
    ...s('mdoc', F('imod', 'ts.mdoc')),
  ].filter((x) => existsSync(x.path));
}

/** A small AlphaFold-style PAE of two domains (no PAE fixture exists; made here, as the model tests do). */
export function paeSeed(n = 24): Uint8Array {
  const m = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i < n / 2 === j < n / 2 ? 1.5 : 25)),
  );
  return new TextEncoder().encode(JSON.stringify([{ predicted_aligned_error: m, max_predicted_aligned_error: 31.75 }]));
}

export function seedBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Files below a folder (for the campaign over ../shared/data/real). */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesBelow(p) : [p];
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** The built CLI in a child process with a time limit (killed at the limit: a hang). */
export function runCli(args: string[], timeoutMs = 20_000, cwd = ROOT): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'dist', 'node', 'cli', 'main.js'), ...args], { cwd });
    let stdout = '',
      stderr = '',
      timedOut = false;
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0, timedOut });
    });
  });
}

/**
 * What the project promises of a CLI run on any input: it ended in time, and either exit 2 with one sentence
 * (no internal error; exit 1 with commander's one-line usage error for an option value its parser refuses) or
 * exit 0 with no NaN, Infinity or undefined printed. Returns the broken promise, or null.
 */
export function cliProblem(r: CliResult): string | null {
  if (r.timedOut) return `hang (killed after ${Math.round(r.ms)} ms)`;
  if (/internal error|report it/.test(r.stderr)) return `internal error: ${r.stderr.split('\n')[0]}`;
  if (r.code === 2) {
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('warning:'));
    return lines.length === 1 && lines[0]!.startsWith('cryodx: ') ? null : `exit 2 without one sentence: ${r.stderr}`;
  }
  // commander's usage errors (an option's value refused by its parser): exit 1, "error: option …", a help hint
  if (r.code === 1 && /^error: .+\n\(run with --help for usage\)\n$/.test(r.stderr)) return null;
  if (r.code !== 0) return `exit ${r.code}: ${r.stderr.split('\n')[0]}`;
  const shown = /(?<!found (?:\\?"|&quot;)?)(?<![\w.-])-?(NaN|Infinity|undefined)(?!\w| or infinite)/.exec(
    r.stdout + r.stderr,
  );
  return shown ? `exit 0 with ${shown[0]} printed` : null;
}
