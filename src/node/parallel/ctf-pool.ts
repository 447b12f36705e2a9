import type { MicrographFit } from '../../core/app/jobs/ctf.js';
import type { CtfRow, MicrographFitOptions } from '../../core/app/jobs/ctf-run.js';
import type { JobOutput } from '../../core/app/job.js';
import { InputError } from '../files.js';
import { threadCompute } from '../compute.js';
import { readNamed } from '../job-io.js';
import { runJobs, streamJobs } from './jobs.js';

/**
 * The fit's modules, loaded where a micrograph is fitted (a worker, or this thread for one file): the
 * thread that only hands micrographs to workers starts them sooner without (~25 ms).
 */
const fitting = (): Promise<typeof import('../../core/app/jobs/ctf.js')> => import('../../core/app/jobs/ctf.js');

/** One micrograph, read and fitted where it runs (a worker thread, or the main thread for one file). */
export async function fitMicrographFile(path: string, options: MicrographFitOptions): Promise<MicrographFit> {
  const [{ fitMicrograph }, file] = await Promise.all([fitting(), readNamed(path)]);
  return fitMicrograph(file, options, threadCompute());
}

/**
 * Fits several micrographs, one per worker thread. Results come back in input order; a bad file
 * fails the run with its own message, as the CLI would for one file.
 */
export function fitMicrographs(
  paths: string[],
  options: MicrographFitOptions,
  onDone?: (done: number) => void,
): Promise<MicrographFit[]> {
  return runJobs(
    'ctf-worker',
    paths.map((path) => ({ path, options })),
    (j) => fitMicrographFile(j.path, j.options),
    (_i, message) => new InputError(message),
    { onDone, inFlight: 2 },
  );
}

/** A micrograph to fit and whose files to make (stem: its files' name; version: for their headers). */
export interface RenderJob {
  path: string;
  options: MicrographFitOptions;
  stem: string;
  version: string;
}

/** A fitted micrograph as the tables need it, and its files. */
export interface RenderedMicrograph {
  row: CtfRow;
  outputs: JobOutput[];
}

/** One micrograph read, fitted and its files made, where it runs (a worker thread, or here for one file). */
export async function fitAndRender(j: RenderJob): Promise<RenderedMicrograph> {
  const fit = await fitMicrographFile(j.path, j.options);
  const { ctfRow, micrographOutputs } = await fitting();
  return { row: ctfRow(fit), outputs: micrographOutputs(fit, j.stem, j.options, j.version, threadCompute()) };
}

/**
 * Fits micrographs on worker threads, which also make each one's files (the plots and images would
 * otherwise queue on this thread), handing each result to `onResult` as it arrives and keeping none: a run
 * of thousands of micrographs holds only what is in flight. Resolves when every onResult has settled.
 */
export function streamMicrographs(
  paths: string[],
  stems: string[],
  options: MicrographFitOptions,
  version: string,
  onResult: (index: number, r: RenderedMicrograph) => unknown,
  onDone?: (done: number) => void,
): Promise<void> {
  return streamJobs(
    'ctf-worker',
    paths.map((path, i): RenderJob => ({ path, options, stem: stems[i]!, version })),
    fitAndRender,
    (_i, message) => new InputError(message),
    onResult,
    { onDone, inFlight: 2 },
  );
}
