import { fitTiltJob, tiltJobs, type PreparedTiltSeries } from '../../core/app/jobs/tilt-ctf.js';
import { runJobs } from './jobs.js';

/** Fits every tilt (both methods), one per worker thread. */
export function fitTilts(
  p: PreparedTiltSeries,
  onDone?: (done: number) => void,
): Promise<ReturnType<typeof fitTiltJob>[]> {
  const tilts = p.input.tiltsDeg;
  return runJobs(
    'tilt-worker',
    tiltJobs(p),
    fitTiltJob,
    (i, message) => new RangeError(`tilt ${i + 1} (${tilts[i]}°): ${message}`),
    { onDone, transfer: (j) => [j.image.buffer as ArrayBuffer] },
  );
}
