import {
  processWindows,
  type WindowAccumulators,
  type WindowJob,
  type WindowThreads,
} from '../analysis/locres/locres.js';
import { forwardPlanes, inversePlanes, zPass, type FftThreads, type Spectrum } from '../fourier/rfft3d.js';
import { applyPhases, type PhaseTask, type PhaseThreads } from '../analysis/fsc/randomize.js';
import type { Codec } from '../io/compression.js';
import type { Compute } from './compute.js';
import type { NoiseFloorMessage, PassMessage, WindowsMessage } from './pool-worker.js';
import type { NoiseFloor, NoiseFloorJob } from '../analysis/anisotropy/noise-floor.js';

/** Control slots 0 … 31 belong to the workers' passes; whole-job tasks use this one. */
const TASK_SLOT = 32;

/**
 * Threads over shared memory for the 3D FFT and the local-resolution windows: each pass is split
 * into equal ranges, the calling thread takes the first range itself and then waits (Atomics.wait)
 * for the workers' ranges, so the core API stays synchronous. Isomorphic: the workers are Node
 * worker_threads (CLI) or Web Workers (the browser app, when cross-origin isolated); each runs
 * handlePoolMessage (pool-worker.ts). A front end hands `pool.compute()` to the jobs it runs; whatever is not
 * handed one runs on its own thread.
 */
export interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

export class SharedMemoryPool implements FftThreads, PhaseThreads, WindowThreads {
  private readonly control = new SharedArrayBuffer(4 * 64);

  constructor(private readonly workers: PoolWorker[]) {}

  get threads(): number {
    return this.workers.length + 1;
  }

  allocate(length: number): Float64Array {
    return new Float64Array(new SharedArrayBuffer(8 * length));
  }

