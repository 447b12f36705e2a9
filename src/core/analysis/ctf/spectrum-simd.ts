import type { SimdKernels } from '../../fourier/simd.js';
import type { Annulus } from './fit-model.js';
import type { SamplePasses, SpectrumGrid } from './spectrum.js';

/**
 * The CTF fit's passes over every spectrum sample on the WebAssembly kernels (wasm/spectrum.ts). The
 * kernels are compiled with the module, where TypeScript passes run their first calls unoptimised and
 * are then compiled on the worker's own thread: a worker fits only a few micrographs, and this warm-up
 * was most of their time. Same arithmetic, same bits (spectrum.test.ts compares both).
 */
interface GridPointers {
  radius: number;
  bin: number;
  used: number;
  cos2: number;
  sin2: number;
}

/** Each box's grid, copied into the kernels' memory once (a run fits one or two box sizes). */
const resident = new WeakMap<SimdKernels, Map<number, GridPointers>>();

function gridPointers(k: SimdKernels, grid: SpectrumGrid): GridPointers {
  let byBox = resident.get(k);
  if (!byBox) resident.set(k, (byBox = new Map()));
  let p = byBox.get(grid.box);
  if (!p) {
    const n = grid.radius.length;
    p = {
      radius: k.alloc(4 * n, true),
      cos2: k.alloc(4 * n, true),
      sin2: k.alloc(4 * n, true),
      bin: k.alloc(2 * n, true),
      used: k.alloc(n, true),
    };
    const buffer = k.exports.memory.buffer;
    k.f32(p.radius, n).set(grid.radius);
    k.f32(p.cos2, n).set(grid.cos2);
    k.f32(p.sin2, n).set(grid.sin2);
    new Uint16Array(buffer, p.bin, n).set(grid.bin);
    new Uint8Array(buffer, p.used, n).set(grid.used);
    byBox.set(grid.box, p);
  }
  return p;
}

/**
 * The caller's sums copied into the kernels' memory, the kernel adding to them, copied back (as the TypeScript
 * passes add to them).
 */
function adding(k: SimdKernels, run: () => void, ...pairs: [number, Float64Array][]): void {
  for (const [ptr, a] of pairs) k.f64(ptr, a.length).set(a);
  run();
  for (const [ptr, a] of pairs) a.set(k.f64(ptr, a.length));
}

/** modelSquared() of fit-model.ts (no specimen thickness) on the kernels. */
export function simdModelSquared(
  k: SimdKernels,
  grid: SpectrumGrid,
  scale: number,
  c: { a: number; b: number; phase0: number },
  p: { meanDefocusA: number; astigmatismXA: number; astigmatismYA: number; phaseShiftRad: number },
): Float32Array {
  const g = gridPointers(k, grid);
  const n = grid.radius.length;
  const mark = k.mark();
  const out = k.alloc(4 * n);
  k.exports.ctfModelSquared(
    g.radius,
    g.cos2,
    g.sin2,
    n,
    scale,
    p.meanDefocusA,
    p.astigmatismXA,
    p.astigmatismYA,
    c.a,
    c.b,
    c.phase0,
    p.phaseShiftRad,
    out,
  );
  const result = k.f32(out, n).slice();
  k.release(mark);
  return result;
}

