import type { Atom } from '../../io/structure.js';
import { voxelOf, type Volume } from '../../model/volume.js';
import { pearson } from '../../util/stats.js';

/**
 * Q-score (Pintilie et al. 2020, Nat Methods 17:328): how well the map around an atom looks like a Gaussian of
 * σ = 0.6 Å on it. The map is sampled on shells 0–2 Å in 0.1 Å steps (N = 8 points each, on a Fibonacci sphere,
 * keeping only points nearer this atom than any other), beside the reference A·exp(−r²/2σ²) + B with A = mean + 10 SD
 * and B = mean − 1 SD of the map; Q is the correlation of the two about their means. A residue's Q is its atoms'
 * mean. Expected for protein at resolution d: Q ≈ −0.1775·d + 1.1192.
 */
export const QSCORE = { sigmaA: 0.6, maxRadiusA: 2, stepA: 0.1, points: 8 };

export function expectedQ(resolutionA: number): number {
  return -0.1775 * resolutionA + 1.1192;
}

function fibonacciSphere(n: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const y = 1 - (2 * (i + 0.5)) / n;
    const r = Math.sqrt(1 - y * y);
    out.push([Math.cos(golden * i) * r, y, Math.sin(golden * i) * r]);
  }
  return out;
}

/** Trilinear interpolation of a map at a position in Å (the map's frame); NaN outside. */
export function sampleMap(map: Volume, px: number, x: number, y: number, z: number): number {
  const g = voxelOf(map, px, x, y, z);
  const i0 = g.map(Math.floor);
  const f = g.map((c, i) => c - i0[i]!);
  if (i0.some((c, i) => c < 0 || c + 1 >= [map.nx, map.ny, map.nz][i]!)) return NaN;
  let v = 0;
  for (let dz = 0; dz < 2; dz++)
    for (let dy = 0; dy < 2; dy++)
      for (let dx = 0; dx < 2; dx++) {
        const w = (dx ? f[0]! : 1 - f[0]!) * (dy ? f[1]! : 1 - f[1]!) * (dz ? f[2]! : 1 - f[2]!);
        v += w * map.data[((i0[2]! + dz) * map.ny + i0[1]! + dy) * map.nx + i0[0]! + dx]!;
      }
  return v;
}

/** Q per atom (NaN where the atom is outside the map). */
export function qScores(map: Volume, px: number, atoms: Atom[]): Float64Array {
  let mean = 0;
  for (let i = 0; i < map.data.length; i++) mean += map.data[i]!;
  mean /= map.data.length;
  let v = 0;
  for (let i = 0; i < map.data.length; i++) v += (map.data[i]! - mean) ** 2;
  const sd = Math.sqrt(v / map.data.length);
  const A = mean + 10 * sd,
    B = mean - sd;
  // Atoms in cells of 2 Å for the nearest-atom test.
  const cell = QSCORE.maxRadiusA;
  const key = (x: number, y: number, z: number): string =>
    `${Math.floor(x / cell)},${Math.floor(y / cell)},${Math.floor(z / cell)}`;
  const grid = new Map<string, number[]>();
  atoms.forEach((a, i) => {
    const k = key(a.xA, a.yA, a.zA);
    const l = grid.get(k);
    if (l) l.push(i);
    else grid.set(k, [i]);
  });
  const sphere = fibonacciSphere(QSCORE.points * 4);
  const out = new Float64Array(atoms.length);
  const u: number[] = [],
    ref: number[] = [];
  atoms.forEach((a, ai) => {
    u.length = 0;
    ref.length = 0;
    const near: number[] = [];
    const [cx, cy, cz] = [a.xA, a.yA, a.zA].map((c) => Math.floor(c / cell));
    for (let dz = -2; dz <= 2; dz++)
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) near.push(...(grid.get(`${cx! + dx},${cy! + dy},${cz! + dz}`) ?? []));
    for (let r = 0; r <= QSCORE.maxRadiusA + 1e-9; r += QSCORE.stepA) {
      const refV = A * Math.exp(-(r * r) / (2 * QSCORE.sigmaA * QSCORE.sigmaA)) + B;
      let found = 0;
      for (const [sx, sy, sz] of r === 0 ? [[0, 0, 0] as [number, number, number]] : sphere) {
        if (found >= QSCORE.points) break;
        const p = [a.xA + r * sx, a.yA + r * sy, a.zA + r * sz];
        // Only points nearer this atom than any other (Pintilie's rule keeps shells from overlapping neighbours).
        const mine = r * r;
        if (
          near.some(
            (j) =>
              j !== ai &&
              (atoms[j]!.xA - p[0]!) ** 2 + (atoms[j]!.yA - p[1]!) ** 2 + (atoms[j]!.zA - p[2]!) ** 2 < mine,
          )
        )
          continue;
        const m = sampleMap(map, px, p[0]!, p[1]!, p[2]!);
        if (!Number.isFinite(m)) continue;
        const copies = r === 0 ? QSCORE.points : 1;
        for (let c = 0; c < copies; c++) {
          u.push(m);
          ref.push(refV);
        }
        found += copies;
      }
    }
    out[ai] = u.length >= 3 ? pearson(u, ref) : NaN;
  });
  return out;
}
