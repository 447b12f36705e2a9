import { parentPort } from 'node:worker_threads';
import { handlePoolMessage } from '../../core/parallel/pool-worker.js';

/** A Node worker thread of the shared-memory pool (src/core/parallel); each pass says which kernels to run. */
parentPort?.on('message', handlePoolMessage);
