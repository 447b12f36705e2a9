import { forEachBlock } from './blocks.js';
/**
 * Pearson's correlation coefficient, from the five running sums (n, Σa, Σb, Σa², Σb², Σab) so that hot loops can
 * fuse it with computing one of the two series. 0 when either series is constant (no correlation to report).
 */
export function pearsonFromSums(n: number, sa: number, sb: number, saa: number, sbb: number, sab: number): number {
  if (n <= 0) return 0;
  const cov = sab - (sa * sb) / n,
    va = saa - (sa * sa) / n,
    vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** Pearson's r of a[lo..hi] against b[lo..hi] (inclusive; the whole arrays by default). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, lo = 0, hi = a.length - 1): number {
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = lo; i <= hi; i++) {
    const x = a[i]!,
      y = b[i]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return pearsonFromSums(hi - lo + 1, sa, sb, saa, sbb, sab);
}

/** The median of finite values (NaN when there are none). */
export function median(values: ArrayLike<number>): number {
  const v = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/**
 * Robust outliers above the bulk: values beyond median + k·1.4826·MAD (k = 3 by default); 1.4826·MAD estimates the
 * standard deviation of normally distributed data (Rousseeuw & Croux 1993).
 */
export function upperOutliers(values: ArrayLike<number>, k = 3): { limit: number; indices: number[] } {
  const m = median(values);
  const mad = median(Array.from(values, (x) => Math.abs(x - m)));
  // A flat set (MAD 0) has no outliers to speak of unless values differ at all.
  const limit = m + k * 1.4826 * (mad > 0 ? mad : Math.abs(m) * 0.05);
  const indices: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! > limit) indices.push(i);
  return { limit, indices };
}

/** Sarle's bimodality coefficient (g² + 1) / (κ + 3(n−1)²/((n−2)(n−3))): above 5/9 suggests two modes. */
export function bimodalityCoefficient(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 4) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let m2 = 0,
    m3 = 0,
    m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (m2 === 0) return NaN;
  // Sample skewness and excess kurtosis with the usual small-sample corrections (SAS / Sarle).
  const g = (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
  const k = ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * (m4 / (m2 * m2) - 3) + 6);
  return (g * g + 1) / (k + (3 * (n - 1) ** 2) / ((n - 2) * (n - 3)));
}

/**
 * What one pass over a map's values finds: how many are NaN or infinite (and the first), and the range of the finite
 * ones. The MRC reader makes it while the data are fresh in cache; whoever checks the map afterwards (app/maps) reads
 * it instead of scanning again.
 */
export interface ValueScan {
  nonFinite: number;
  /** Index of the first non-finite value, −1 without one. */
  firstNonFinite: number;
  /** Lowest and highest finite value (±Infinity when there is none). */
  min: number;
  max: number;
}

export function scanValues(data: ArrayLike<number>): ValueScan {
  // [Σ x·0 (NaN exactly when some x is not finite), min, max], in blocks (see forEachBlock).
  const acc = Float64Array.of(0, Infinity, -Infinity);
  forEachBlock(data.length, (from, to) => scanBlock(data, from, to, acc));
  if (acc[0] === 0) return { nonFinite: 0, firstNonFinite: -1, min: acc[1]!, max: acc[2]! };
  // Damaged data only: counted, and the range taken over the finite values alone.
  let nonFinite = 0,
    first = -1,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      if (first < 0) first = i;
    } else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { nonFinite, firstNonFinite: first, min, max };
}

function scanBlock(data: ArrayLike<number>, from: number, to: number, acc: Float64Array): void {
  let probe = 0,
    lo = acc[1]!,
    hi = acc[2]!;
  for (let i = from; i < to; i++) {
    const v = data[i]!;
    probe += v * 0;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  acc[0]! += probe;
  acc[1] = lo;
  acc[2] = hi;
}

/**
 * Number of NaN or infinite values. The common case (none) is one multiply-add per value in four
 * independent sums (x·0 is NaN exactly when x is not finite), in blocks (see forEachBlock); only then
 * are they counted.
 */
export function countNonFinite(data: ArrayLike<number>): { count: number; first: number } {
  let probe = 0;
  forEachBlock(data.length, (from, to) => (probe += nonFiniteProbe(data, from, to)));
  if (probe === 0) return { count: 0, first: -1 };
  let count = 0,
    first = -1;
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i]!)) {
      count++;
      if (first < 0) first = i;
    }
  return { count, first };
}

