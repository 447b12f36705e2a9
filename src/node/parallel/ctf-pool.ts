import { fitMicrographFile, type MicrographFit, type MicrographFitOptions } from '../ctf-run.js';
import { InputError } from '../files.js';
import { runJobs } from './jobs.js';

/**
 * Fits several micrographs, one per worker thread. Results come back in input order; a bad file
 * fails the run with its own message, as the CLI would for one file.
 */
export function fitMicrographs(paths: string[], options: MicrographFitOptions, onDone?: (done: number) => void): Promise<MicrographFit[]> {
  return runJobs('ctf-worker', paths.map((path) => ({ path, options })), (j) => fitMicrographFile(j.path, j.options), (_i, message) => new InputError(message), onDone);
}
