/**
 * Worker side of the parallel 3D FFT: runs one pass over its share of planes or slabs on shared
 * memory and signals completion through an Int32Array slot (Atomics), so the main thread can
 * wait synchronously and the core API stays synchronous.
 */
import { parentPort } from 'node:worker_threads';
import { forwardPlanes, inversePlanes, zPass, type Spectrum } from '../../core/fourier/rfft3d.js';

export interface PassMessage {
  pass: 'forward-planes' | 'inverse-planes' | 'z-forward' | 'z-inverse';
  dims: [number, number, number];
  /** Real data (input of forward-planes, output of inverse-planes). */
  real: SharedArrayBuffer | null;
  realOffset: number;
  realFloat64: boolean;
  spectrum: SharedArrayBuffer;
  from: number;
  to: number;
  control: SharedArrayBuffer;
  slot: number;
}

parentPort?.on('message', (m: PassMessage) => {
  const [nx, ny, nz] = m.dims;
  const spec: Spectrum = { nx, ny, nz, nxh: Math.floor(nx / 2) + 1, data: new Float64Array(m.spectrum) };
  const n = nx * ny * nz;
  const ctrl = new Int32Array(m.control);
  try {
    if (m.pass === 'forward-planes') forwardPlanes(m.realFloat64 ? new Float64Array(m.real!, m.realOffset, n) : new Float32Array(m.real!, m.realOffset, n), spec, m.from, m.to);
    else if (m.pass === 'inverse-planes') inversePlanes(spec, new Float32Array(m.real!, m.realOffset, n), m.from, m.to);
    else zPass(spec, m.from, m.to, m.pass === 'z-forward' ? -1 : 1);
    Atomics.store(ctrl, m.slot, 1);
  } catch {
    Atomics.store(ctrl, m.slot, 2);
  }
  Atomics.notify(ctrl, m.slot);
});