/** One normalisation's sample passes with its arrays in the kernels' memory until release(). */
export function simdSamplePasses(
  k: SimdKernels,
  amplitude: Float32Array,
  grid: SpectrumGrid,
  model?: Float32Array,
): SamplePasses {
  const g = gridPointers(k, grid);
  const n = grid.radius.length,
    bins = Math.floor(grid.box / 2) + 1;
  const mark = k.mark();
  const amp = k.alloc(4 * n),
    mod = model ? k.alloc(4 * n) : 0,
    out = k.alloc(4 * n),
    sums = k.alloc(8 * 14 * (bins + 1)),
    coef = k.alloc(8 * 4 * bins),
    sq = k.alloc(8 * (bins + 1)),
    cnt = k.alloc(8 * (bins + 1)),
    rms = k.alloc(8 * bins);
  // Every allocation is made: views taken from here on stay valid until release.
  k.f32(amp, n).set(amplitude);
  if (model) k.f32(mod, n).set(model);
  k.f32(out, n).fill(0);
  const e = k.exports;
  return {
    regressionSums: (into) =>
      adding(k, () => e.ctfRegressionSums(amp, mod, g.radius, g.bin, g.used, n, sums), [sums, into]),
    subtractBackground: (coefs, sqOut, cntOut) => {
      k.f64(coef, coefs.length).set(coefs);
      adding(
        k,
        () => e.ctfSubtractBackground(amp, g.radius, g.bin, g.used, n, coef, out, sq, cnt),
        [sq, sqOut],
        [cnt, cntOut],
      );
    },
    unexplainedSquares: (coefs, sqOut, cntOut) => {
      k.f64(coef, coefs.length).set(coefs);
      adding(
        k,
        () => e.ctfUnexplainedSquares(out, mod, g.radius, g.bin, g.used, n, coef, sq, cnt),
        [sq, sqOut],
        [cnt, cntOut],
      );
    },
    divideByRms: (values) => {
      k.f64(rms, values.length).set(values);
      e.ctfDivideByRms(out, g.bin, g.used, n, rms);
    },
    values: () => k.f32(out, n).slice(),
    release: () => k.release(mark),
  };
}

/** annulus() of fit-model.ts on the kernels: the parts' samples in [kMin, kMax], gathered in turn. */
export function simdAnnulus(
  k: SimdKernels,
  grid: SpectrumGrid,
  parts: { values: Float32Array; binWeight: Float64Array; offsetA: number }[],
  scale: number,
  kMinInvA: number,
  kMaxInvA: number,
): Annulus {
  const g = gridPointers(k, grid);
  const n = grid.radius.length,
    cap = n * parts.length,
    bins = parts[0]?.binWeight.length ?? 0;
  const mark = k.mark();
  const values = k.alloc(4 * n),
    weight = k.alloc(8 * bins),
    k2 = k.alloc(8 * cap),
    offset = k.alloc(4 * cap),
    cos2 = k.alloc(4 * cap),
    sin2 = k.alloc(4 * cap),
    value = k.alloc(4 * cap);
  let j = 0;
  for (const part of parts) {
    k.f32(values, n).set(part.values);
    k.f64(weight, bins).set(part.binWeight);
    const at = (ptr: number, bytes: number): number => ptr + bytes * j;
    j += k.exports.ctfAnnulus(
      g.radius,
      g.cos2,
      g.sin2,
      g.bin,
      g.used,
      n,
      scale,
      kMinInvA,
      kMaxInvA,
      values,
      weight,
      part.offsetA,
      at(k2, 8),
      at(offset, 4),
      at(cos2, 4),
      at(sin2, 4),
      at(value, 4),
    );
  }
  const out: Annulus = {
    k2: k.f64(k2, j).slice(),
    offset: k.f32(offset, j).slice(),
    cos2: k.f32(cos2, j).slice(),
    sin2: k.f32(sin2, j).slice(),
    value: k.f32(value, j).slice(),
    kernels: k,
  };
  k.release(mark);
  return out;
}

/** accumulateEquiPhase() of fit-quality.ts on the kernels: one part into `data` and `count`. */
export function simdEquiPhase(
  k: SimdKernels,
  grid: SpectrumGrid,
  c: { a: number; b: number },
  p: { meanDefocusA: number; astigmatismXA: number; astigmatismYA: number },
  part: { values: Float32Array; offsetA: number },
  scale: number,
  kMinInvA: number,
  data: Float64Array,
  count: Float64Array,
): void {
  const g = gridPointers(k, grid);
  const n = grid.radius.length,
    bins = data.length;
  const mark = k.mark();
  const values = k.alloc(4 * n),
    sums = k.alloc(8 * bins),
    counts = k.alloc(8 * bins);
  k.f32(values, n).set(part.values);
  adding(
    k,
    () =>
      k.exports.ctfEquiPhase(
        g.radius,
        g.cos2,
        g.sin2,
        g.used,
        n,
        values,
        scale,
        kMinInvA,
        c.a,
        c.b,
        p.meanDefocusA,
        part.offsetA,
        p.astigmatismXA,
        p.astigmatismYA,
        bins,
        sums,
        counts,
      ),
    [sums, data],
    [counts, count],
  );
  k.release(mark);
}
