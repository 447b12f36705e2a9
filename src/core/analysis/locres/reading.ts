import type { Warning } from '../../errors.js';
import { quantile } from '../../util/stats.js';

/**
 * Reading a local-resolution map as evidence (seed 000, reason 1b): distribution within the mask,
 * agreement with the global FSC, the gradient from the particle's centre outwards (core vs
 * periphery) and the connected regions that are markedly worse than the rest.
 */
export interface LocresRegion {
  voxels: number;
  volumeA3: number;
  /** Centroid in Å from the box centre (x, y, z). */
  centroidA: [number, number, number];
  medianA: number;
}

export interface LocresReading {
  globalResolutionA: number | null;
  medianA: number;
  percentilesA: { p5: number; p50: number; p95: number };
  histogram: { binStartA: number[]; counts: number[] };
  /** Median in the inner half of the masked voxels by distance from the centroid, and in the outer quarter. */
  coreA: number;
  peripheryA: number;
  radialProfile: { distanceA: number; medianA: number; voxels: number }[];
  /** Connected parts of the mask and their median local resolution. */
  maskRegions: LocresRegion[];
  /** Connected groups of voxels ≥ 25 % worse than the median (at least 1 % of the mask). */
  regions: LocresRegion[];
  warnings: Warning[];
}

export function readLocres(
  locres: Float32Array,
  n: number,
  pixelSizeA: number,
  mask: Float32Array | null,
  globalResolutionA: number | null,
): LocresReading {
  const inside = new Uint8Array(locres.length);
  let count = 0;
  for (let i = 0; i < locres.length; i++)
    if (locres[i]! > 0 && (mask ? mask[i]! > 0.5 : true)) {
      inside[i] = 1;
      count++;
    }
  if (count === 0) throw new RangeError('no sampled voxel lies inside the mask');
  const values = new Float32Array(count);
  let k = 0;
  let cx = 0,
    cy = 0,
    cz = 0;
  for (let i = 0; i < locres.length; i++)
    if (inside[i]) {
      values[k++] = locres[i]!;
      cx += i % n;
      cy += Math.floor(i / n) % n;
      cz += Math.floor(i / (n * n));
    }
  cx /= count;
  cy /= count;
  cz /= count;
  const p = (q: number): number => quantile(values, q);
  const medianA = p(0.5);
  const dist = new Float32Array(count);
  k = 0;
  for (let i = 0; i < locres.length; i++)
    if (inside[i]) dist[k++] = Math.hypot((i % n) - cx, (Math.floor(i / n) % n) - cy, Math.floor(i / (n * n)) - cz);
  const rHalf = quantile(dist, 0.5),
    rOuter = quantile(dist, 0.75);
  const core: number[] = [],
    periphery: number[] = [];
  for (let j = 0; j < count; j++) {
    if (dist[j]! <= rHalf) core.push(values[j]!);
    else if (dist[j]! >= rOuter) periphery.push(values[j]!);
  }
  const med = (a: number[]): number => quantile(Float32Array.from(a), 0.5);
  const reading: LocresReading = {
    globalResolutionA,
    medianA,
    percentilesA: { p5: p(0.05), p50: medianA, p95: p(0.95) },
    histogram: histogram(values),
    coreA: med(core),
    peripheryA: med(periphery),
    radialProfile: radialProfile(values, dist, pixelSizeA),
    maskRegions: components(inside, n, locres, pixelSizeA, 1),
    regions: components(
      markedlyWorse(locres, inside, medianA),
      n,
      locres,
      pixelSizeA,
      Math.max(1, Math.round(0.01 * count)),
    ),
    warnings: [],
  };
  if (globalResolutionA !== null && Math.abs(medianA - globalResolutionA) > 0.15 * globalResolutionA) {
    reading.warnings.push({
      code: 'locres-median-vs-global',
      message:
        `the median local resolution (${medianA.toFixed(2)} Å) differs from the global FSC resolution ` +
        `(${globalResolutionA.toFixed(2)} Å) by more than 15 %: ` +
        (medianA > globalResolutionA
          ? 'much of the masked volume is worse than the best parts that drive the global FSC ' +
            '(flexible or disordered regions, or a loose mask)'
          : 'the global FSC is held back by a few poor regions or by the mask'),
    });
  }
  if (reading.peripheryA > 1.25 * reading.coreA) {
    reading.warnings.push({
      code: 'locres-gradient',
      message:
        `local resolution falls from ${reading.coreA.toFixed(1)} Å in the core to ` +
        `${reading.peripheryA.toFixed(1)} Å at the periphery: the signature of conformational heterogeneity or ` +
        `flexible domains (seed 000, reason 1b); try multi-body refinement, 3D variability or focused classification`,
    });
  }
  return reading;
}

function histogram(values: Float32Array): { binStartA: number[]; counts: number[] } {
  const lo = quantile(values, 0),
    hi = quantile(values, 1);
  const bins = 20;
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return { binStartA: counts.map((_, i) => lo + i * width), counts };
}

function radialProfile(values: Float32Array, dist: Float32Array, px: number): LocresReading['radialProfile'] {
  const rMax = quantile(dist, 1);
  const bins = 8;
  const groups: number[][] = Array.from({ length: bins }, () => []);
  for (let j = 0; j < values.length; j++)
    groups[Math.min(bins - 1, Math.floor((dist[j]! / (rMax || 1)) * bins))]!.push(values[j]!);
  return groups.flatMap((g, i) =>
    g.length
      ? [{ distanceA: ((i + 0.5) * rMax * px) / bins, medianA: quantile(Float32Array.from(g), 0.5), voxels: g.length }]
      : [],
  );
}

function markedlyWorse(locres: Float32Array, inside: Uint8Array, medianA: number): Uint8Array {
  const out = new Uint8Array(inside.length);
  for (let i = 0; i < inside.length; i++) if (inside[i] && locres[i]! >= 1.25 * medianA) out[i] = 1;
  return out;
}

/** 6-connected components of `set` with at least `minVoxels`, largest first. */
function components(set: Uint8Array, n: number, locres: Float32Array, px: number, minVoxels: number): LocresRegion[] {
  const label = new Int32Array(set.length);
  const stack = new Int32Array(set.length);
  const out: LocresRegion[] = [];
  let next = 1;
  for (let s = 0; s < set.length; s++) {
    if (!set[s] || label[s]) continue;
    let top = 0;
    stack[top++] = s;
    label[s] = next;
    const vals: number[] = [];
    let sx = 0,
      sy = 0,
      sz = 0;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % n,
        y = Math.floor(i / n) % n,
        z = Math.floor(i / (n * n));
      vals.push(locres[i]!);
      sx += x;
      sy += y;
      sz += z;
      const nb = [
        x > 0 ? i - 1 : -1,
        x < n - 1 ? i + 1 : -1,
        y > 0 ? i - n : -1,
        y < n - 1 ? i + n : -1,
        z > 0 ? i - n * n : -1,
        z < n - 1 ? i + n * n : -1,
      ];
      for (const j of nb)
        if (j >= 0 && set[j] && !label[j]) {
          label[j] = next;
          stack[top++] = j;
        }
    }
    next++;
    if (vals.length < minVoxels) continue;
    const c = Math.floor(n / 2);
    out.push({
      voxels: vals.length,
      volumeA3: vals.length * px ** 3,
      centroidA: [(sx / vals.length - c) * px, (sy / vals.length - c) * px, (sz / vals.length - c) * px],
      medianA: quantile(Float32Array.from(vals), 0.5),
    });
  }
  return out.sort((a, b) => b.voxels - a.voxels);
}
