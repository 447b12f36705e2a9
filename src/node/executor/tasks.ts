import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ctfTables, outputStems, type CtfRow, type MicrographFitOptions } from '../../core/app/jobs/ctf-run.js';
import { facilityJob, facilityRow, type FacilityRow } from '../../core/app/jobs/facility.js';
import { parseNumber } from '../../core/app/inputs/options.js';
import { reportJob } from '../../core/app/report/report.js';
import { reportInput } from '../../core/app/report/input.js';
import type { Dataset } from '../../core/io/datasets.js';
import type { Report } from '../../core/report/report.js';
import { InputError } from '../files.js';
import { readNamed, writeOutputs } from '../job-io.js';
import { streamMicrographs } from '../parallel/ctf-pool.js';
import { projectSource } from '../project.js';
import {
  cachePath,
  contentKey,
  doneMarker,
  failedMarker,
  failures,
  finished,
  readJson,
  resultPath,
  specOf,
  stateOf,
  writeJson,
  type RunSpec,
  type TaskSpec,
} from './run.js';
import { processCompute } from '../compute.js';

/**
 * What a task does, wherever it runs (in this process for the local executor, as a SLURM array task otherwise):
 * a shard of micrographs fitted, or one dataset's report. Its result goes to the cache under its content key and a
 * marker says it is done; a failure leaves a marker with the reason, for the retry and for the final message.
 */
export async function runTask(dir: string, index: number): Promise<void> {
  const spec = specOf(dir);
  const task = spec.tasks[index];
  if (!task) throw new InputError(`${dir}: no task ${index} (the run has ${spec.tasks.length})`);
  if (finished(dir, spec)[index]) return;
  process.chdir(spec.cwd);
  try {
    if (task.kind === 'ctf-shard') await ctfShard(dir, task);
    else if (task.kind === 'command') await commandTask(dir, task);
    else await datasetReport(dir, spec, task);
    await writeJson(doneMarker(dir, index), { key: task.key, at: new Date().toISOString() });
  } catch (e) {
    const attempt = stateOf(dir).attempts[index] ?? 1;
    await writeJson(failedMarker(dir, index), { message: (e as Error).message, attempt });
    throw e;
  }
}

async function ctfShard(dir: string, task: Extract<TaskSpec, { kind: 'ctf-shard' }>): Promise<void> {
  if (process.env['CRYODX_FAIL_TASK'] && task.name.includes(process.env['CRYODX_FAIL_TASK']))
    throw new InputError(`${task.name}: failed on purpose (CRYODX_FAIL_TASK)`);
  const spec = specOf(dir);
  const options = task.options as MicrographFitOptions;
  const stems = task.stems ?? outputStems(task.paths);
  const rows = new Array<CtfRow>(task.paths.length);
  // Each micrograph's files go straight to the run's folder; the merge needs only the rows.
  await streamMicrographs(task.paths, stems, options, spec.version, async (i, r) => {
    rows[i] = r.row;
    await writeOutputs(spec.out, r.outputs, task.paths);
  });
  await saveBytes(resultPath(dir, task), Buffer.from(JSON.stringify(rows)));
}

/** A cryodx command line run here; its exit status decides, its files are its result. */
async function commandTask(dir: string, task: Extract<TaskSpec, { kind: 'command' }>): Promise<void> {
  const { main } = await import('../cli/program.js');
  const code = await main(task.args);
  if (code !== 0) throw new InputError(`${task.name}: cryodx ${task.args[0]} exited with status ${code}`);
  await saveBytes(resultPath(dir, task), Buffer.from(JSON.stringify({ args: task.args })));
}

