import type { Warning } from '../../errors.js';
import { seededRandom } from '../../util/random.js';
import { symmetryOperators } from './symmetry.js';

/**
 * Orientation coverage from particle viewing directions.
 * SCF and SCF* (Baldwin & Lyumkis 2020, CommandLineSCF): N = min(2πk², 5000) Fibonacci points q on
 * a hemisphere of Fourier radius k (default 50); S(q) counts projections whose central section passes
 * within half a voxel of q (|q·n|·k < ½); SCF = 1/(⟨1/S⟩_{S>0}·⟨S⟩), SCF* = SCF/(1 + (Q/P)·⟨S⟩·SCF/2)
 * with Q/P the ratio of unsampled to sampled points — CommandLineSCF's numbers. On sets so sparse that
 * much of the shell has no view the definition exceeds 1 (1 particle: 96); such sets are refused
 * (`orientationProblem`, `coverageProblem`) rather than reported.
 */
/** Below this many particles SCF says nothing about the sample: the views are too few to tell. */
export const MIN_PARTICLES_FOR_SCF = 50;

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
  /**
   * SCF* of as many uniformly random views (same particle count and symmetry): its finite-sample floor.
   * A small set is uneven by chance alone; only SCF* well below this says the sample prefers views.
   */
  scfStarUniform: { mean: number; low: number; realisations: number; unsampledFraction: number };
  /** SCF* / the uniform mean: cryoSPARC's 0.81 applies to this for sets of any size. */
  scfStarRelative: number;
  /** The point group whose asymmetric unit alone the angles fill (they were refined with it), when one does. */
  anglesFit?: { symmetry: string; inside: number; fill: number; statement: string } | null;
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
  const order = dirs.length / 3 / Math.max(1, rotDeg.length);
  // The tilt scan works on at most ~2000 views: whole particles are picked, each with all its symmetry
  // copies (picking every n-th *view* kept only some symmetry copies and biased the scan). Row 0 is the
  // headline; the other rows add to it what tilting adds to the subset.
  const stride = Math.max(1, Math.ceil(rotDeg.length / Math.max(1, Math.floor(2000 / order))));
  const pick = <T extends ArrayLike<number>>(a: T): number[] =>
    Array.from({ length: Math.ceil(a.length / stride) }, (_, i) => a[i * stride]!);
  const sub = stride === 1 ? dirs : viewingDirections(pick(rotDeg), pick(tiltDeg), symmetry);
  const base = stride === 1 ? scfStar : scfFromCounts(samplingCounts(spiral, sub, k)).scfStar;
  const tiltScan = [0, 10, 20, 30, 40, 50].map((t) => ({
    tiltDeg: t,
    scfStar:
      t === 0
        ? scfStar
        : Math.min(1, scfStar + scfFromCounts(samplingCounts(spiral, tiltedDirections(sub, t), k)).scfStar - base),
  }));
  const uniform = uniformScfStar(rotDeg.length, symmetry, spiral, k);
  const scfStarRelative = Math.min(1, scfStar / uniform.mean);
  const bestStar = Math.max(...tiltScan.map((x) => x.scfStar));
  // No tilt when the views are already as even as their number allows; otherwise the smallest tilt that
  // reaches 0.81 of the uniform floor (cryoSPARC's threshold) or, failing that, 95 % of the best.
  const good =
    scfStarRelative >= 0.81
      ? tiltScan[0]!
      : (tiltScan.find((x) => x.scfStar >= 0.81 * uniform.mean) ?? tiltScan.find((x) => x.scfStar >= 0.95 * bestStar)!);
  const eff = efficiency(spiral, sub, options.bfactorA2 ?? 160, options.diameterA ?? 200);
  const warnings: Warning[] = [];
  if (scfStarRelative < 0.81)
    warnings.push({
      code: 'low-scf-star',
      message:
        `SCF* ${scfStar.toFixed(3)} is ${scfStarRelative.toFixed(2)} of what ${rotDeg.length} uniformly random views ` +
        `give (${uniform.mean.toFixed(3)}), below cryoSPARC's 0.81: the views do not sample Fourier space evenly — ` +
        'preferred orientation' +
        (good.tiltDeg > 0
          ? `; collecting at ${good.tiltDeg}° tilt would bring SCF* to ${good.scfStar.toFixed(2)}`
          : ''),
    });
  // As many random views leave part of the shell empty too: only what these leave beyond that is a gap.
  if (unsampledFraction > uniform.unsampledFraction + 0.01)
    warnings.push({
      code: 'unsampled-fourier-space',
      message:
        `${(100 * unsampledFraction).toFixed(1)} % of the Fourier shell at radius ${k} is not sampled by ` + `any view`,
    });
  return {
    nParticles: rotDeg.length,
    symmetry,
    symmetryOrder: order,
    scf,
    scfStar,
    efficiency: eff,
    recommendedTiltDeg: good.tiltDeg,
    unsampledFraction,
    tiltScan,
    scfStarUniform: uniform,
    scfStarRelative,
    warnings,
  };
}

