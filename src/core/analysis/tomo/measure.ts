import type { TiltRecord } from '../../model/tomo.js';
import { criticalExposureEPerA2 } from './exposure.js';

/**
 * A tilt series measured: acquisition scheme and centre, dose, robust trends along the series, tilt axes compared,
 * and the dose rule as a B-factor. Pure measurement: the judgement is in diagnosis/tomo-triage.ts.
 */

function median(v: number[]): number {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export type Scheme = 'dose-symmetric' | 'bidirectional' | 'unidirectional' | 'other' | 'unknown';

export interface SchemeResult {
  scheme: Scheme;
  /** Where the acquisition started (dose-symmetric, bidirectional), else the middle of the range. */
  centreDeg: number | undefined;
  /** How the order was known. */
  orderFrom: string | undefined;
}

/** Acquisition rank of each tilt: from pre-exposure, else the sources' acquisition order; undefined if unknown. */
export function acquisitionOrder(tilts: TiltRecord[]): { rank: number[]; from: string } | undefined {
  const pre = tilts.map((t) => t.preExposureEPerA2);
  const distinct = new Set(pre.filter((p) => p !== undefined)).size;
  const rankOf = (v: number[]): number[] => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
    const r = new Array<number>(v.length);
    idx.forEach((i, k) => (r[i] = k));
    return r;
  };
  if (pre.every((p) => p !== undefined) && distinct >= Math.max(3, 0.8 * tilts.length))
    return { rank: rankOf(pre as number[]), from: 'pre-exposure' };
  const acq = tilts.map((t) => t.acquisitionRank);
  if (acq.every((a) => a !== undefined)) return { rank: rankOf(acq as number[]), from: 'acquisition order' };
  return undefined;
}

export function classifyScheme(tilts: TiltRecord[]): SchemeResult {
  const known = tilts.filter((t) => t.tiltDeg !== undefined);
  const angles = known.map((t) => t.tiltDeg!);
  const mid = angles.length ? (Math.min(...angles) + Math.max(...angles)) / 2 : undefined;
  // Tilts a program dropped (dark frames) may have no place in the order: the order of the others.
  const ordered = known.filter(
    (t) => !(t.excluded && t.preExposureEPerA2 === undefined && t.acquisitionRank === undefined),
  );
  const order =
    ordered.length === tilts.length || ordered.length >= 0.8 * tilts.length ? acquisitionOrder(ordered) : undefined;
  if (!order || ordered.length < 4) return { scheme: 'unknown', centreDeg: mid, orderFrom: undefined };
  const seq = ordered
    .map((t, i) => [order.rank[i]!, t.tiltDeg!] as const)
    .sort((a, b) => a[0] - b[0])
    .map((x) => x[1]);
  const d = seq.slice(1).map((v, i) => v - seq[i]!);
  const step = median(d.map(Math.abs).filter((x) => x > 0.1));
  const tol = 0.25 * (Number.isFinite(step) ? step : 1);
  const up = d.every((x) => x > -tol),
    down = d.every((x) => x < tol);
  if (up || down) return { scheme: 'unidirectional', centreDeg: mid, orderFrom: order.from };
  const start = seq[0]!;
  // Dose-symmetric: the distance from the start never falls by more than a step, and the sides alternate.
  const dist = seq.map((v) => Math.abs(v - start));
  const falls = dist.slice(1).filter((v, i) => v < dist[i]! - step - tol).length;
  const sides = seq.map((v) => Math.sign(Math.round((v - start) / tol)));
  let switches = 0;
  for (let i = 1, last = 0; i < sides.length; i++) {
    if (sides[i] === 0) continue;
    if (last !== 0 && sides[i] !== last) switches++;
    last = sides[i]!;
  }
  if (falls === 0 && switches >= 2) return { scheme: 'dose-symmetric', centreDeg: start, orderFrom: order.from };
  // Bidirectional: two monotonic runs in opposite directions, the second starting next to the start.
  const turn = d.findIndex((x, i) => i > 0 && Math.sign(x) !== Math.sign(d[0]!) && Math.abs(x) > tol);
  if (turn > 0) {
    const a = d.slice(0, turn),
      b = d.slice(turn + 1);
    const mono = (v: number[], s: number): boolean => v.every((x) => Math.sign(x) === s || Math.abs(x) < tol);
    const restart = seq[turn + 1]!;
    if (mono(a, Math.sign(d[0]!)) && mono(b, -Math.sign(d[0]!)) && Math.abs(restart - start) <= 2 * step + tol)
      return { scheme: 'bidirectional', centreDeg: start, orderFrom: order.from };
  }
  return { scheme: 'other', centreDeg: mid, orderFrom: order.from };
}

