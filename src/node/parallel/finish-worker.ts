import { parentPort } from 'node:worker_threads';
import { symmetryOperators } from '../../core/analysis/orientations/symmetry.js';
import { FinishScratch, finishReconstruction } from '../../core/analysis/reconstruct/finish.js';
import { InsertionGrid, type GridShape } from '../../core/analysis/reconstruct/grid.js';
import { prepareSimdKernels } from '../../core/fourier/simd.js';

/**
 * A finishing worker: symmetrises a grid it is sent (its arrays transferred, not copied) and finishes it into a
 * map on its own thread (its transforms single-threaded: the other worker finishes the other half meanwhile).
 */
interface Message {
  id: number;
  shape: GridShape;
  data: Float32Array;
  weight: Float32Array;
  symmetry: string;
  iterations: number;
  simd: boolean;
}

await prepareSimdKernels().catch(() => undefined);
// Kept for the worker's life (a run): its finishes are mostly of one box.
const scratch = new FinishScratch();

parentPort!.on('message', (m: Message) => {
  try {
    const grid = new InsertionGrid(m.shape, m.data, m.weight);
    grid.symmetrise(symmetryOperators(m.symmetry));
    const map = finishReconstruction(grid, { iterations: m.iterations, compute: { simd: m.simd }, scratch });
    // The grid's arrays go back too: the next grids are copied into them (fresh memory is slow to touch).
    const back = [map.buffer, m.data.buffer, m.weight.buffer] as ArrayBuffer[];
    parentPort!.postMessage({ id: m.id, ok: true, map, data: m.data, weight: m.weight }, back);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ok: false, message: (e as Error).message });
  }
});
