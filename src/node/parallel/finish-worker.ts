import { parentPort } from 'node:worker_threads';
import { symmetryOperators } from '../../core/analysis/orientations/symmetry.js';
import { finishReconstruction } from '../../core/analysis/reconstruct/finish.js';
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

parentPort!.on('message', (m: Message) => {
  try {
    const grid = new InsertionGrid(m.shape, m.data, m.weight);
    grid.symmetrise(symmetryOperators(m.symmetry));
    const map = finishReconstruction(grid, { iterations: m.iterations, compute: { simd: m.simd } });
    parentPort!.postMessage({ id: m.id, ok: true, map }, [map.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ok: false, message: (e as Error).message });
  }
});
