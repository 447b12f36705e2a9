import type { SimdKernels } from '../../fourier/simd.js';
import { pearsonFromSums } from '../../util/stats.js';
import type { Annulus } from './fit-model.js';

/**
 * The fit's score sums on the WebAssembly kernels (wasm/ctf.ts). An annulus is scored hundreds of times
 * per fit: it is copied into the kernels' memory once, into one slot reused by the next annulus (so
 * that a run of thousands of fits does not grow the memory).
 */
interface Slot {
  kernels: SimdKernels;
  owner: Annulus | null;
  ptr: number;
  capacity: number;
}

let slot: Slot | null = null;

function resident(k: SimdKernels, s: Annulus): number {
  const n = s.k2.length;
  // k² (f64), offset, cos 2α, sin 2α, value (f32), then the six sums.
  const bytes = 8 * n + 16 * n + 48 + 64;
  if (!slot || slot.kernels !== k || slot.capacity < bytes) {
    const capacity = Math.max(bytes, 2 * (slot?.kernels === k ? slot.capacity : 0));
    slot = { kernels: k, owner: null, ptr: k.alloc(capacity, true), capacity };
  }
  if (slot.owner !== s) {
    const base = slot.ptr;
    k.f64(base, n).set(s.k2);
    k.f32(base + 8 * n, n).set(s.offset);
    k.f32(base + 12 * n, n).set(s.cos2);
    k.f32(base + 16 * n, n).set(s.sin2);
    k.f32(base + 20 * n, n).set(s.value);
    slot.owner = s;
  }
  return slot.ptr;
}

/** correlation() of fit-model.ts on the kernels: the sums over every stride-th sample, then Pearson's r. */
export function simdCorrelation(
  k: SimdKernels,
  s: Annulus,
  stride: number,
  mean: number,
  hx: number,
  hy: number,
  twoA: number,
  twoAB: number,
  twoPhase: number,
): number {
  const base = resident(k, s);
  const n = s.k2.length;
  const out = base + 24 * n + 48 - ((24 * n + 48) % 16);
  const [o1, o2, o3, o4] = [base + 8 * n, base + 12 * n, base + 16 * n, base + 20 * n];
  k.exports.ctfScoreSums(base, o1, o2, o3, o4, n, stride, mean, hx, hy, twoA, twoAB, twoPhase, out);
  // Σd, Σm, Σd², Σm², Σd·m, count
  const r = k.f64(out, 6);
  return pearsonFromSums(r[5]!, r[0]!, r[1]!, r[2]!, r[3]!, r[4]!);
}