async function datasetReport(dir: string, spec: RunSpec, task: Extract<TaskSpec, { kind: 'report' }>): Promise<void> {
  const d = task.dataset as Dataset;
  const read = async (p: string | undefined) => (p ? await readNamed(p) : undefined);
  const [half1, half2, mask, particles, ctf] = await Promise.all(
    [d.half1, d.half2, d.mask, d.particles, d.ctf].map(read),
  );
  // A row is files and options like the CLI's flags; an automatic mask where none is given, as the page does.
  const input = await reportInput({
    files: {
      ...(half1 ? { half1 } : {}),
      ...(half2 ? { half2 } : {}),
      ...(mask ? { mask } : {}),
      ...(particles ? { particles } : {}),
      ...(ctf ? { ctf: [ctf] } : {}),
    },
    options: {
      pixelSizeA: d.angpix ? parseNumber(d.angpix, `${d.name}: angpix`, { min: 0, exclusiveMin: true }) : null,
      ...(d['sym'] ? { symmetry: d['sym'] } : {}),
      autoMaskWhenNone: true,
    },
    project: d.project ? await projectSource(d.project) : null,
    version: spec.version,
  });
  const job = await reportJob(input, undefined, await processCompute());
  await writeOutputs(join(spec.out, 'datasets', d.name), job.outputs, []);
  await saveBytes(cachePath(dir, task.key, '.json'), Buffer.from(JSON.stringify(job.result.report)));
}

async function saveBytes(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  const { rename } = await import('node:fs/promises');
  await rename(tmp, path);
}

export type MergeOutcome =
  | { kind: 'complete'; message: string }
  | { kind: 'retry'; indices: number[] }
  | { kind: 'incomplete'; message: string };

/**
 * After the tasks: retry the failed ones while attempts remain, else write the merged outputs — or, when a task
 * failed every attempt, say which inputs are missing and write none of the merged files (nothing partial is
 * presented as complete). A batch's failed dataset is a row marked failed, the other reports stand.
 */
export async function merge(dir: string): Promise<MergeOutcome> {
  const spec = specOf(dir);
  const state = stateOf(dir);
  const done = finished(dir, spec);
  const pending = spec.tasks.map((_, i) => i).filter((i) => !done[i]);
  const retry = pending.filter((i) => (state.attempts[i] ?? 0) < spec.maxAttempts);
  if (retry.length) return { kind: 'retry', indices: retry };
  if (spec.kind === 'ctf') return mergeCtf(dir, spec, pending);
  if (spec.kind === 'reconstruct' || spec.kind === 'staged') return mergeCommand(dir, spec, pending);
  return mergeBatch(dir, spec, done);
}

async function mergeCtf(dir: string, spec: RunSpec, pending: number[]): Promise<MergeOutcome> {
  if (pending.length) {
    const failed = failures(dir, spec);
    const missing = pending.flatMap((i) => (spec.tasks[i] as Extract<TaskSpec, { kind: 'ctf-shard' }>).paths);
    const why = failed.map((f) => (f.message.includes(f.name) ? f.message : `${f.name}: ${f.message}`)).join('; ');
    const message =
      `${pending.length} of ${spec.tasks.length} shards failed after ${spec.maxAttempts} attempts; ` +
      `missing micrographs: ${missing.join(', ')}${why ? ` (${why})` : ''}. No merged outputs were written.`;
    await writeJson(join(dir, 'incomplete.json'), { missing, failed });
    return { kind: 'incomplete', message };
  }
  const rows = spec.tasks.flatMap((t) => readJson<CtfRow[]>(resultPath(dir, t)));
  const inputs = spec.tasks.flatMap((t) => (t.kind === 'ctf-shard' ? t.paths : []));
  await writeOutputs(spec.out, ctfTables(rows, spec.merge['options'] as MicrographFitOptions), inputs);
  return { kind: 'complete', message: `${rows.length} micrographs fitted in ${spec.tasks.length} shards` };
}

