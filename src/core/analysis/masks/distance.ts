/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): separable lower envelopes
 * of parabolas along x, y, z. O(voxels), so extending a mask and adding a soft edge cost the same
 * whatever their width (relion_mask_create loops over a neighbourhood per voxel).
 */
export function squaredDistanceToInside(inside: Uint8Array, nx: number, ny: number, nz: number): Float64Array {
  const INF = 1e20;
  const d = new Float64Array(inside.length);
  for (let i = 0; i < inside.length; i++) d[i] = inside[i] ? 0 : INF;
  const maxN = Math.max(nx, ny, nz);
  const f = new Float64Array(maxN);
  const out = new Float64Array(maxN);
  const v = new Int32Array(maxN);
  const zc = new Float64Array(maxN + 1);
  const pass = (n: number, stride: number, starts: Iterable<number>): void => {
    for (const s of starts) {
      for (let i = 0; i < n; i++) f[i] = d[s + i * stride]!;
      envelope(f, n, out, v, zc);
      for (let i = 0; i < n; i++) d[s + i * stride] = out[i]!;
    }
  };
  pass(nx, 1, range(ny * nz, (k) => k * nx));
  pass(ny, nx, range(nx * nz, (k) => (k % nx) + Math.floor(k / nx) * nx * ny));
  pass(nz, nx * ny, range(nx * ny, (k) => k));
  return d;
}

function* range(n: number, f: (k: number) => number): Generator<number> {
  for (let k = 0; k < n; k++) yield f(k);
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
