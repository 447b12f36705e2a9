import { parentPort } from 'node:worker_threads';
import { BatchInserter, type ParticleBatch } from '../../core/analysis/reconstruct/batch.js';
import { InsertionGrid, type GridShape } from '../../core/analysis/reconstruct/grid.js';
import { prepareSimdKernels } from '../../core/fourier/simd.js';

/**
 * A reconstruction worker: owns one padded grid per target, inserts the batches it is sent, and hands its
 * grids back (transferred, not copied) when asked to finish.
 */
type Message =
  | { kind: 'start'; shape: GridShape; targets: number; kept?: ({ data: Float32Array; weight: Float32Array } | null)[] }
  | { kind: 'batch'; batch: ParticleBatch }
  | { kind: 'finish' };

let grids: InsertionGrid[] = [];
const inserter = new BatchInserter();
await prepareSimdKernels().catch(() => undefined);

parentPort!.on('message', (m: Message) => {
  try {
    if (m.kind === 'start') {
      // Arrays of an earlier pass, handed back, are cleared and used again (fresh memory is slow to touch).
      grids = Array.from({ length: m.targets }, (_, k) => {
        const a = m.kept?.[k];
        return a ? new InsertionGrid(m.shape, a.data.fill(0), a.weight.fill(0)) : new InsertionGrid(m.shape);
      });
      parentPort!.postMessage({ kind: 'ready' });
    } else if (m.kind === 'batch') {
      inserter.insert(m.batch, grids);
      parentPort!.postMessage({ kind: 'done', count: m.batch.count });
    } else {
      const out = grids.map((g) => ({ data: g.data, weight: g.weight, particles: g.particles }));
      parentPort!.postMessage(
        { kind: 'grids', grids: out },
        out.flatMap((g) => [g.data.buffer as ArrayBuffer, g.weight.buffer as ArrayBuffer]),
      );
      grids = [];
    }
  } catch (e) {
    parentPort!.postMessage({ kind: 'error', message: (e as Error).message });
  }
});