export interface DoseResult {
  dosePerTiltEPerA2?: number;
  totalDoseEPerA2?: number;
  from?: string;
}

/** Dose per tilt and total: the tilts' own doses where given, else the steps between sorted pre-exposures. */
export function measureDose(tilts: TiltRecord[]): DoseResult {
  const own = tilts.flatMap((t) => (t.doseEPerA2 !== undefined ? [t.doseEPerA2] : []));
  if (own.length === tilts.length && own.length)
    return {
      dosePerTiltEPerA2: median(own),
      totalDoseEPerA2: own.reduce((a, b) => a + b, 0),
      from: 'per-tilt exposure',
    };
  const pre = tilts.flatMap((t) => (t.preExposureEPerA2 !== undefined ? [t.preExposureEPerA2] : []));
  if (pre.length < 2 || pre.length < tilts.length) return {};
  const s = [...pre].sort((a, b) => a - b);
  const steps = s
    .slice(1)
    .map((v, i) => v - s[i]!)
    .filter((x) => x > 1e-6);
  if (!steps.length) return {};
  const per = median(steps);
  return { dosePerTiltEPerA2: per, totalDoseEPerA2: s.at(-1)! + per, from: 'pre-exposure steps' };
}

/** Least-squares polynomial of degree ≤ 2 (lower with few points); null when singular. */
export function polyFit(x: number[], y: number[], degree: number): ((v: number) => number) | null {
  const deg = Math.min(degree, Math.max(0, x.length - 2));
  if (!x.length) return null;
  // The polynomial as a linear model on the features x, x², … (one normal-equations solver, linearFit).
  const coef = linearFit(
    x.map((xi) => Array.from({ length: deg }, (_, p) => xi ** (p + 1))),
    y,
  );
  if (!coef) return null;
  return (v) => coef.reduce((s, ci, p) => s + ci * v ** p, 0);
}

export interface RobustTrend {
  /** Residual of each input point from the trend (NaN where the point had no value). */
  residual: number[];
  /** Robust SD of the inliers' residuals (1.4826 × MAD). */
  sd: number;
  predicted: number[];
  inliers: number;
}

/**
 * A robust polynomial trend: fitted, points further than max(3 SD, floor) dropped, refitted (4 passes), SD from the
 * inliers' median absolute residual. Points with an undefined y are predicted but not fitted.
 */
