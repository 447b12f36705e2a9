import { raisedCosine } from '../masks/masks.js';

/**
 * Sample points and soft spherical windows as RELION's run_locres: points every `step` voxels on a
 * grid starting at the box's first voxel (RELION's Xmipp origin), kept when closer to the centre
 * than n/2 − radius; window 1 inside `radius`, raised cosine to 0 at `radius + edge` (voxels).
 */
export interface SamplePoint {
  /** Voxel indices (0-based) of the window centre. */
  x: number;
  y: number;
  z: number;
}

export function samplePoints(n: number, stepPx: number, radiusPx: number): SamplePoint[] {
  const c = Math.floor(n / 2);
  const maxR = Math.floor(n / 2) - radiusPx;
  const pts: SamplePoint[] = [];
  for (let k = -c; k <= -c + n - 1; k += stepPx)
    for (let i = -c; i <= -c + n - 1; i += stepPx)
      for (let j = -c; j <= -c + n - 1; j += stepPx)
        if (Math.sqrt(k * k + i * i + j * j) < maxR) pts.push({ x: j + c, y: i + c, z: k + c });
  return pts;
}

/** Side of the small cube that holds a window of outer radius r (voxels), FFT-friendly. */
export function windowBox(outerRadiusPx: number, n: number): number {
  let b = 2 * Math.ceil(outerRadiusPx) + 2;
  if (b % 2) b++;
  while (!isSmooth(b)) b += 2;
  return Math.min(b, n);
}

function isSmooth(v: number): boolean {
  for (const p of [2, 3, 5]) while (v % p === 0) v /= p;
  return v === 1;
}

/** Window values on a b³ grid centred at b/2 (the point), RELION's raisedCosineMask. */
export function windowValues(b: number, radiusPx: number, edgePx: number): Float32Array {
  const w = new Float32Array(b * b * b);
  const c = b / 2;
  let i = 0;
  for (let z = 0; z < b; z++)
    for (let y = 0; y < b; y++)
      for (let x = 0; x < b; x++, i++)
        w[i] = raisedCosine(Math.sqrt((x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2) - radiusPx, edgePx);
  return w;
}

/**
 * For each row (z, y) of a b³ window, the x range [start, end) where it is non-zero: a sphere with a
 * soft edge, so one contiguous run per row; cutting and adding windows then skip the empty corners.
 */
const rowsOf = new WeakMap<Float32Array, Int32Array>();

function windowRows(window: Float32Array, b: number): Int32Array {
  const cached = rowsOf.get(window);
  if (cached) return cached;
  const rows = new Int32Array(2 * b * b);
  for (let r = 0; r < b * b; r++) {
    let start = b,
      end = 0;
    for (let x = 0; x < b; x++)
      if (window[r * b + x]! > 0) {
        if (start === b) start = x;
        end = x + 1;
      }
    rows[2 * r] = Math.min(start, end);
    rows[2 * r + 1] = end;
  }
  rowsOf.set(window, rows);
  return rows;
}

/**
 * Calls `run(i, m, x0, x1)` for each row of the window around p that lies in the map: window
 * indices i + x and map indices m + x for x0 ≤ x < x1, the row's non-zero run clipped to the map.
 */
function forEachRun(
  n: number,
  p: SamplePoint,
  window: Float32Array,
  b: number,
  run: (i: number, m: number, x0: number, x1: number) => void,
): void {
  const o = b / 2;
  const rows = windowRows(window, b);
  const dx = p.x - o;
  for (let z = 0; z < b; z++) {
    const mz = p.z - o + z;
    if (mz < 0 || mz >= n) continue;
    for (let y = 0; y < b; y++) {
      const my = p.y - o + y;
      if (my < 0 || my >= n) continue;
      const r = z * b + y;
      run(r * b, (mz * n + my) * n + dx, Math.max(rows[2 * r]!, -dx), Math.min(rows[2 * r + 1]!, n - dx));
    }
  }
}

/**
 * out = window × map cut out around point p (box b, point at b/2); voxels outside the map are 0
 * (RELION's full-box window does not wrap either).
 */
export function cutWindow(
  map: Float32Array,
  n: number,
  p: SamplePoint,
  window: Float32Array,
  b: number,
  out: Float32Array,
): void {
  out.fill(0);
  forEachRun(n, p, window, b, (i, m, x0, x1) => {
    for (let x = x0; x < x1; x++) out[i + x] = window[i + x]! * map[m + x]!;
  });
}

/**
 * One window's contributions at point p: weight into weightSum, weight / resolution into
 * locresSum, weight · filtered into filtered (the blended maps), in one pass over the window.
 */
export function addWindowContributions(
  acc: { locresSum: Float32Array; weightSum: Float32Array; filtered: Float32Array },
  n: number,
  p: SamplePoint,
  window: Float32Array,
  b: number,
  invResolution: number,
  filtered: Float32Array,
): void {
  const { locresSum, weightSum, filtered: blend } = acc;
  forEachRun(n, p, window, b, (i, m, x0, x1) => {
    for (let x = x0; x < x1; x++) {
      const w = window[i + x]!;
      locresSum[m + x] = locresSum[m + x]! + w * invResolution;
      weightSum[m + x] = weightSum[m + x]! + w;
      blend[m + x] = blend[m + x]! + w * filtered[i + x]!;
    }
  });
}
