import type { Warning } from '../../errors.js';
import type { BudgetPoint } from '../../model/budget.js';

/**
 * Rosenthal & Henderson (2003) / ResLog particle budget: with N particles and overall B-factor B,
 * ln N = (B/2)·(1/d²) + c, i.e. 1/d² = a·ln N + b with B = 2/a. (cryoSPARC's ResLog plots 1/d, not
 * 1/d²: its slope is not a B-factor in Å². Every number here uses 1/d².)
 */
export type { BudgetPoint };

export interface BudgetPrediction {
  factor: number;
  particles: number;
  resolutionA: number | null;
  /** 95 % confidence band of the fitted line at this N, in Å (better, worse). */
  bandA: [number | null, number | null];
  /** The line would pass Nyquist here: resolutionA is null. */
  beyondNyquist: boolean;
}

export interface BudgetFit {
  convention: string;
  points: BudgetPoint[];
  /** Slope of 1/d² (Å⁻²) against ln N, and intercept. */
  slope: number;
  intercept: number;
  slopeStdError: number | null;
  r2: number;
  /** The overall B-factor of Rosenthal & Henderson, 2/a (positive: how fast the signal falls off). */
  overallBfactorA2: number | null;
  /** The same in RELION's sign (−2/a: the sharpening B that would restore it). */
  bfactorA2: number | null;
  predictions: BudgetPrediction[];
  target: { resolutionA: number; particles: number | null; factor: number | null } | null;
  /** What doubling the largest refinement's particles buys on the fitted line, Å. */
  doublingGainA: number;
  /** Nyquist in Å when known: no prediction goes beyond it. */
  nyquistA: number | null;
  particleLimited: boolean;
  verdict: string;
  warnings: Warning[];
}

const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086,
];

/** Two-sided 95 % Student t quantile for `dof` degrees of freedom. */
export function t975(dof: number): number {
  return dof >= 1 && dof <= T975.length ? T975[dof - 1]! : 1.96 + 2.4 / Math.max(dof, 1);
}

export function fitBudget(
  points: BudgetPoint[],
  options: { factors?: number[]; targetA?: number; nyquistA?: number | null } = {},
): BudgetFit {
  const warnings: Warning[] = [];
  if (points.length < 2)
    throw new RangeError(`a particle budget needs at least 2 (particles, resolution) points, got ${points.length}`);
  for (const p of points) {
    if (!(p.particles > 0) || !(p.resolutionA > 0))
      throw new RangeError(
        `point ${p.source ?? ''} has particles ${p.particles} and resolution ${p.resolutionA} Å; both must be positive`,
      );
  }
  const x = points.map((p) => Math.log(p.particles));
  const y = points.map((p) => 1 / p.resolutionA ** 2);
  const n = points.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
    syy += (y[i]! - my) ** 2;
  }
  if (!(sxx > 0))
    throw new RangeError(
      'all points have the same particle count: vary N (e.g. halves, quarters of the data set) to fit a budget',
    );
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  const sse = Math.max(0, syy - slope * sxy);
  const s = n > 2 ? Math.sqrt(sse / (n - 2)) : null;
  const slopeStdError = s !== null ? s / Math.sqrt(sxx) : null;
  if (n < 3)
    warnings.push({
      code: 'budget-two-points',
      message:
        'two points give a line but no uncertainty: refine at least 3 subsets (e.g. N/4, N/2, N) for a confidence band',
    });
  const nMax = Math.max(...points.map((p) => p.particles));
  const dAt = (lnN: number): number | null => {
    const inv = slope * lnN + intercept;
    return inv > 0 ? 1 / Math.sqrt(inv) : null;
  };
  const band = (lnN: number): [number | null, number | null] => {
    if (s === null) return [null, null];
    const half = t975(n - 2) * s * Math.sqrt(1 / n + (lnN - mx) ** 2 / sxx);
    const inv = slope * lnN + intercept;
    return [inv + half > 0 ? 1 / Math.sqrt(inv + half) : null, inv - half > 0 ? 1 / Math.sqrt(inv - half) : null];
  };
  const nyquistA = options.nyquistA ?? null;
  const predictions = (options.factors ?? [1.5, 2, 4, 8]).map((factor) => {
    const lnN = Math.log(nMax * factor);
    const d = dAt(lnN);
    // Nothing past Nyquist: the line would go on, the map cannot.
    const beyondNyquist = d !== null && nyquistA !== null && d < nyquistA;
    return {
      factor,
      particles: Math.round(nMax * factor),
      resolutionA: beyondNyquist ? null : d,
      bandA: band(lnN),
      beyondNyquist,
    };
  });
  if (predictions.some((p) => p.beyondNyquist)) {
    warnings.push({
      code: 'budget-beyond-nyquist',
      message:
        `the fitted line passes Nyquist (${nyquistA!.toFixed(2)} Å) within 8× the particles: those ` +
        `predictions are left out; a finer pixel size comes first`,
    });
  }
  let target: BudgetFit['target'] = null;
  if (options.targetA !== undefined) {
    const reachable = nyquistA === null || options.targetA >= nyquistA;
    const lnN = slope > 0 && reachable ? (1 / options.targetA ** 2 - intercept) / slope : NaN;
    const particles = Number.isFinite(lnN) && lnN < Math.log(nMax * MAX_PARTICLE_FACTOR) ? Math.exp(lnN) : null;
    target = {
      resolutionA: options.targetA,
      particles: particles !== null ? Math.round(particles) : null,
      factor: particles !== null ? particles / nMax : null,
    };
  }
  const dNow = dAt(Math.log(nMax));
  const dDouble = dAt(Math.log(2 * nMax));
  const gainA = dNow !== null && dDouble !== null ? dNow - dDouble : 0;
  const slopeSignificant = slope > 0 && (slopeStdError === null || slope > 2 * slopeStdError);
  const particleLimited = slopeSignificant && gainA >= 0.1;
  const notLimitedBecause =
    slope > 0
      ? `doubling to ${(2 * nMax).toLocaleString('en-US')} particles buys only ${gainA.toFixed(2)} Å`
      : 'resolution does not improve with more particles';
  const verdict = particleLimited
    ? `Particle-limited: doubling to ${(2 * nMax).toLocaleString('en-US')} particles is predicted to go from ` +
      `${dNow!.toFixed(2)} to ${dDouble!.toFixed(2)} Å (B ≈ ${(2 / slope).toFixed(0)} Å²).`
    : `Not particle-limited: ${notLimitedBecause}` +
      (slopeSignificant ? '' : ' (the slope is not significantly above zero)') +
      '. ' +
      'Lower the B-factor (heterogeneity, motion, ice, CTF) instead of collecting more data.';
  return {
    nyquistA,
    convention: '1/d² = a·ln N + b (Rosenthal & Henderson 2003); B = 2/a. cryoSPARC ResLog plots 1/d instead.',
    points,
    slope,
    intercept,
    slopeStdError,
    r2,
    overallBfactorA2: slope > 0 ? 2 / slope : null,
    bfactorA2: slope > 0 ? -2 / slope : null,
    predictions,
    target,
    doublingGainA: gainA,
    particleLimited,
    verdict,
    warnings,
  };
}

