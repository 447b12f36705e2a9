import type { MicrographPicks } from '../../io/processing/picks.js';
import { median, pearson } from '../../util/stats.js';

/**
 * Two pickers compared micrograph by micrograph: picks paired by an optimal assignment on squared distance,
 * a pair kept only when closer than the match radius (as Topaz's match_coordinates), then precision / recall
 * of one against the other and the Jaccard index TP / (TP + FP + FN). Two pickers centre the same particle within
 * about a quarter of its diameter (the match radius used here); half the diameter would also pair neighbours in a
 * crowded micrograph. The agreement two unrelated pick sets of the same densities would reach by chance is
 * reported beside it.
 */
export const MATCH_RADIUS_OF_DIAMETER = 0.25;

export interface PickerComparison {
  a: string;
  b: string;
  micrographs: number;
  picksA: number;
  picksB: number;
  matched: number;
  /** matched / picks of A: how much of A the other picker also finds. */
  fractionOfAFoundByB: number;
  fractionOfBFoundByA: number;
  jaccard: number;
  /** The Jaccard index two independent, uniformly scattered pick sets of these densities would reach. */
  chanceJaccard: number;
  radiusPx: number;
  perMicrograph: { micrograph: string; picksA: number; picksB: number; matched: number }[];
}

/** Minimum-cost assignment of rows to columns (rows ≤ columns), Kuhn–Munkres with potentials; cost row-major. */
export function assign(cost: Float64Array, rows: number, cols: number): Int32Array {
  // Shortest augmenting paths over a dense matrix, O(rows²·cols); u, v are the dual potentials.
  const INF = Infinity;
  const u = new Float64Array(rows + 1),
    v = new Float64Array(cols + 1);
  const owner = new Int32Array(cols + 1); // row (1-based) assigned to each column; 0 = free
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let r = 1; r <= rows; r++) {
    owner[0] = r;
    let c0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[c0] = 1;
      const r0 = owner[c0]!;
      let delta = INF,
        c1 = 0;
      for (let c = 1; c <= cols; c++) {
        if (used[c]) continue;
        const cur = cost[(r0 - 1) * cols + (c - 1)]! - u[r0]! - v[c]!;
        if (cur < minv[c]!) {
          minv[c] = cur;
          way[c] = c0;
        }
        if (minv[c]! < delta) {
          delta = minv[c]!;
          c1 = c;
        }
      }
      for (let c = 0; c <= cols; c++) {
        if (used[c]) {
          u[owner[c]!] = u[owner[c]!]! + delta;
          v[c] = v[c]! - delta;
        } else minv[c] = minv[c]! - delta;
      }
      c0 = c1;
    } while (owner[c0] !== 0);
    do {
      const c1 = way[c0]!;
      owner[c0] = owner[c1]!;
      c0 = c1;
    } while (c0);
  }
  const match = new Int32Array(rows).fill(-1);
  for (let c = 1; c <= cols; c++) if (owner[c]) match[owner[c]! - 1] = c - 1;
  return match;
}

/**
 * Pairs of picks closer than the radius, from the optimal assignment. With pairs beyond the radius costing the
 * same as no pair, the assignment splits into the connected groups of picks within the radius of each other
 * (the optimum maximises Σ(r² − d²) over close pairs); each group is solved on its own, so a micrograph with
 * thousands of picks costs what its small clusters cost, not the cube of its pick count.
 */
