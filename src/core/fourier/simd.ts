import { bluesteinKernel, factorize, planFft } from './plan.js';
import { SIMD_KERNELS_BASE64 } from './simd-kernels.generated.js';

/**
 * The WebAssembly SIMD kernels (wasm/*.ts, AssemblyScript, float64 in f64x2 lanes) and the linear
 * memory they work in. JavaScript never keeps a view of that memory across a call that may grow
 * it (growing detaches the old views): plans and twiddles are allocated first, then the buffers
 * of one operation, then views are taken for the copies in and out.
 */
interface KernelExports {
  memory: WebAssembly.Memory;
  fft(plan: number, data: number, scratch: number, batch: number, dir: number, tmp: number): void;
  fft32(plan: number, data: number, scratch: number, batch: number, dir: number, tmp: number): void;
  forwardPlane(...args: number[]): void;
  /** Returns where the half spectrum is (dst, or scratch when the column transform ended there). */
  forwardPlane32(...args: number[]): number;
  accumulatePower32(half: number, acc: number, count: number, ny: number, stride: number): void;
  loadTile32(pixels: number, nx: number, x0: number, y0: number, size: number, dst: number): void;
  inversePlane(...args: number[]): void;
  inversePlane32(...args: number[]): void;
  /** Odd nx: returns where the half spectrum is, as forwardPlane32. */
  forwardPlaneOdd32(...args: number[]): number;
  inversePlaneOdd32(...args: number[]): void;
  multiply(a: number, b: number, n: number): void;
  multiply32(a: number, b: number, n: number): void;
  packRows(at: number, stride: number, count: number, rows: number): void;
  unpackRows(at: number, stride: number, count: number, rows: number): void;
  ctfScoreSums(...args: number[]): void;
  ctfModelSquared(...args: number[]): void;
  ctfRegressionSums(...args: number[]): void;
  ctfSubtractBackground(...args: number[]): void;
  ctfUnexplainedSquares(...args: number[]): void;
  ctfDivideByRms(...args: number[]): void;
  /** Returns how many samples it gathered. */
  ctfAnnulus(...args: number[]): number;
  ctfEquiPhase(...args: number[]): void;
}

const ALIGN = 16;
const PAGE = 65536;
/** The AssemblyScript stub runtime keeps nothing in memory; start clear of address 0 anyway. */
const HEAP_START = 1024;
/** Radices done directly: larger prime factors go through Bluestein, as in plan.ts. */
const MAX_DIRECT_RADIX = 31;

