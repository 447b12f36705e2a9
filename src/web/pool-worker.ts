import { handlePoolMessage } from '../core/parallel/pool-worker.js';
import type { HelperStart } from './protocol.js';

/**
 * A Web Worker of the shared-memory pool (FFT passes, local-resolution windows on its share). The page
 * starts it and hands it one end of a MessageChannel whose other end goes to the analysis worker:
 * the analysis worker then blocks in Atomics.wait while its helpers work, with no thread in between.
 */
const ctx = self as unknown as {
  onmessage: ((e: MessageEvent<HelperStart>) => void) | null;
  postMessage(m: unknown): void;
};
ctx.onmessage = (e) => {
  // Each pass carries the analysis worker's kernel choice; `simd` in the start message is not needed here.
  const { port } = e.data;
  port.onmessage = (m) => handlePoolMessage(m.data);
  ctx.postMessage('ready');
};
