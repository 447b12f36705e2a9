import { parentPort } from 'node:worker_threads';
import { handlePoolMessage } from '../../core/parallel/pool-worker.js';

/** A Node worker thread of the shared-memory pool (src/core/parallel). */
parentPort?.on('message', handlePoolMessage);