/** The most particles a prediction promises, as a multiple of today's: beyond it, more data is no plan. */
export const MAX_PARTICLE_FACTOR = 1e6;

/**
 * From one map's B-factor: how many times more particles a resolution needs, assuming the
 * Rosenthal–Henderson relation holds with this B (everything but the particle count unchanged):
 * N₂/N₁ = exp(B/2 · (1/d₂² − 1/d₁²)).
 */
export function particlesFactorFromB(bfactorA2: number, fromA: number, toA: number): number {
  return Math.exp((Math.abs(bfactorA2) / 2) * (1 / toA ** 2 - 1 / fromA ** 2));
}

export interface SingleMapBudget {
  /** RELION's sign, as the input gave it (postprocess.star's rlnBfactorUsedForSharpening): negative sharpens. */
  bfactorA2: number;
  /** |B|: the overall fall-off the Rosenthal–Henderson relation uses. */
  overallBfactorA2: number;
  resolutionA: number;
  particles: number | null;
  assumptions: string;
  /** What doubling the particles buys at this B (never past Nyquist). */
  doublingGainA: number;
  /** Nyquist in Å when known: no prediction goes beyond it. */
  nyquistA: number | null;
  warnings: Warning[];
  targets: { resolutionA: number; factor: number; particles: number | null }[];
}

export function singleMapBudget(
  bfactorA2: number,
  resolutionA: number,
  particles: number | null,
  targetsA?: number[],
  nyquistA: number | null = null,
): SingleMapBudget {
  const b = Math.abs(bfactorA2);
  const warnings: Warning[] = [];
  // Nothing is predicted beyond Nyquist: finer needs a smaller pixel, not more particles.
  const floorA = nyquistA ?? 0;
  const asked = targetsA ?? [resolutionA - 0.25, resolutionA - 0.5, resolutionA - 1].filter((t) => t > 1);
  const beyond = asked.filter((t) => t < floorA);
  if (beyond.length) {
    warnings.push({
      code: 'budget-beyond-nyquist',
      message:
        `${beyond.map((t) => `${t.toFixed(2)} Å`).join(', ')} lie beyond Nyquist (${floorA.toFixed(2)} Å): ` +
        `no number of particles reaches them at this pixel size`,
    });
  }
  const within = asked.filter((t) => t >= floorA);
  const far = within.filter((t) => !(particlesFactorFromB(b, resolutionA, t) <= MAX_PARTICLE_FACTOR));
  if (far.length) {
    warnings.push({
      code: 'budget-out-of-reach',
      message:
        `${far.map((t) => `${t.toFixed(2)} Å`).join(', ')} would need more than ` +
        `${MAX_PARTICLE_FACTOR.toExponential(0).replace('1e+', '10^')}× the particles at B = ${b.toFixed(0)} Å²: ` +
        'out of reach by collecting more data; lower the B-factor instead',
    });
  }
  const targets = within
    .filter((t) => !far.includes(t))
    .map((t) => {
      const factor = particlesFactorFromB(b, resolutionA, t);
      return { resolutionA: t, factor, particles: particles !== null ? Math.round(particles * factor) : null };
    });
  const inv = 1 / resolutionA ** 2 + (2 * Math.log(2)) / b;
  const doubled = Math.max(1 / Math.sqrt(inv), floorA);
  return {
    bfactorA2: bfactorA2 > 0 ? -bfactorA2 : bfactorA2,
    overallBfactorA2: b,
    resolutionA,
    particles,
    assumptions:
      'Rosenthal–Henderson with this map’s B-factor: every particle contributes the same, and B does not change ' +
      'with N (more data of the same quality). Real data usually do worse, so these are lower bounds.',
    doublingGainA: Math.max(0, resolutionA - doubled),
    nyquistA,
    targets,
    warnings,
  };
}