export function robustTrend(x: number[], y: (number | undefined)[], degree: number, floor: number): RobustTrend | null {
  const idx = y.map((v, i) => (v !== undefined && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  if (idx.length < 4) return null;
  let inlier = new Set(idx),
    fit: ((v: number) => number) | null = null,
    sd = 0;
  for (let pass = 0; pass < 4; pass++) {
    const use = [...inlier];
    fit = polyFit(
      use.map((i) => x[i]!),
      use.map((i) => y[i]!),
      degree,
    );
    if (!fit) return null;
    const f = fit;
    sd = 1.4826 * median(use.map((i) => Math.abs(y[i]! - f(x[i]!))));
    const keep = idx.filter((i) => Math.abs(y[i]! - f(x[i]!)) <= Math.max(3 * sd, floor));
    if (keep.length < 4) break;
    inlier = new Set(keep);
  }
  const f = fit!;
  return {
    residual: y.map((v, i) => (v === undefined ? NaN : v - f(x[i]!))),
    sd,
    predicted: x.map((v) => f(v)),
    inliers: inlier.size,
  };
}

export interface AxisReading {
  file: string;
  axisDeg: number;
  meaning: string;
}

/** How two tilt-axis angles relate: the same, opposite (180°), 90° apart (X vs Y convention), or mirrored (−a). */
export function axisRelation(
  a: number,
  b: number,
  tolDeg = 3,
): 'same' | 'opposite' | 'perpendicular' | 'mirrored' | 'different' {
  const d = ((((a - b) % 360) + 540) % 360) - 180; // in (−180, 180]
  if (Math.abs(d) <= tolDeg) return 'same';
  if (Math.abs(Math.abs(d) - 180) <= tolDeg) return 'opposite';
  const s = ((((a + b) % 360) + 540) % 360) - 180;
  if (Math.abs(s) <= tolDeg || Math.abs(Math.abs(s) - 180) <= tolDeg) return 'mirrored';
  if (Math.abs(Math.abs(d) - 90) <= tolDeg) return 'perpendicular';
  return 'different';
}

/**
 * Grant & Grigorieff's attenuation exp(−N/(2·Nₑ(k))) written as the B-factor that gives the same attenuation at k:
 * exp(B·k²/4) = exp(−N/(2·Nₑ(k))) ⇒ B = −2·N / (Nₑ(k)·k²). Negative (damping), Å².
 */
export function doseRuleBfactorA2(exposureEPerA2: number, kInvA: number, voltageKv = 300): number {
  return (-2 * exposureEPerA2) / (criticalExposureEPerA2(kInvA, voltageKv) * kInvA * kInvA);
}

/** A robust linear model y ≈ c0 + Σ cj·xj (the trimming of robustTrend), with its coefficients. */
export interface RobustLinear extends RobustTrend {
  coefficients: number[];
}

/** Least squares on the design [1, features…] by the normal equations; null when singular. */
function linearFit(rows: number[][], y: number[]): number[] | null {
  const k = rows[0]!.length + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((r, i) => {
    const d = [1, ...r];
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p]![q]! += d[p]! * d[q]!;
      a[p]![k]! += d[p]! * y[i]!;
    }
  });
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    if (Math.abs(piv) < 1e-12) return null;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / piv;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row, r) => row[k]! / row[r]!);
}

/** robustTrend's trimming for several predictors (rows of features per point; undefined y: predicted only). */
export function robustLinear(features: number[][], y: (number | undefined)[], floor: number): RobustLinear | null {
  const idx = y.map((v, i) => (v !== undefined && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  if (idx.length < features[0]!.length + 4) return null;
  const at = (c: number[], f: number[]): number => f.reduce((s, x, j) => s + c[j + 1]! * x, c[0]!);
  let inlier = idx,
    coef: number[] | null = null,
    sd = 0;
  for (let pass = 0; pass < 4; pass++) {
    coef = linearFit(
      inlier.map((i) => features[i]!),
      inlier.map((i) => y[i]!),
    );
    if (!coef) return null;
    const c = coef;
    sd = 1.4826 * median(inlier.map((i) => Math.abs(y[i]! - at(c, features[i]!))));
    const keep = idx.filter((i) => Math.abs(y[i]! - at(c, features[i]!)) <= Math.max(3 * sd, floor));
    if (keep.length < features[0]!.length + 4) break;
    inlier = keep;
  }
  const c = coef!;
  return {
    residual: y.map((v, i) => (v === undefined ? NaN : v - at(c, features[i]!))),
    sd,
    predicted: features.map((f) => at(c, f)),
    inliers: inlier.length,
    coefficients: c,
  };
}

/** Pearson correlation of two equally long lists (NaN for fewer than 3 points or no spread). */
export function correlation(a: number[], b: number[]): number {
  const n = a.length;
  if (n < 3) return NaN;
  const ma = a.reduce((s, x) => s + x, 0) / n,
    mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
