import { parentPort } from 'node:worker_threads';
import type { MicrographFitOptions } from '../../core/app/ctf.js';
import { fitMicrographFile } from './ctf-pool.js';
import { applySimdSetting } from '../simd-setting.js';

/** One micrograph per message: the fit, or the error's message for the main thread to report. */
applySimdSetting();
parentPort?.on('message', ({ id, job }: { id: number; job: { path: string; options: MicrographFitOptions } }) => {
  fitMicrographFile(job.path, job.options).then(
    (result) => parentPort!.postMessage({ id, ok: true, result }, [result.fit.diagnostic.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ id, ok: false, message: (e as Error).message }),
  );
});
