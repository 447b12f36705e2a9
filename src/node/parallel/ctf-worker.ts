import { parentPort } from 'node:worker_threads';
import { fitMicrographFile, type MicrographFitOptions } from '../ctf-run.js';

/** One micrograph per message: the fit, or the error's message for the main thread to report. */
export interface CtfJob {
  id: number;
  path: string;
  options: MicrographFitOptions;
}

parentPort?.on('message', (job: CtfJob) => {
  fitMicrographFile(job.path, job.options).then(
    (r) => parentPort!.postMessage({ id: job.id, ok: true, result: r }, [r.fit.diagnostic.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ id: job.id, ok: false, message: (e as Error).message, name: (e as Error).name }),
  );
});
