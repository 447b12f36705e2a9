import { readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { outputStems, type CtfRow, type MicrographFitOptions } from '../core/app/jobs/ctf-run.js';
import { ctfReportJob } from '../core/app/jobs/ctf-report.js';
import { ctfToStar } from '../core/io/ctf-star.js';
import { mrcExpectedBytes } from '../core/io/mrc/read.js';
import { writeStar } from '../core/io/star/write.js';
import { existsSync, readFileSync } from 'node:fs';
import { writeOutputs } from './job-io.js';
import { streamMicrographs } from './parallel/ctf-pool.js';
import type { ExecutorFlags } from './executor/index.js';
import { fileHash, writeJson } from './executor/run.js';

/**
 * `cryodx watch`: fits each micrograph as it lands, keeps the dataset's CTF report current, and resumes where it
 * stopped. A file counts as complete when its size has not changed between two looks `settle` seconds apart and,
 * for MRC, it has reached the size its header announces; until then it is left alone. Finished work is keyed by
 * the file's content (watch-state.json), so a restart redoes nothing.
 */
export interface WatchOptions {
  dir: string;
  pattern: RegExp;
  out: string;
  intervalS: number;
  settleS: number;
  once: boolean;
  fit: MicrographFitOptions;
  executor: ExecutorFlags;
  version: string;
  say: (line: string) => void;
}

interface WatchState {
  fitted: Record<string, { path: string; row: CtfRow }>;
}

/** "*.mrc", "**\/*_frameImage.mrc" → a RegExp on paths relative to the watched folder. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function list(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(relative(dir, p))) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

async function complete(path: string, size: number): Promise<boolean> {
  if (!/\.mrcs?$/i.test(path)) return true;
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(1024);
    const { bytesRead } = await fh.read(head, 0, 1024, 0);
    const expected = bytesRead === 1024 ? mrcExpectedBytes(head) : null;
    return expected !== null && size >= expected;
  } finally {
    await fh.close();
  }
}

export async function watch(o: WatchOptions): Promise<{ fitted: number; stopped: boolean }> {
  const statePath = join(o.out, 'watch-state.json');
  const state: WatchState = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as WatchState)
    : { fitted: {} };
  const known = new Map(Object.values(state.fitted).map((f) => [f.path, true]));
  let stop = false;
  const onSignal = (): void => {
    stop = true;
    o.say('\nstopping after the current micrographs (run again to resume)\n');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sizes = new Map<string, number>();
  try {
    for (let pass = 0; !stop; pass++) {
      const ready: string[] = [];
      for (const p of list(o.dir, o.pattern)) {
        if (known.has(p)) continue;
        const size = statSync(p).size;
        const before = sizes.get(p);
        sizes.set(p, size);
        if (before === size && (await complete(p, size))) ready.push(p);
      }
      // Content, not name, decides what is done: a file copied again under the same name is not fitted twice.
      const fresh: { path: string; key: string }[] = [];
      for (const p of ready) {
        const key = await fileHash(p);
        if (state.fitted[key]) known.set(p, true);
        else fresh.push({ path: p, key });
      }
      if (fresh.length) {
        const rows = await fitBatch(
          o,
          fresh.map((f) => f.path),
          pass,
        );
        fresh.forEach((f, i) => {
          state.fitted[f.key] = { path: f.path, row: rows[i]! };
          known.set(f.path, true);
        });
        await writeJson(statePath, state);
        await writeDatasetReport(o, state);
        o.say(`${Object.keys(state.fitted).length} micrographs fitted\n`);
      }
      if (o.once && pass >= 1) break;
      await new Promise((r) => setTimeout(r, (pass === 0 ? o.settleS : o.intervalS) * 1000));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return { fitted: Object.keys(state.fitted).length, stopped: stop };
}

async function fitBatch(o: WatchOptions, paths: string[], pass: number): Promise<CtfRow[]> {
  if (o.executor.executor === 'slurm') {
    const { shardedRows } = await import('./watch-slurm.js');
    return shardedRows(o, paths, pass);
  }
  // Per-micrograph files as each fit arrives; the dataset's STAR, JSON and report are rewritten from every
  // row below.
  const stems = outputStems(paths);
  const rows = new Array<CtfRow>(paths.length);
  await streamMicrographs(paths, stems, o.fit, o.version, async (i, r) => {
    rows[i] = r.row;
    await writeOutputs(o.out, r.outputs, paths);
  });
  return rows;
}

async function writeDatasetReport(o: WatchOptions, state: WatchState): Promise<void> {
  const rows = Object.values(state.fitted)
    .map((f) => f.row)
    .sort((a, b) => a.micrograph.localeCompare(b.micrograph));
  const first = rows[0]!;
  const star = writeStar(
    ctfToStar(rows, {
      pixelSizeA: first.pixelSizeA,
      voltageKv: o.fit.voltageKv,
      csMm: o.fit.csMm,
      amplitudeContrast: o.fit.amplitudeContrast,
    }),
  );
  const report = await ctfReportJob({
    results: [{ name: 'micrographs_ctf.star', bytes: new TextEncoder().encode(star) }],
  });
  await writeOutputs(
    o.out,
    [
      { name: 'micrographs_ctf.star', text: star },
      { name: 'ctf.json', text: JSON.stringify(rows, null, 1) },
      ...report.outputs,
    ],
    [],
  );
}