export function matchPicks(ax: number[], ay: number[], bx: number[], by: number[], radiusPx: number): number {
  if (!ax.length || !bx.length) return 0;
  const r2 = radiusPx * radiusPx;
  const na = ax.length;
  // Union–find over a (a picks, then b picks), joined by every close a–b pair found through a grid of cells r wide.
  const parent = Int32Array.from({ length: na + bx.length }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const cell = (x: number, y: number): string => `${Math.floor(x / radiusPx)},${Math.floor(y / radiusPx)}`;
  const grid = new Map<string, number[]>();
  bx.forEach((x, j) => {
    const k = cell(x, by[j]!);
    const list = grid.get(k);
    if (list) list.push(j);
    else grid.set(k, [j]);
  });
  const close: [number, number][] = [];
  for (let i = 0; i < na; i++) {
    const cx = Math.floor(ax[i]! / radiusPx),
      cy = Math.floor(ay[i]! / radiusPx);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const j of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          if ((ax[i]! - bx[j]!) ** 2 + (ay[i]! - by[j]!) ** 2 >= r2) continue;
          close.push([i, j]);
          parent[find(i)] = find(na + j);
        }
  }
  const groups = new Map<number, { a: number[]; b: number[] }>();
  const group = (root: number): { a: number[]; b: number[] } => {
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { a: [], b: [] }));
    return g;
  };
  const seenA = new Set<number>(),
    seenB = new Set<number>();
  for (const [i, j] of close) {
    const g = group(find(i));
    if (!seenA.has(i)) {
      seenA.add(i);
      g.a.push(i);
    }
    if (!seenB.has(j)) {
      seenB.add(j);
      g.b.push(j);
    }
  }
  let matched = 0;
  for (const { a, b } of groups.values()) {
    const flip = a.length > b.length;
    const [rows, cols] = flip ? [b, a] : [a, b];
    const d2 = (r: number, c: number): number =>
      flip ? (ax[c]! - bx[r]!) ** 2 + (ay[c]! - by[r]!) ** 2 : (ax[r]! - bx[c]!) ** 2 + (ay[r]! - by[c]!) ** 2;
    const cost = new Float64Array(rows.length * cols.length);
    rows.forEach((r, i) => cols.forEach((c, j) => (cost[i * cols.length + j] = Math.min(r2, d2(r, c)))));
    const m = assign(cost, rows.length, cols.length);
    m.forEach((j, i) => {
      if (j >= 0 && cost[i * cols.length + j]! < r2) matched++;
    });
  }
  return matched;
}

