import { parentPort } from 'node:worker_threads';
import { handlePoolMessage } from '../../core/parallel/pool-worker.js';
import { applySimdSetting } from '../simd-setting.js';

/** A Node worker thread of the shared-memory pool (src/core/parallel). */
applySimdSetting();
parentPort?.on('message', handlePoolMessage);
