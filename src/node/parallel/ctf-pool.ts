import { fitMicrograph, type MicrographFit, type MicrographFitOptions } from '../../core/app/ctf.js';
import { InputError } from '../files.js';
import { readNamed } from '../job-io.js';
import { runJobs } from './jobs.js';

/** One micrograph, read and fitted where it runs (a worker thread, or the main thread for one file). */
export async function fitMicrographFile(path: string, options: MicrographFitOptions): Promise<MicrographFit> {
  return fitMicrograph(await readNamed(path), options);
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
    onDone,
  );
}
