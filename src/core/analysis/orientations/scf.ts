import type { Warning } from '../../errors.js';
import { symmetryOperators } from './symmetry.js';

/**
 * Orientation coverage from particle viewing directions.
 * SCF and SCF* (Baldwin & Lyumkis 2020, CommandLineSCF): N = min(2πk², 5000) Fibonacci points q on
 * a hemisphere of Fourier radius k (default 50); S(q) counts projections whose central section passes
 * within half a voxel of q (|q·n|·k < ½); SCF = 1/(⟨1/S⟩_{S>0}·⟨S⟩), SCF* = SCF/(1 + (Q/P)·⟨S⟩·SCF/2)
 * with Q/P the ratio of unsampled to sampled points.
 */
export interface OrientationOptions {
  symmetry?: string;
  fourierRadius?: number;
  /** For the cryoEF-style efficiency: B-factor (Å², 160) and particle diameter (Å, 200). */
  bfactorA2?: number;
  diameterA?: number;
}

export interface OrientationResult {
  nParticles: number;
  symmetry: string;
  symmetryOrder: number;
  scf: number;
  scfStar: number;
  efficiency: number;
  recommendedTiltDeg: number;
  unsampledFraction: number;
  tiltScan: { tiltDeg: number; scfStar: number }[];
  warnings: Warning[];
}

/** Viewing directions (third row of RELION's Euler matrix) from rot and tilt, symmetry-expanded. */
export function viewingDirections(
  rotDeg: ArrayLike<number>,
  tiltDeg: ArrayLike<number>,
  symmetry = 'C1',
): Float64Array {
  const ops = symmetryOperators(symmetry);
  const n = rotDeg.length;
  const out = new Float64Array(3 * n * ops.length);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = (rotDeg[i]! * Math.PI) / 180,
      t = (tiltDeg[i]! * Math.PI) / 180;
    const v = [Math.sin(t) * Math.cos(r), Math.sin(t) * Math.sin(r), Math.cos(t)];
    for (const op of ops) {
      out[k++] = op[0]! * v[0]! + op[1]! * v[1]! + op[2]! * v[2]!;
      out[k++] = op[3]! * v[0]! + op[4]! * v[1]! + op[5]! * v[2]!;
      out[k++] = op[6]! * v[0]! + op[7]! * v[1]! + op[8]! * v[2]!;
    }
  }
  return out;
}

/** CommandLineSCF's spiral: latitude asin(j/N), longitude j·2π(φ − 1). */
export function scfSpiral(fourierRadius: number): Float64Array {
  const n = Math.min(Math.floor(2 * Math.PI * fourierRadius * fourierRadius), 5000);
  const ga = ((1 + Math.sqrt(5)) / 2 - 1) * 2 * Math.PI;
  const out = new Float64Array(3 * n);
  for (let j = 0; j < n; j++) {
    const lat = Math.asin(j / n),
      lon = ga * j;
    out[3 * j] = Math.cos(lat) * Math.cos(lon);
    out[3 * j + 1] = Math.cos(lat) * Math.sin(lon);
    out[3 * j + 2] = Math.sin(lat);
  }
  return out;
}

/** S(q) for every spiral point: projections whose central plane passes within ½ voxel of q. */
export function samplingCounts(spiral: Float64Array, dirs: Float64Array, fourierRadius: number): Float64Array {
  const np = spiral.length / 3,
    nd = dirs.length / 3;
  const eps = 0.5 / fourierRadius;
  const s = new Float64Array(np);
  for (let p = 0; p < np; p++) {
    const qx = spiral[3 * p]!,
      qy = spiral[3 * p + 1]!,
      qz = spiral[3 * p + 2]!;
    let c = 0;
    for (let j = 0; j < 3 * nd; j += 3) if (Math.abs(qx * dirs[j]! + qy * dirs[j + 1]! + qz * dirs[j + 2]!) < eps) c++;
    s[p] = c;
  }
  return s;
}

export function scfFromCounts(s: Float64Array): { scf: number; scfStar: number; unsampledFraction: number } {
  let sum = 0,
    recip = 0,
    good = 0;
  for (const v of s) {
    sum += v;
    if (v > 0) {
      recip += 1 / v;
      good++;
    }
  }
  if (good === 0) return { scf: 0, scfStar: 0, unsampledFraction: 1 };
  const meanS = sum / s.length;
  const scf = 1 / ((recip / good) * meanS);
  const zeros = (s.length - good) / s.length;
  const qOverP = zeros / (1 - zeros);
  return { scf, scfStar: scf / (1 + (qOverP * meanS * scf) / 2), unsampledFraction: zeros };
}

/**
 * A cryoEF-style efficiency (after Naydenova & Russo 2017): the harmonic over the arithmetic mean of
 * a smooth transfer function T(q) = Σ exp(−(q·n)²/2σ²), σ = 1/(D·s_B), s_B = 2/√B the frequency
 * where the B-factor envelope falls to 1/e. 1 for an even coverage, → 0 as views cluster.
 */
