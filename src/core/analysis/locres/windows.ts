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
  const o = b / 2;
  let i = 0;
  for (let z = 0; z < b; z++) {
    const mz = p.z - o + z;
    for (let y = 0; y < b; y++) {
      const my = p.y - o + y;
      const inside = mz >= 0 && mz < n && my >= 0 && my < n;
      const row = (mz * n + my) * n;
      for (let x = 0; x < b; x++, i++) {
        const mx = p.x - o + x;
        out[i] = inside && mx >= 0 && mx < n ? window[i]! * map[row + mx]! : 0;
      }
    }
  }
}

/** Adds weight·values (a b³ box around p) into a full map, skipping voxels outside it. */
export function addWindow(
  target: Float32Array,
  n: number,
  p: SamplePoint,
  values: Float32Array | null,
  constant: number,
  window: Float32Array,
  b: number,
): void {
  const o = b / 2;
  let i = 0;
  for (let z = 0; z < b; z++) {
    const mz = p.z - o + z;
    for (let y = 0; y < b; y++) {
      const my = p.y - o + y;
      if (mz < 0 || mz >= n || my < 0 || my >= n) {
        i += b;
        continue;
      }
      const row = (mz * n + my) * n;
      for (let x = 0; x < b; x++, i++) {
        const mx = p.x - o + x;
        if (mx >= 0 && mx < n && window[i]! > 0)
          target[row + mx] = target[row + mx]! + window[i]! * (values ? values[i]! : constant);
      }
    }
  }
}
