import { parentPort } from 'node:worker_threads';
import { fitTiltJob, type TiltJob } from '../../core/app/tilt-ctf.js';
import { applySimdSetting } from '../simd-setting.js';
import { useNativeZlib } from '../native-zlib.js';

applySimdSetting();
useNativeZlib();
parentPort?.on('message', ({ id, job }: { id: number; job: TiltJob }) => {
  try {
    parentPort!.postMessage({ id, ok: true, result: fitTiltJob(job) });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, message: (e as Error).message });
  }
});