export function efficiency(spiral: Float64Array, dirs: Float64Array, bfactorA2: number, diameterA: number): number {
  const sigma = 1 / (diameterA * (2 / Math.sqrt(bfactorA2)));
  const inv2s2 = 1 / (2 * sigma * sigma);
  const cut = 4 * sigma;
  const np = spiral.length / 3,
    nd = dirs.length / 3;
  let sum = 0,
    recip = 0;
  for (let p = 0; p < np; p++) {
    const qx = spiral[3 * p]!,
      qy = spiral[3 * p + 1]!,
      qz = spiral[3 * p + 2]!;
    let t = 0;
    for (let j = 0; j < 3 * nd; j += 3) {
      const d = qx * dirs[j]! + qy * dirs[j + 1]! + qz * dirs[j + 2]!;
      if (d < cut && d > -cut) t += Math.exp(-d * d * inv2s2);
    }
    sum += t;
    recip += 1 / Math.max(t, 1e-12);
  }
  return np / recip / (sum / np);
}

/**
 * Directions a tilted collection would add: each view spread over a cone of the tilt angle around
 * it (CommandLineSCF's tilt model, with evenly spaced azimuths instead of random ones).
 */
export function tiltedDirections(dirs: Float64Array, tiltDeg: number, azimuths = 12): Float64Array {
  if (tiltDeg === 0) return dirs;
  const t = (tiltDeg * Math.PI) / 180;
  const nd = dirs.length / 3;
  const out = new Float64Array(3 * nd * azimuths);
  let k = 0;
  for (let j = 0; j < nd; j++) {
    const n = [dirs[3 * j]!, dirs[3 * j + 1]!, dirs[3 * j + 2]!];
    // Two unit vectors perpendicular to n.
    const a = Math.abs(n[0]!) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    const p = [n[1]! * a[2]! - n[2]! * a[1]!, n[2]! * a[0]! - n[0]! * a[2]!, n[0]! * a[1]! - n[1]! * a[0]!];
    const lp = Math.hypot(p[0]!, p[1]!, p[2]!);
    const u = p.map((x) => x / lp);
    const w = [n[1]! * u[2]! - n[2]! * u[1]!, n[2]! * u[0]! - n[0]! * u[2]!, n[0]! * u[1]! - n[1]! * u[0]!];
    for (let m = 0; m < azimuths; m++) {
      const ph = (2 * Math.PI * m) / azimuths;
      for (let c = 0; c < 3; c++)
        out[k++] = Math.cos(t) * n[c]! + Math.sin(t) * (Math.cos(ph) * u[c]! + Math.sin(ph) * w[c]!);
    }
  }
  return out;
}

export function orientationCoverage(
  rotDeg: ArrayLike<number>,
  tiltDeg: ArrayLike<number>,
  options: OrientationOptions = {},
): OrientationResult {
  const symmetry = (options.symmetry ?? 'C1').toUpperCase();
  const k = options.fourierRadius ?? 50;
  const dirs = viewingDirections(rotDeg, tiltDeg, symmetry);
  const spiral = scfSpiral(k);
  const { scf, scfStar, unsampledFraction } = scfFromCounts(samplingCounts(spiral, dirs, k));
  // The tilt scan works on at most 2000 views (evenly picked) to stay fast.
  const stride = Math.max(1, Math.ceil(dirs.length / 3 / 2000));
  const sub =
    stride === 1
      ? dirs
      : Float64Array.from(
          { length: 3 * Math.floor(dirs.length / 3 / stride) },
          (_, i) => dirs[3 * stride * Math.floor(i / 3) + (i % 3)]!,
        );
  const tiltScan = [0, 10, 20, 30, 40, 50].map((t) => ({
    tiltDeg: t,
    scfStar: scfFromCounts(samplingCounts(spiral, tiltedDirections(sub, t), k)).scfStar,
  }));
  const bestStar = Math.max(...tiltScan.map((x) => x.scfStar));
  // The smallest tilt that reaches 0.81 (cryoSPARC's threshold) or, failing that, 95 % of the best.
  const good = tiltScan.find((x) => x.scfStar >= 0.81) ?? tiltScan.find((x) => x.scfStar >= 0.95 * bestStar)!;
  const eff = efficiency(spiral, sub, options.bfactorA2 ?? 160, options.diameterA ?? 200);
  const warnings: Warning[] = [];
  if (scfStar < 0.81)
    warnings.push({
      code: 'low-scf-star',
      message:
        `SCF* ${scfStar.toFixed(3)} < 0.81 (cryoSPARC's threshold): the views do not sample Fourier space ` +
        'evenly — preferred orientation' +
        (good.tiltDeg > 0
          ? `; collecting at ${good.tiltDeg}° tilt would bring SCF* to ${good.scfStar.toFixed(2)}`
          : ''),
    });
  if (unsampledFraction > 0.01)
    warnings.push({
      code: 'unsampled-fourier-space',
      message:
        `${(100 * unsampledFraction).toFixed(1)} % of the Fourier shell at radius ${k} is not sampled by ` + `any view`,
    });
  return {
    nParticles: rotDeg.length,
    symmetry,
    symmetryOrder: dirs.length / 3 / Math.max(1, rotDeg.length),
    scf,
    scfStar,
    efficiency: eff,
    recommendedTiltDeg: good.tiltDeg,
    unsampledFraction,
    tiltScan,
    warnings,
  };
}
