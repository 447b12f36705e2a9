import { parentPort } from 'node:worker_threads';
import type { MicrographFitOptions } from '../../core/app/jobs/ctf-run.js';
import { fitAndRender, fitMicrographFile, type RenderJob } from './ctf-pool.js';

type Job = { path: string; options: MicrographFitOptions } | RenderJob;

/**
 * One micrograph per message: the fit (or, given a stem, its table row and files), or the error's message
 * for the main thread to report.
 */
parentPort?.on('message', ({ id, job }: { id: number; job: Job }) => {
  const fail = (e: unknown): void => parentPort!.postMessage({ id, ok: false, message: (e as Error).message });
  if ('stem' in job) {
    fitAndRender(job).then((result) => {
      const buffers = [
        ...new Set(result.outputs.flatMap((o) => ('bytes' in o ? [o.bytes.buffer as ArrayBuffer] : []))),
      ];
      parentPort!.postMessage({ id, ok: true, result }, buffers);
    }, fail);
    return;
  }
  fitMicrographFile(job.path, job.options).then(
    (result) => parentPort!.postMessage({ id, ok: true, result }, [result.fit.diagnostic.buffer as ArrayBuffer]),
    fail,
  );
});
