/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): separable lower envelopes
 * of parabolas along x, y, z. O(voxels), so extending a mask and adding a soft edge cost the same
 * whatever their width (relion_mask_create loops over a neighbourhood per voxel).
 *
 * With `maxDistance`, distances at or beyond it come out as 1e20: after each pass the values that
 * far are dropped, which never changes a nearer distance (its minimising point's partial sums are
 * all smaller), and the lines left with nothing nearer are skipped by the next pass.
 */
export function squaredDistanceToInside(
  inside: Uint8Array,
  nx: number,
  ny: number,
  nz: number,
  maxDistance = Infinity,
): Float32Array {
  const INF = 1e20;
  const cap = Math.min(INF, maxDistance * maxDistance);
  // Float32 holds squared integer distances exactly (< 2^24) at half the memory traffic.
  const d = new Float32Array(inside.length);
  // Pass 1 (x) on the binary input needs no parabolas: the distance to the nearest inside voxel
  // of the row, from one sweep each way.
  for (let row = 0; row < ny * nz; row++) xRow(inside, d, row * nx, nx, cap, INF);
  const maxN = Math.max(nx, ny, nz);
  const f = new Float64Array(maxN);
  const out = new Float64Array(maxN);
  const v = new Int32Array(maxN);
  const zc = new Float64Array(maxN + 1);
  // One line of n samples at stride `stride` from `s`; lines with nothing inside stay at INF.
  const line = (s: number, n: number, stride: number): void => {
    let any = false;
    for (let i = 0, p = s; i < n; i++, p += stride) {
      const x = d[p]!;
      f[i] = x;
      if (x < INF) any = true;
    }
    if (!any) return;
    envelope(f, n, out, v, zc);
    for (let i = 0, p = s; i < n; i++, p += stride) d[p] = out[i]! <= cap ? out[i]! : INF;
  };
  for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) line(x + z * nx * ny, ny, nx);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) line(x + y * nx, nz, nx * ny);
  return d;
}

/** Squared distance along one row to its nearest inside voxel (inf beyond `cap`, or with none inside). */
function xRow(inside: Uint8Array, d: Float32Array, s: number, n: number, cap: number, inf: number): void {
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (inside[s + i]) last = i;
    const dist = last < 0 ? inf : (i - last) * (i - last);
    d[s + i] = dist <= cap ? dist : inf;
  }
  if (last < 0) return;
  let next = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (inside[s + i]) next = i;
    if (next >= 0) {
      const dist = (next - i) * (next - i);
      if (dist < d[s + i]! && dist <= cap) d[s + i] = dist;
    }
  }
}

/** 1D squared distance transform of sampled function f (lower envelope of parabolas). */
function envelope(f: Float64Array, n: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s: number;
    for (;;) {
      const p = v[k]!;
      s = (f[q]! + q * q - (f[p]! + p * p)) / (2 * q - 2 * p);
      if (s <= z[k]! && k > 0) k--;
      else break;
    }
    if (s <= z[k]!) {
      // k == 0 and the new parabola is lower everywhere to the left.
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    out[q] = (q - p) * (q - p) + f[p]!;
  }
}