  allocateFloat32(length: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(4 * length));
  }

  forward(data: Float32Array | Float64Array, spec: Spectrum, mask: Float32Array | null, simd: boolean): boolean {
    if (!(spec.data.buffer instanceof SharedArrayBuffer)) return false;
    const real = data.buffer instanceof SharedArrayBuffer ? data : copyShared(data);
    const m = mask && !(mask.buffer instanceof SharedArrayBuffer) ? (copyShared(mask) as Float32Array) : mask;
    const extra = m ? { mask: { buffer: m.buffer as SharedArrayBuffer, offset: m.byteOffset } } : {};
    const fwd = (a: number, b: number): void => forwardPlanes(real, spec, a, b, m, simd);
    this.runPass('forward-planes', spec, real, spec.nz, fwd, { ...extra, simd });
    this.runPass('z-forward', spec, null, spec.ny, (a, b) => zPass(spec, a, b, -1, simd), { simd });
    return true;
  }

  inverse(spec: Spectrum, out: Float32Array, simd: boolean): boolean {
    if (!(spec.data.buffer instanceof SharedArrayBuffer) || !(out.buffer instanceof SharedArrayBuffer)) return false;
    this.runPass('z-inverse', spec, null, spec.ny, (a, b) => zPass(spec, a, b, 1, simd), { simd });
    this.runPass('inverse-planes', spec, out, spec.nz, (a, b) => inversePlanes(spec, out, a, b, simd), { simd });
    return true;
  }

  applyPhases(spec: Spectrum, task: PhaseTask): boolean {
    if (!(spec.data.buffer instanceof SharedArrayBuffer)) return false;
    const draw = (a: number, b: number): void => applyPhases(spec, task, a, b);
    this.runPass('apply-phases', spec, null, spec.nz, draw, { phases: task, simd: true });
    return true;
  }

  private runPass(
    pass: PassMessage['pass'],
    spec: Spectrum,
    real: Float32Array | Float64Array | null,
    extent: number,
    own: (from: number, to: number) => void,
    extra: Pick<PassMessage, 'phases' | 'mask' | 'simd'>,
  ): void {
    const ctrl = new Int32Array(this.control);
    const t = this.threads;
    const cut = (k: number): number => Math.round((k * extent) / t);
    this.workers.forEach((w, i) => {
      Atomics.store(ctrl, i, 0);
      const msg: PassMessage = {
        pass,
        dims: [spec.nx, spec.ny, spec.nz],
        real: real ? (real.buffer as SharedArrayBuffer) : null,
        realOffset: real ? real.byteOffset : 0,
        realFloat64: real instanceof Float64Array,
        spectrum: spec.data.buffer as SharedArrayBuffer,
        spectrumFloat32: spec.data instanceof Float32Array,
        from: cut(i + 1),
        to: cut(i + 2),
        control: this.control,
        slot: i,
        ...extra,
      };
      w.postMessage(msg);
    });
    own(0, cut(1));
    this.workers.forEach((_, i) => {
      while (Atomics.load(ctrl, i) === 0) Atomics.wait(ctrl, i, 0, 60_000);
      if (Atomics.load(ctrl, i) === 2) throw new Error(`FFT worker ${i} failed in ${pass}`);
    });
  }

  /** Local-resolution windows split over the threads, each into its own accumulators, then summed. */
  run(job: WindowJob, acc: WindowAccumulators): boolean {
    const shared = (a: Float32Array): Float32Array =>
      a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength
        ? a
        : (copyShared(a) as Float32Array);
    const h1 = shared(job.h1),
      h2 = shared(job.h2),
      sum = shared(job.sum);
    const p1 = job.p1 ? shared(job.p1) : null,
      p2 = job.p2 ? shared(job.p2) : null;
    const voxels = acc.locresSum.length;
    const t = this.threads;
    const cut = (k: number): number => Math.round((k * job.points.length) / t);
    const ctrl = new Int32Array(this.control);
    const own: {
      locresSum: SharedArrayBuffer;
      weightSum: SharedArrayBuffer;
      filtered: SharedArrayBuffer;
      resolutionA: SharedArrayBuffer;
    }[] = [];
    this.workers.forEach((w, i) => {
      Atomics.store(ctrl, i, 0);
      const a = {
        locresSum: new SharedArrayBuffer(4 * voxels),
        weightSum: new SharedArrayBuffer(4 * voxels),
        filtered: new SharedArrayBuffer(4 * voxels),
        resolutionA: new SharedArrayBuffer(8 * job.points.length),
      };
      own.push(a);
      const msg: WindowsMessage = {
        pass: 'locres-windows',
        job: {
          ...job,
          h1: h1.buffer as SharedArrayBuffer,
          h2: h2.buffer as SharedArrayBuffer,
          p1: p1 ? (p1.buffer as SharedArrayBuffer) : null,
          p2: p2 ? (p2.buffer as SharedArrayBuffer) : null,
          sum: sum.buffer as SharedArrayBuffer,
        },
        acc: a,
        from: cut(i + 1),
        to: cut(i + 2),
        control: this.control,
        slot: i,
      };
      w.postMessage(msg);
    });
    processWindows(job, acc, 0, cut(1));
    this.workers.forEach((_, i) => {
      while (Atomics.load(ctrl, i) === 0) Atomics.wait(ctrl, i, 0, 60_000);
      if (Atomics.load(ctrl, i) === 2) throw new Error(`worker ${i} failed on local-resolution windows`);
      const a = own[i]!;
      addInto(acc.locresSum, new Float32Array(a.locresSum));
      addInto(acc.weightSum, new Float32Array(a.weightSum));
      addInto(acc.filtered, new Float32Array(a.filtered));
      const r = new Float64Array(a.resolutionA);
      for (let k = cut(i + 1); k < cut(i + 2); k++) acc.resolutionA[k] = r[k]!;
    });
    return true;
  }

  /** The anisotropy noise floor on the last worker, in a control slot of its own; the join waits for it. */
  noiseFloor(job: NoiseFloorJob): (() => NoiseFloor) | null {
    const w = this.workers[this.workers.length - 1];
    if (!w) return null;
    const ctrl = new Int32Array(this.control);
    const slot = TASK_SLOT;
    Atomics.store(ctrl, slot, 0);
    const result = new SharedArrayBuffer(3 * 8);
    const msg: NoiseFloorMessage = { pass: 'noise-floor', job, result, control: this.control, slot };
    w.postMessage(msg);
    return () => {
      while (Atomics.load(ctrl, slot) === 0) Atomics.wait(ctrl, slot, 0, 60_000);
      if (Atomics.load(ctrl, slot) === 2) throw new Error('worker failed on the anisotropy noise floor');
      const [mean, low, replicates] = new Float64Array(result);
      return { mean: mean!, low: low!, replicates: replicates! };
    };
  }

  terminate(): void {
    for (const w of this.workers) void w.terminate();
  }

  /** The compute context a front end hands its jobs: these threads, the kernel choice, the zlib to use. */
  compute(simd = true, codec?: Codec): Compute {
    return {
      fft: this,
      phases: this,
      windows: this,
      noiseFloor: (job) => this.noiseFloor(job),
      simd,
      ...(codec ? { codec } : {}),
    };
  }
}

function addInto(target: Float32Array, add: Float32Array): void {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + add[i]!;
}

function copyShared(data: Float32Array | Float64Array): Float32Array | Float64Array {
  const out =
    data instanceof Float64Array
      ? new Float64Array(new SharedArrayBuffer(8 * data.length))
      : new Float32Array(new SharedArrayBuffer(4 * data.length));
  out.set(data);
  return out;
}