export function comparePickers(
  a: { name: string; picks: MicrographPicks[] },
  b: { name: string; picks: MicrographPicks[] },
  radiusPx: number,
): PickerComparison | null {
  const bMap = new Map(b.picks.map((p) => [p.micrograph, p]));
  const rows: PickerComparison['perMicrograph'] = [];
  for (const pa of a.picks) {
    const pb = bMap.get(pa.micrograph);
    if (!pb) continue;
    rows.push({
      micrograph: pa.micrograph,
      picksA: pa.xPx.length,
      picksB: pb.xPx.length,
      matched: matchPicks(pa.xPx, pa.yPx, pb.xPx, pb.yPx, radiusPx),
    });
  }
  if (!rows.length) return null;
  const sum = (f: (r: (typeof rows)[number]) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const [na, nb, tp] = [sum((r) => r.picksA), sum((r) => r.picksB), sum((r) => r.matched)];
  // Chance pairs: each pick of the sparser set finds one of the other within the radius with probability
  // 1 − exp(−ρ·π·r²), ρ the other set's density over the micrograph's extent (from the picks themselves).
  let chanceTp = 0;
  for (const pa of a.picks) {
    const pb = bMap.get(pa.micrograph);
    if (!pb || !pa.xPx.length || !pb.xPx.length) continue;
    const area = Math.max(1, Math.max(...pa.xPx, ...pb.xPx) * Math.max(...pa.yPx, ...pb.yPx));
    const [few, many] =
      pa.xPx.length <= pb.xPx.length ? [pa.xPx.length, pb.xPx.length] : [pb.xPx.length, pa.xPx.length];
    chanceTp += few * (1 - Math.exp((-many / area) * Math.PI * radiusPx * radiusPx));
  }
  return {
    a: a.name,
    b: b.name,
    micrographs: rows.length,
    picksA: na,
    picksB: nb,
    matched: tp,
    fractionOfAFoundByB: na ? tp / na : 0,
    fractionOfBFoundByA: nb ? tp / nb : 0,
    jaccard: na + nb - tp > 0 ? tp / (na + nb - tp) : 0,
    chanceJaccard: na + nb - chanceTp > 0 ? chanceTp / (na + nb - chanceTp) : 0,
    radiusPx,
    perMicrograph: rows,
  };
}

/** Picks per micrograph against a property of the micrograph (defocus, CTF fit, ice): Pearson's r. */
export function countCorrelation(
  picks: MicrographPicks[],
  property: Map<string, number>,
): { r: number; micrographs: number } | null {
  const xs: number[] = [],
    ys: number[] = [];
  for (const p of picks) {
    const v = property.get(p.micrograph);
    if (v === undefined || !Number.isFinite(v)) continue;
    xs.push(p.xPx.length);
    ys.push(v);
  }
  return xs.length >= 8 ? { r: pearson(xs, ys), micrographs: xs.length } : null;
}

export function medianPicks(picks: MicrographPicks[]): number {
  return median(picks.map((p) => p.xPx.length));
}

export interface PickingReading {
  /** Particle diameter the match radius comes from (Å), and the radius in micrograph pixels. */
  diameterA: number | null;
  radiusPx: number;
  pickers: { name: string; micrographs: number; picks: number; medianPerMicrograph: number }[];
  comparison: PickerComparison | null;
  /**
   * Per picker, on the micrographs it covers: the fraction of the final refinement's particles it found, and the
   * fraction of its picks that survived into the final refinement.
   */
  survival: { picker: string; fractionOfFinal: number; fractionSurvived: number; micrographs: number }[];
  /** Picks per micrograph (the picker covering the most micrographs) against each micrograph's CTF. */
  countCorrelations: { picker: string; property: CountProperty; r: number; micrographs: number }[];
  /** The picker the final particles came from (it found ≥ 90 % of them), when the survival says so. */
  usedPicker: string | null;
  /** Of the other picker's picks, the fraction the used picker did not find (objects it may be blind to). */
  missedByUsed: number | null;
}

/** A picker that found this share of the final particles is where they came from. */
export const USED_PICKER_MIN_FRACTION = 0.9;

export type CountProperty = 'defocus' | 'CTF fit resolution' | 'ice thickness';

export function readPicking(
  pickers: { name: string; picks: MicrographPicks[] }[],
  opts: {
    radiusPx: number;
    diameterA: number | null;
    final?: MicrographPicks[] | null;
    properties?: Partial<Record<CountProperty, Map<string, number>>>;
  },
): PickingReading {
  const [a, b] = pickers;
  const comparison = a && b ? comparePickers(a, b, opts.radiusPx) : null;
  const survival = opts.final?.length
    ? pickers.flatMap((p) => {
        const c = comparePickers({ name: 'final', picks: opts.final! }, p, opts.radiusPx);
        return c
          ? [
              {
                picker: p.name,
                fractionOfFinal: c.fractionOfAFoundByB,
                fractionSurvived: c.fractionOfBFoundByA,
                micrographs: c.micrographs,
              },
            ]
          : [];
      })
    : [];
  // The picker that covers the most micrographs says most about counts against defocus.
  const widest = [...pickers].sort((x, y) => y.picks.length - x.picks.length)[0];
  const countCorrelations = widest
    ? (Object.entries(opts.properties ?? {}) as [CountProperty, Map<string, number>][]).flatMap(([property, m]) => {
        const c = countCorrelation(widest.picks, m);
        return c ? [{ picker: widest.name, property, ...c }] : [];
      })
    : [];
  const used = [...survival].sort((x, y) => y.fractionOfFinal - x.fractionOfFinal)[0];
  const usedPicker = used && used.fractionOfFinal >= USED_PICKER_MIN_FRACTION ? used.picker : null;
  let missedByUsed: number | null = null;
  if (usedPicker && comparison)
    missedByUsed = 1 - (comparison.a === usedPicker ? comparison.fractionOfBFoundByA : comparison.fractionOfAFoundByB);
  return {
    usedPicker,
    missedByUsed,
    diameterA: opts.diameterA,
    radiusPx: opts.radiusPx,
    pickers: pickers.map((p) => ({
      name: p.name,
      micrographs: p.picks.length,
      picks: p.picks.reduce((s, m) => s + m.xPx.length, 0),
      medianPerMicrograph: medianPicks(p.picks),
    })),
    comparison,
    survival,
    countCorrelations,
  };
}
