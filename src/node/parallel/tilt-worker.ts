import { parentPort } from 'node:worker_threads';
import { fitTiltJob, type TiltJob } from '../../core/app/jobs/tilt-ctf.js';

// Each tilt carries the kernel choice of the job it belongs to (TiltCtfOptions.simd).
parentPort?.on('message', ({ id, job }: { id: number; job: TiltJob }) => {
  try {
    parentPort!.postMessage({ id, ok: true, result: fitTiltJob(job) });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, message: (e as Error).message });
  }
});
