import { parentPort } from 'node:worker_threads';
import { fitTiltPair } from '../../core/tomo/tilt-series.js';
import type { TiltJob } from './tilt-pool.js';

parentPort?.on('message', ({ id, job }: { id: number; job: TiltJob }) => {
  try {
    parentPort!.postMessage({ id, ok: true, result: fitTiltPair(job.image, job, job.tiltDeg, job.options) });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, message: (e as Error).message });
  }
});
