import type { TiltCtfOptions } from '../../core/tomo/tilt-ctf.js';
import { fitTiltPair, type TiltPair, type TiltSeriesInput } from '../../core/tomo/tilt-series.js';
import { runJobs } from './jobs.js';

export interface TiltJob {
  image: Float32Array;
  nx: number;
  ny: number;
  pixelSizeA: number;
  tiltAxisDeg: number;
  tiltDeg: number;
  options: TiltCtfOptions;
}

/** Fits every tilt (both methods), one per worker thread. */
export function fitTilts(input: TiltSeriesInput, options: TiltCtfOptions, onDone?: (done: number) => void): Promise<TiltPair[]> {
  const plane = input.nx * input.ny;
  const jobs: TiltJob[] = input.tiltsDeg.map((tiltDeg, i) => ({ image: input.stack.slice(i * plane, (i + 1) * plane), nx: input.nx, ny: input.ny, pixelSizeA: input.pixelSizeA, tiltAxisDeg: input.tiltAxisDeg, tiltDeg, options }));
  return runJobs('tilt-worker', jobs, (j) => fitTiltPair(j.image, j, j.tiltDeg, j.options), (i, message) => new RangeError(`tilt ${i + 1} (${input.tiltsDeg[i]}°): ${message}`), onDone, (j) => [j.image.buffer as ArrayBuffer]);
}