/** Σ x·0 over [from, to): 0 when every value is finite, NaN otherwise. */
function nonFiniteProbe(data: ArrayLike<number>, from: number, to: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const n4 = from + ((to - from) & ~3);
  for (let i = from; i < n4; i += 4) {
    s0 += data[i]! * 0;
    s1 += data[i + 1]! * 0;
    s2 += data[i + 2]! * 0;
    s3 += data[i + 3]! * 0;
  }
  for (let i = n4; i < to; i++) s0 += data[i]! * 0;
  return s0 + s1 + s2 + s3;
}

/**
 * The q-quantile (nearest rank) in O(n): a histogram narrows the rank to one of 65536 bins, and
 * only that bin's values are sorted. Sorting 16 M voxels took seconds; this takes tens of ms.
 */
export function quantile(values: Float32Array, q: number): number {
  return quantiles(values, [q])[0]!;
}

/** Several quantiles as quantile() gives them, from one range, one histogram and one collecting pass. */
export function quantiles(values: Float32Array, qs: readonly number[]): number[] {
  // Each pass in blocks (see forEachBlock).
  const [lo, hi] = valueRange(values);
  if (!(hi > lo)) return qs.map(() => lo);
  const bins = 65536;
  const scale = (bins - 1) / (hi - lo);
  const hist = new Uint32Array(bins);
  forEachBlock(values.length, (from, to) => histogram(values, from, to, lo, scale, hist));
  // Each quantile's bin and its rank within it; values of every distinct bin gathered in one pass.
  const wanted = qs.map((q) => {
    const rank = Math.min(values.length - 1, Math.floor(q * values.length));
    let bin = 0,
      below = 0;
    while (below + hist[bin]! <= rank) below += hist[bin++]!;
    return { bin, rank: rank - below };
  });
  const targets = Int32Array.from(new Set(wanted.map((w) => w.bin)));
  const outs = Array.from(targets, (b) => new Float32Array(hist[b]!));
  const fill = new Int32Array(targets.length);
  forEachBlock(values.length, (from, to) => collectBins(values, from, to, lo, scale, targets, outs, fill));
  for (const o of outs) o.sort();
  return wanted.map((w) => outs[targets.indexOf(w.bin)]![w.rank]!);
}

/** Lowest and highest value (of finite data), in blocks as quantile's passes. */
export function valueRange(values: Float32Array): [number, number] {
  const range = Float64Array.of(Infinity, -Infinity);
  forEachBlock(values.length, (from, to) => rangeOf(values, from, to, range));
  return [range[0]!, range[1]!];
}

function rangeOf(values: Float32Array, from: number, to: number, range: Float64Array): void {
  let lo = range[0]!,
    hi = range[1]!;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  range[0] = lo;
  range[1] = hi;
}

function histogram(values: Float32Array, from: number, to: number, lo: number, scale: number, hist: Uint32Array): void {
  for (let i = from; i < to; i++) hist[Math.floor((values[i]! - lo) * scale)]!++;
}

function collectBins(
  values: Float32Array,
  from: number,
  to: number,
  lo: number,
  scale: number,
  targets: Int32Array,
  outs: Float32Array[],
  fill: Int32Array,
): void {
  for (let i = from; i < to; i++) {
    const b = Math.floor((values[i]! - lo) * scale);
    for (let j = 0; j < targets.length; j++)
      if (b === targets[j]) {
        outs[j]![fill[j]!++] = values[i]!;
        break;
      }
  }
}
