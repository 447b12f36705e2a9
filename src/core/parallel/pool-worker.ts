/**
 * Worker side of the shared-memory pool (pool.ts), for Node worker_threads and Web Workers alike: runs one pass over
 * its share of planes or slabs on shared
 * memory and signals completion through an Int32Array slot (Atomics), so the main thread can
 * wait synchronously and the core API stays synchronous.
 */
import { forwardPlanes, inversePlanes, zPass, type Spectrum } from '../fourier/rfft3d.js';
import { processWindows, type WindowJob } from '../analysis/locres/locres.js';
import { applyPhases, type PhaseTask } from '../analysis/fsc/randomize.js';
import { runNoiseFloorJob, type NoiseFloorJob } from '../analysis/anisotropy/noise-floor.js';

export interface PassMessage {
  pass: 'forward-planes' | 'inverse-planes' | 'z-forward' | 'z-inverse' | 'apply-phases';
  dims: [number, number, number];
  /** Real data (input of forward-planes, output of inverse-planes). */
  real: SharedArrayBuffer | null;
  realOffset: number;
  realFloat64: boolean;
  spectrum: SharedArrayBuffer;
  /** The spectrum is float32 (allocateSpectrum's `single`). */
  spectrumFloat32: boolean;
  from: number;
  to: number;
  control: SharedArrayBuffer;
  slot: number;
  /** apply-phases: the stream to draw the phases from and where each plane's start. */
  phases?: PhaseTask;
  /** forward-planes: multiply by this mask (Float32, shared) on the way in. */
  mask?: { buffer: SharedArrayBuffer; offset: number };
  /** The caller's kernel choice (its compute context), so that every thread of a transform runs the same ones. */
  simd: boolean;
}

/** A range of local-resolution windows into this worker's own accumulators. */
export interface WindowsMessage {
  pass: 'locres-windows';
  job: Omit<WindowJob, 'h1' | 'h2' | 'p1' | 'p2' | 'sum'> & {
    h1: SharedArrayBuffer;
    h2: SharedArrayBuffer;
    p1: SharedArrayBuffer | null;
    p2: SharedArrayBuffer | null;
    sum: SharedArrayBuffer;
  };
  acc: {
    locresSum: SharedArrayBuffer;
    weightSum: SharedArrayBuffer;
    filtered: SharedArrayBuffer;
    resolutionA: SharedArrayBuffer;
  };
  from: number;
  to: number;
  control: SharedArrayBuffer;
  slot: number;
}

function runWindows(m: WindowsMessage): void {
  const f = (b: SharedArrayBuffer): Float32Array => new Float32Array(b);
  const job: WindowJob = {
    ...m.job,
    h1: f(m.job.h1),
    h2: f(m.job.h2),
    p1: m.job.p1 ? f(m.job.p1) : null,
    p2: m.job.p2 ? f(m.job.p2) : null,
    sum: f(m.job.sum),
  };
  processWindows(
    job,
    {
      locresSum: f(m.acc.locresSum),
      weightSum: f(m.acc.weightSum),
      filtered: f(m.acc.filtered),
      resolutionA: new Float64Array(m.acc.resolutionA),
    },
    m.from,
    m.to,
  );
}

/** A whole job for one worker (the anisotropy noise floor); the result goes to a shared Float64Array. */
export interface NoiseFloorMessage {
  pass: 'noise-floor';
  job: NoiseFloorJob;
  result: SharedArrayBuffer;
  control: SharedArrayBuffer;
  slot: number;
}

function runNoiseFloor(m: NoiseFloorMessage): void {
  const r = runNoiseFloorJob(m.job);
  new Float64Array(m.result).set([r.mean, r.low, r.replicates]);
}

/** One pool message, run on this worker's share; completion is signalled in the control slot. */
export function handlePoolMessage(m: PassMessage | WindowsMessage | NoiseFloorMessage): void {
  if (m.pass === 'noise-floor' || m.pass === 'locres-windows') {
    const ctrl = new Int32Array(m.control);
    try {
      if (m.pass === 'noise-floor') runNoiseFloor(m);
      else runWindows(m);
      Atomics.store(ctrl, m.slot, 1);
    } catch {
      Atomics.store(ctrl, m.slot, 2);
    }
    Atomics.notify(ctrl, m.slot);
    return;
  }
  const [nx, ny, nz] = m.dims;
  const spec: Spectrum = {
    nx,
    ny,
    nz,
    nxh: Math.floor(nx / 2) + 1,
    data: m.spectrumFloat32 ? new Float32Array(m.spectrum) : new Float64Array(m.spectrum),
  };
  const n = nx * ny * nz;
  const ctrl = new Int32Array(m.control);
  try {
    if (m.pass === 'forward-planes')
      forwardPlanes(
        m.realFloat64 ? new Float64Array(m.real!, m.realOffset, n) : new Float32Array(m.real!, m.realOffset, n),
        spec,
        m.from,
        m.to,
        m.mask ? new Float32Array(m.mask.buffer, m.mask.offset, n) : null,
        m.simd,
      );
    else if (m.pass === 'inverse-planes')
      inversePlanes(spec, new Float32Array(m.real!, m.realOffset, n), m.from, m.to, m.simd);
    else if (m.pass === 'apply-phases') {
      applyPhases(spec, m.phases!, m.from, m.to);
    } else zPass(spec, m.from, m.to, m.pass === 'z-forward' ? -1 : 1, m.simd);
    Atomics.store(ctrl, m.slot, 1);
  } catch {
    Atomics.store(ctrl, m.slot, 2);
  }
  Atomics.notify(ctrl, m.slot);
}