export class SimdKernels {
  readonly exports: KernelExports;
  private top = HEAP_START;
  private permanentEnd = HEAP_START;
  private readonly plans = new Map<number, number>();
  private readonly plans32 = new Map<number, number>();
  private readonly realTwiddles = new Map<number, number>();

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as KernelExports;
  }

  /** Bytes from the top of the heap, grown as needed; `permanent` ones survive release(). */
  alloc(bytes: number, permanent = false): number {
    const ptr = this.top;
    this.top = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    const mem = this.exports.memory;
    if (this.top > mem.buffer.byteLength) mem.grow(Math.ceil((this.top - mem.buffer.byteLength) / PAGE));
    if (permanent) this.permanentEnd = this.top;
    return ptr;
  }

  mark(): number {
    return this.top;
  }

  /** Frees what was allocated after `mark`, except plans made since (they stay above it). */
  release(mark: number): void {
    this.top = Math.max(mark, this.permanentEnd);
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, ptr, length);
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, length);
  }

  /**
   * The plan of a length-n complex transform, built once, in the kernels' memory: for fft, or with
   * `single` for fft32 (its twiddles in float32).
   */
  plan(n: number, single = false): number {
    const plans = single ? this.plans32 : this.plans;
    const cached = plans.get(n);
    if (cached !== undefined) return cached;
    const ptr = factorize(n).some((p) => p > MAX_DIRECT_RADIX)
      ? this.bluesteinPlan(n, single)
      : this.stockhamPlan(n, single);
    plans.set(n, ptr);
    return ptr;
  }

  /** Bytes of `tmp` a batch-B transform of length n needs (Bluestein's work arrays, a radix's inputs). */
  tempBytes(n: number, batch: number): number {
    const direct = 3 * ALIGN * (MAX_DIRECT_RADIX + 1);
    const bp = planFft(n).bluestein;
    return bp ? 2 * ALIGN * bp.m * batch + direct : direct;
  }

  /** exp(−2πi·k/n) for k ≤ n/2, the split of real rows of length n (in float32 with `single`). */
  rowTwiddles(n: number, single = false): number {
    const key = single ? -n : n;
    const cached = this.realTwiddles.get(key);
    if (cached !== undefined) return cached;
    const h = n >> 1;
    const values = new Float64Array(2 * (h + 1));
    for (let k = 0; k <= h; k++) {
      values[2 * k] = Math.cos((-2 * Math.PI * k) / n);
      values[2 * k + 1] = Math.sin((-2 * Math.PI * k) / n);
    }
    const ptr = this.store(values, single);
    this.realTwiddles.set(key, ptr);
    return ptr;
  }

  private store(values: Float64Array, single = false): number {
    const ptr = this.alloc((single ? 4 : 8) * values.length, true);
    (single ? this.f32(ptr, values.length) : this.f64(ptr, values.length)).set(values);
    return ptr;
  }

  private words(values: number[]): number {
    const ptr = this.alloc(4 * values.length, true);
    new Int32Array(this.exports.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  private stockhamPlan(n: number, single: boolean): number {
    const factors = simdFactors(n);
    const header = [0, n, factors.length];
    let span = 1;
    for (const radix of factors) {
      const tw = new Float64Array(2 * span * radix);
      for (let k = 0; k < span; k++)
        for (let r = 0; r < radix; r++) {
          const a = (-2 * Math.PI * k * r) / (span * radix);
          tw[2 * (k * radix + r)] = Math.cos(a);
          tw[2 * (k * radix + r) + 1] = Math.sin(a);
        }
      header.push(radix, span, this.store(tw, single), radix > 5 && radix !== 8 ? this.store(roots(radix), single) : 0);
      span *= radix;
    }
    return this.words(header);
  }

  /** Chirp from plan.ts; the kernel spectrum transformed here, by these kernels (in float64 for both). */
  private bluesteinPlan(n: number, single: boolean): number {
    const { m, chirp } = planFft(n).bluestein!;
    const kernel = bluesteinKernel(chirp, n, m);
    const inner64 = this.plan(m);
    const inner = single ? this.plan(m, true) : inner64;
    const chirpPtr = this.store(chirp, single);
    const kernelPtr = this.store(kernel);
    const mark = this.mark();
    const scratch = this.alloc(8 * kernel.length);
    const tmp = this.alloc(this.tempBytes(m, 1));
    this.exports.fft(inner64, kernelPtr, scratch, 1, -1, tmp);
    this.release(mark);
    const spectrum = single ? this.store(this.f64(kernelPtr, kernel.length).slice(), true) : kernelPtr;
    return this.words([1, n, m, inner, chirpPtr, spectrum]);
  }
}

/** Radix 8 where the power of two allows (fewer passes over memory), then as plan.ts factors. */
export function simdFactors(n: number): number[] {
  let twos = 0;
  while (n % 2 === 0) {
    n /= 2;
    twos++;
  }
  const f: number[] = [];
  let eights = Math.floor(twos / 3);
  const rest = twos % 3;
  if (rest === 1 && eights > 0) {
    eights--;
    f.push(4, 4);
  } else if (rest === 1) f.push(2);
  else if (rest === 2) f.push(4);
  for (let i = 0; i < eights; i++) f.unshift(8);
  return n > 1 ? [...f, ...factorize(n)] : f;
}

function roots(r: number): Float64Array {
  const w = new Float64Array(2 * r);
  for (let m = 0; m < r; m++) {
    w[2 * m] = Math.cos((-2 * Math.PI * m) / r);
    w[2 * m + 1] = Math.sin((-2 * Math.PI * m) / r);
  }
  return w;
}

/** undefined: not tried yet; null: this engine has no WebAssembly SIMD. A cache per thread, not a setting. */
let loaded: SimdKernels | null | undefined;
let syncRefused = false;

function bytes(): Uint8Array<ArrayBuffer> {
  const text = atob(SIMD_KERNELS_BASE64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * The kernels, compiled on first use; null when the caller's compute context turns SIMD off (`on` false: the
 * TypeScript kernels run everything) or the engine has none. A browser's main thread refuses to compile a module
 * this size synchronously: there, call prepareSimdKernels() first (until it resolves the TypeScript kernels run).
 */
export function simdKernels(on = true): SimdKernels | null {
  if (!on) return null;
  if (loaded !== undefined) return loaded;
  if (syncRefused) return null;
  const code = bytes();
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(code)) return (loaded = null);
  try {
    loaded = new SimdKernels(new WebAssembly.Instance(new WebAssembly.Module(code)));
  } catch {
    // A browser's main thread: asked once, not on every transform; prepareSimdKernels() still can.
    syncRefused = true;
    return null;
  }
  return loaded;
}

/** Compiles the kernels asynchronously (for a browser's main thread); resolves to whether they run. */
export async function prepareSimdKernels(): Promise<boolean> {
  if (loaded !== undefined) return loaded !== null;
  const code = bytes();
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(code)) {
    loaded = null;
    return false;
  }
  const { instance } = await WebAssembly.instantiate(code);
  loaded = new SimdKernels(instance);
  return true;
}
