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
  for (let z = 0; z < nz - 1; z++)
    for (let y = 0; y < ny - 1; y++)
      for (let x = 0; x < nx - 1; x++) {
        let inside = 0;
        for (let c = 0; c < 8; c++) {
          const [dx, dy, dz] = CUBE[c]!;
          v[c] = f[x + dx + nx * (y + dy + ny * (z + dz))]! - level;
          if (v[c]! >= 0) inside++;
          p[3 * c] = x + dx;
          p[3 * c + 1] = y + dy;
          p[3 * c + 2] = z + dz;
        }
        if (inside === 0 || inside === 8) continue;
        for (const t of TETS) {
          pts.length = 0;
          for (let i = 0; i < 4; i++)
            for (let j = i + 1; j < 4; j++) {
              const a = t[i]!,
                b = t[j]!;
              if (v[a]! >= 0 !== v[b]! >= 0) {
                const s = v[a]! / (v[a]! - v[b]!);
                pts.push([
                  p[3 * a]! + s * (p[3 * b]! - p[3 * a]!),
                  p[3 * a + 1]! + s * (p[3 * b + 1]! - p[3 * a + 1]!),
                  p[3 * a + 2]! + s * (p[3 * b + 2]! - p[3 * a + 2]!),
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
  let src = f;
  for (const [n, stride, lines] of [
    [nx, 1, ny * nz],
    [ny, nx, nx * nz],
    [nz, nx * ny, nx * ny],
  ] as const) {
    const dst = new Float32Array(src.length);
    for (let l = 0; l < lines; l++) {
      const base = stride === 1 ? l * nx : stride === nx ? (l % nx) + Math.floor(l / nx) * nx * ny : l;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = -r; j <= r; j++) {
          const q = i + j;
          if (q >= 0 && q < n) acc += k[j + r]! * src[base + q * stride]!;
        }
        dst[base + i * stride] = acc;
      }
    }
    src = dst;
  }
  return src;
}
