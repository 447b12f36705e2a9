import { gaussianBlur, isoSurfaceArea } from './surface.js';

/**
 * 3DFSC v3: voxels in order of distance from the centre are 1 when ≥ threshold and their neighbour
 * closest to the centre is 1 (shells inside the high-pass are 1); then pad, blur σ = 1, iso-surface
 * at 0.5: Ψ = π^⅓ (6V)^⅔ / A, V = voxels of the blurred volume ≥ 0.5.
 */
export function sphericityOf(fsc3d: Float32Array, n: number, threshold: number, highPassShell: number): number {
  const c = n / 2;
  // Only voxels at or above the threshold, or inside the high-pass, can become 1: work in the cube about
  // the centre that holds them all (the 0.5 shell of a map seldom reaches Nyquist). Outside it everything is
  // 0 before and after the blur (4σ from any 1), so the volume and the surface are those of the whole box.
  const h = Math.min(Math.ceil(c), reach(fsc3d, n, c, threshold, highPassShell));
  const lo = Math.max(0, Math.floor(c) - h),
    hi = Math.min(n - 1, Math.ceil(c) + h);
  const w = hi - lo + 1;
  const crop = new Float32Array(w * w * w);
  for (let z = 0; z < w; z++)
    for (let y = 0; y < w; y++) {
      const from = lo + n * (y + lo + n * (z + lo));
      crop.set(fsc3d.subarray(from, from + w), w * (y + w * z));
    }
  const bin = binarise(crop, w, c - lo, threshold, highPassShell);
  const m = w + 12;
  const padded = new Float32Array(m * m * m);
  for (let z = 0; z < w; z++)
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) padded[x + 6 + m * (y + 6 + m * (z + 6))] = bin[x + w * (y + w * z)]!;
  const blurred = gaussianBlur(padded, m, m, m, 1);
  const area = isoSurfaceArea(blurred, m, m, m, 0.5);
  let volume = 0;
  for (const v of blurred) if (v >= 0.5) volume++;
  return area > 0 ? (Math.cbrt(Math.PI) * Math.pow(6 * volume, 2 / 3)) / area : 0;
}

/** The largest Chebyshev distance from the centre of a voxel that may become 1 (at least the high-pass). */
function reach(fsc3d: Float32Array, n: number, c: number, threshold: number, highPassShell: number): number {
  let r = highPassShell + 1;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++) {
      const row = n * (y + n * z);
      const dyz = Math.max(Math.abs(y - c), Math.abs(z - c));
      for (let x = 0; x < n; x++) if (fsc3d[row + x]! >= threshold) r = Math.max(r, dyz, Math.abs(x - c));
    }
  return Math.ceil(r) + 1;
}

/**
 * 3DFSC's binarisation on an n³ box with centre c: by increasing distance from the centre, a voxel is 1
 * when ≥ threshold and its neighbour closest to the centre is 1 (inside the high-pass, always 1).
 */
function binarise(fsc3d: Float32Array, n: number, c: number, threshold: number, highPassShell: number): Uint8Array {
  // The neighbour closest to the centre is one step towards it on every axis where the voxel is
  // off-centre (for integer offsets this is unique), so processing by increasing L1 distance from
  // the centre always visits it first.
  const order = byL1(n, c);
  const mem = Float32Array.from(fsc3d);
  const bin = new Uint8Array(n * n * n);
  const n2 = n * n;
  const hp2 = highPassShell * highPassShell;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const iz = (i / n2) | 0,
      iy = ((i - iz * n2) / n) | 0;
    const ux = i - iz * n2 - iy * n - c,
      uy = iy - c,
      uz = iz - c;
    if (ux * ux + uy * uy + uz * uz < hp2) {
      bin[i] = 1;
      mem[i] = 1;
      continue;
    }
    if (mem[i]! < threshold) {
      mem[i] = 0;
      continue;
    }
    const j = i - Math.sign(ux) - n * Math.sign(uy) - n2 * Math.sign(uz);
    if (mem[j]! >= threshold) bin[i] = 1;
    else mem[i] = 0;
  }
  return bin;
}

/** Voxel indices by increasing |x − c| + |y − c| + |z − c| (counting sort). */
function byL1(n: number, c: number): Int32Array {
  const d = Int32Array.from({ length: n }, (_, i) => Math.abs(i - c));
  const max = 3 * n;
  const start = new Int32Array(max + 2);
  const total = n * n * n;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) start[d[x]! + d[y]! + d[z]! + 1]!++;
  for (let b = 0; b <= max; b++) start[b + 1]! += start[b]!;
  const order = new Int32Array(total);
  let i = 0;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++, i++) order[start[d[x]! + d[y]! + d[z]!]!++] = i;
  return order;
}
