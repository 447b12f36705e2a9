import { parentPort } from 'node:worker_threads';
import type { TiltCtfOptions } from '../../core/tomo/tilt-ctf.js';
import { fitTiltPair } from '../../core/tomo/tilt-series.js';

export interface TiltJob {
  id: number;
  image: Float32Array;
  nx: number;
  ny: number;
  pixelSizeA: number;
  tiltAxisDeg: number;
  tiltDeg: number;
  options: TiltCtfOptions;
}

parentPort?.on('message', (j: TiltJob) => {
  try {
    const pair = fitTiltPair(j.image, j, j.tiltDeg, j.options);
    parentPort!.postMessage({ id: j.id, ok: true, pair });
  } catch (e) {
    parentPort!.postMessage({ id: j.id, ok: false, message: (e as Error).message });
  }
});