/** The merge command of a sharded command run (reconstruct --merge), once every shard is done. */
async function mergeCommand(dir: string, spec: RunSpec, pending: number[]): Promise<MergeOutcome> {
  if (pending.length) {
    const why = failures(dir, spec)
      .map((f) => `${f.name}: ${f.message}`)
      .join('; ');
    const message =
      `${pending.length} of ${spec.tasks.length} ${noun(spec)} failed after ${spec.maxAttempts} attempts` +
      `${why ? ` (${why})` : ''}. No merged outputs were written.`;
    await writeJson(join(dir, 'incomplete.json'), { failed: failures(dir, spec) });
    return { kind: 'incomplete', message };
  }
  const { main } = await import('../cli/program.js');
  const next = await nextStage(dir, spec, main);
  if (next) return next;
  const args = spec.merge['args'] as string[];
  const code = await main(args);
  if (code !== 0) return { kind: 'incomplete', message: `the merge (cryodx ${args.slice(0, 2).join(' ')}) failed` };
  const done = spec.kind === 'staged' ? 'run and assembled' : 'inserted and merged';
  return { kind: 'complete', message: `${spec.tasks.length} ${noun(spec)} ${done}` };
}

function noun(spec: RunSpec): string {
  return spec.kind === 'staged' ? 'tasks' : 'shards';
}

/**
 * A staged run (reslog, whatif): when the tasks so far are done and a next stage is still to plan, its planning
 * command (merge.next) writes the next tasks to merge.plan ({tasks: [{name, args, paths}]}; paths are what each task
 * reads, for its content key); they join the run and are started as a retry is. Null when there is none to plan.
 */
async function nextStage(
  dir: string,
  spec: RunSpec,
  main: (args: string[]) => Promise<number>,
): Promise<MergeOutcome | null> {
  const next = spec.merge['next'] as string[] | undefined;
  if (!next || spec.merge['planned']) return null;
  const code = await main(next);
  if (code !== 0) return { kind: 'incomplete', message: `planning the next tasks (cryodx ${next[0]}) failed` };
  const plan = readJson<{ tasks: { name: string; args: string[]; paths: string[] }[] }>(spec.merge['plan'] as string);
  const start = spec.tasks.length;
  for (const t of plan.tasks)
    spec.tasks.push({
      kind: 'command',
      name: t.name,
      args: t.args,
      key: await contentKey('command', { args: t.args, version: spec.version }, t.paths),
    });
  spec.merge = { ...spec.merge, planned: true };
  await writeJson(join(dir, 'tasks.json'), spec);
  const state = stateOf(dir);
  await writeJson(join(dir, 'state.json'), { ...state, attempts: [...state.attempts, ...plan.tasks.map(() => 0)] });
  if (!plan.tasks.length) return null;
  const indices = spec.tasks.map((_, i) => i).filter((i) => i >= start && !finished(dir, spec)[i]);
  return indices.length ? { kind: 'retry', indices } : null;
}

async function mergeBatch(dir: string, spec: RunSpec, done: boolean[]): Promise<MergeOutcome> {
  const failed = new Map(failures(dir, spec).map((f) => [f.index, f.message]));
  const rows: FacilityRow[] = spec.tasks.map((t, i) => {
    const d = (t as Extract<TaskSpec, { kind: 'report' }>).dataset as Dataset;
    const report = done[i] ? readJson<Report>(cachePath(dir, t.key, '.json')) : null;
    const error = done[i] ? null : (failed.get(i) ?? 'did not run');
    return facilityRow(d, report, error, `datasets/${d.name}/report.html`);
  });
  const job = await facilityJob(rows, spec.version);
  await writeOutputs(spec.out, job.outputs, []);
  const bad = rows.filter((r) => r.status === 'failed');
  const message = bad.length
    ? `${bad.length} of ${rows.length} datasets failed: ${bad.map((r) => `${r.name} (${r.error})`).join('; ')}`
    : `${rows.length} datasets reported`;
  return bad.length ? { kind: 'incomplete', message } : { kind: 'complete', message };
}

export function hasRun(dir: string): boolean {
  return existsSync(join(dir, 'tasks.json'));
}
