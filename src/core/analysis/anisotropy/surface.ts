/**
 * Iso-surface area of a sampled field by marching tetrahedra (each voxel cube split into six
 * tetrahedra along its main diagonal; the surface in each is a triangle or a quad by linear
 * interpolation). Used for 3DFSC's sphericity, where the field is a σ = 1 blurred binary volume.
 */
const CUBE: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [1, 0, 0],
  [1, 1, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 0, 1],
  [1, 1, 1],
  [0, 1, 1],
];
// Six tetrahedra sharing the diagonal 0–6.
const TETS = [
  [0, 5, 1, 6],
  [0, 1, 2, 6],
  [0, 2, 3, 6],
  [0, 3, 7, 6],
  [0, 7, 4, 6],
  [0, 4, 5, 6],
];

export function isoSurfaceArea(f: Float32Array, nx: number, ny: number, nz: number, level: number): number {
  let area = 0;
  const v = new Float64Array(8);
  const p = new Float64Array(24);
  const pts: number[][] = [];
  // Corner c of the cube at index i is at i + offset[c].
  const offset = CUBE.map(([dx, dy, dz]) => dx + nx * (dy + ny * dz));
  for (let z = 0; z < nz - 1; z++)
    for (let y = 0; y < ny - 1; y++) {
      const row = nx * (y + ny * z);
      for (let x = 0; x < nx - 1; x++) {
        const i = row + x;
        // Most cubes lie wholly on one side: decide that from the eight values before any geometry.
        let inside = 0;
        for (let c = 0; c < 8; c++) if (f[i + offset[c]!]! >= level) inside++;
        if (inside === 0 || inside === 8) continue;
        for (let c = 0; c < 8; c++) {
          const [dx, dy, dz] = CUBE[c]!;
          v[c] = f[i + offset[c]!]! - level;
          p[3 * c] = x + dx;
          p[3 * c + 1] = y + dy;
          p[3 * c + 2] = z + dz;
        }
        for (const t of TETS) {
          pts.length = 0;
          for (let a = 0; a < 4; a++)
            for (let b = a + 1; b < 4; b++) {
              const ca = t[a]!,
                cb = t[b]!;
              if (v[ca]! >= 0 !== v[cb]! >= 0) {
                const s = v[ca]! / (v[ca]! - v[cb]!);
                pts.push([
                  p[3 * ca]! + s * (p[3 * cb]! - p[3 * ca]!),
                  p[3 * ca + 1]! + s * (p[3 * cb + 1]! - p[3 * ca + 1]!),
                  p[3 * ca + 2]! + s * (p[3 * cb + 2]! - p[3 * ca + 2]!),
                ]);
              }
            }
          if (pts.length === 3) area += triangle(pts[0]!, pts[1]!, pts[2]!);
          else if (pts.length === 4) {
            // Crossing edges (0,2),(0,3),(1,2),(1,3) in this order form the quad 0-1-3-2.
            area += triangle(pts[0]!, pts[1]!, pts[3]!) + triangle(pts[0]!, pts[3]!, pts[2]!);
          }
        }
      }
    }
  return area;
}

function triangle(a: number[], b: number[], c: number[]): number {
  const ux = b[0]! - a[0]!,
    uy = b[1]! - a[1]!,
    uz = b[2]! - a[2]!;
  const vx = c[0]! - a[0]!,
    vy = c[1]! - a[1]!,
    vz = c[2]! - a[2]!;
  return 0.5 * Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
}

/**
 * Separable Gaussian blur (σ in voxels, truncated at 4σ, zero outside), as scipy's gaussian_filter on a padded
 * volume.
 */
export function gaussianBlur(f: Float32Array, nx: number, ny: number, nz: number, sigma: number): Float32Array {
  const r = Math.ceil(4 * sigma);
  const k = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  const a = new Float32Array(f.length);
  const b = new Float32Array(f.length);
  // x: along each row. y and z: whole rows at once (out row += weight · in row), so the inner loop
  // is contiguous; the taps that fall outside the box are skipped (zero outside).
  for (let row = 0; row < ny * nz; row++) {
    const o = row * nx;
    for (let j = -r; j <= r; j++) {
      const w = k[j + r]!;
      const x0 = Math.max(0, -j),
        x1 = Math.min(nx, nx - j);
      for (let x = x0; x < x1; x++) a[o + x] = a[o + x]! + w * f[o + x + j]!;
    }
  }
  blurRows(a, b, nx, ny, nz, nx, ny, k, r);
  a.fill(0);
  blurRows(b, a, nx * ny, nz, 1, nx * ny, nz, k, r);
  return a;
}

/** out[line i] = Σ_j k_j · in[line i + j] over `count` lines of nx values `stride` apart, in `blocks` blocks. */
function blurRows(
  src: Float32Array,
  dst: Float32Array,
  nx: number,
  count: number,
  blocks: number,
  stride: number,
  n: number,
  k: Float64Array,
  r: number,
): void {
  const blockSize = count * stride;
  for (let blk = 0; blk < blocks; blk++) {
    const base = blk * blockSize;
    for (let i = 0; i < n; i++) {
      const out = base + i * stride;
      const lo = Math.max(-r, -i),
        hi = Math.min(r, n - 1 - i);
      for (let j = lo; j <= hi; j++) {
        const w = k[j + r]!;
        const from = base + (i + j) * stride;
        for (let x = 0; x < nx; x++) dst[out + x] = dst[out + x]! + w * src[from + x]!;
      }
    }
  }
}