/**
 * SCF* of `count` uniformly random particles with this symmetry (two fixed-seed realisations; one above
 * 20 000 views, where the floor is within 0.01 of 1 and the spread far smaller).
 */
export function uniformScfStar(
  count: number,
  symmetry: string,
  spiral: Float64Array,
  k: number,
): { mean: number; low: number; realisations: number; unsampledFraction: number } {
  const views = count * symmetryOperators(symmetry).length;
  // Past 50 000 views the floor is 1 to three decimals; simulating it would double the cost.
  if (views > 50000) return { mean: 1, low: 1, realisations: 0, unsampledFraction: 0 };
  const reps = views > 20000 ? 1 : 2;
  const values: number[] = [];
  let unsampled = 0;
  for (let r = 0; r < reps; r++) {
    const rnd = seededRandom(9001 + r);
    const rot = Array.from({ length: count }, () => 360 * rnd());
    const tilt = Array.from({ length: count }, () => (Math.acos(1 - 2 * rnd()) * 180) / Math.PI);
    const c = scfFromCounts(samplingCounts(spiral, viewingDirections(rot, tilt, symmetry), k));
    values.push(c.scfStar);
    unsampled += c.unsampledFraction / reps;
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, low: Math.min(...values), realisations: reps, unsampledFraction: unsampled };
}

/**
 * Why a set of angles cannot carry orientation statistics, or null: too few particles, or the angles of
 * a 2D classification (RELION writes rot = tilt = 0 for every particle there; psi alone is in-plane).
 */
export function orientationProblem(rotDeg: ArrayLike<number>, tiltDeg: ArrayLike<number>): string | null {
  const n = rotDeg.length;
  if (n < MIN_PARTICLES_FOR_SCF) {
    return (
      `${n} particle${n === 1 ? '' : 's'}: SCF and SCF* need at least ${MIN_PARTICLES_FOR_SCF} views to say ` +
      `anything about the sample (fewer are uneven by chance); give the particles of a refinement`
    );
  }
  let flat = 0;
  for (let i = 0; i < n; i++) if (rotDeg[i] === 0 && tiltDeg[i] === 0) flat++;
  if (flat > 0.95 * n) {
    return (
      `${flat} of ${n} particles have rot = tilt = 0, the angles of a 2D classification (only psi, in the ` +
      `plane): orientation coverage needs the particles of a 3D refinement`
    );
  }
  return null;
}

/** Past this unsampled fraction of the shell the views are too few for SCF to describe their spread. */
export const MAX_UNSAMPLED_FOR_SCF = 0.25;

/** Why a computed coverage is not a statement about the sample (SCF above 1, a mostly empty shell), or null. */
export function coverageProblem(
  r: Pick<OrientationResult, 'scf' | 'unsampledFraction' | 'nParticles' | 'symmetryOrder'>,
): string | null {
  if (r.scf > 1 || r.unsampledFraction > MAX_UNSAMPLED_FOR_SCF) {
    const views = r.nParticles * r.symmetryOrder;
    return (
      `${(100 * r.unsampledFraction).toFixed(0)} % of the Fourier shell has no view from these ${views} ` +
      `views: too few to say how evenly the sample is seen (SCF would read ${r.scf.toFixed(2)}); ` +
      'give the particles of a refinement'
    );
  }
  return null;
}
