import type { Warning } from '../../errors.js';
import { fitBudget, type BudgetFit } from '../budget/budget.js';

/** One ResLog size: the particles (both halves) and the resolution of each repeat's half maps. */
export interface ReslogPoint {
  particles: number;
  /** From the mean of 1/d² over the repeats (the quantity the fit is linear in). */
  resolutionA: number;
  /** Standard deviation of the repeats' resolutions, Å; null with one map (all particles: one set). */
  spreadA: number | null;
  perRepeatA: number[];
  /** Guinier B of each repeat (RELION's sign), where fitted. */
  bfactorA2: number | null;
  /** The FSC reached the last shell the maps hold (Nyquist or --maxres): more particles cannot show here. */
  samplingLimited: boolean;
}

export interface ReslogReading {
  fit: BudgetFit | null;
  /** Smallest size whose maps reached the last shell: "sampling-limited above ~N particles". */
  samplingLimitedFrom: number | null;
  verdict: string;
  warnings: Warning[];
}

/** A point from its repeats: mean of 1/d², the spread in Å. */
export function reslogPoint(
  particles: number,
  perRepeatA: number[],
  bfactors: (number | null)[],
  lastShellA: number,
): ReslogPoint {
  const inv = perRepeatA.reduce((a, d) => a + 1 / d ** 2, 0) / perRepeatA.length;
  const mean = perRepeatA.reduce((a, b) => a + b, 0) / perRepeatA.length;
  const spreadA =
    perRepeatA.length > 1
      ? Math.sqrt(perRepeatA.reduce((a, d) => a + (d - mean) ** 2, 0) / (perRepeatA.length - 1))
      : null;
  const bs = bfactors.filter((b): b is number => b !== null);
  return {
    particles,
    resolutionA: 1 / Math.sqrt(inv),
    spreadA,
    perRepeatA,
    bfactorA2: bs.length ? bs.reduce((a, b) => a + b, 0) / bs.length : null,
    // Within one shell of the last: the FSC ran out of frequencies, not of signal.
    samplingLimited: perRepeatA.some((d) => d <= lastShellA * 1.02),
  };
}

/**
 * Rosenthal–Henderson through the points that are not sampling-limited (Nyquist or the inserted limit caps the
 * others: fitting B through them would make the data look less particle-limited than they are).
 */
export function readReslog(points: ReslogPoint[], nyquistA: number, lastShellA: number): ReslogReading {
  const warnings: Warning[] = [];
  const limited = points.filter((p) => p.samplingLimited);
  const samplingLimitedFrom = limited.length ? Math.min(...limited.map((p) => p.particles)) : null;
  const usable = points.filter((p) => !p.samplingLimited);
  let fit: BudgetFit | null = null;
  if (new Set(usable.map((p) => p.particles)).size >= 2) {
    fit = fitBudget(
      usable.map((p) => ({ particles: p.particles, resolutionA: p.resolutionA, source: `${p.particles} particles` })),
      { factors: [2, 4, 10], nyquistA },
    );
    warnings.push(...fit.warnings);
  }
  const limitText =
    samplingLimitedFrom !== null
      ? `Sampling-limited above ~${samplingLimitedFrom.toLocaleString('en-US')} particles: from there the half ` +
        `maps reach the last shell they hold (${lastShellA.toFixed(2)} Å${
          Math.abs(lastShellA - nyquistA) < 1e-6 ? ', Nyquist' : ''
        }); a finer pixel (or a larger --maxres) is needed to see what more particles buy.`
      : '';
  if (!fit) {
    const why =
      usable.length < 2
        ? `only ${usable.length} size${usable.length === 1 ? '' : 's'} below the sampling limit: no line can be fitted`
        : 'the sizes below the sampling limit are all alike';
    return { fit, samplingLimitedFrom, verdict: [limitText, `B not measured: ${why}.`].join(' ').trim(), warnings };
  }
  if (samplingLimitedFrom === null) return { fit, samplingLimitedFrom, verdict: fit.verdict, warnings };
  // The fit's own verdict speaks of doubling its largest point; with the set sampling-limited that is not today's.
  const below =
    `Below it, resolution improves with the particle count as an overall B of ` +
    `${fit.overallBfactorA2 === null ? '—' : fit.overallBfactorA2.toFixed(0)} Å² predicts (r² ${fit.r2.toFixed(2)}, ` +
    `${usable.length} sizes).`;
  return { fit, samplingLimitedFrom, verdict: `${limitText} ${below}`, warnings };
}

/** `cryodx reslog --json` (docs/whatif.md): the points, the Rosenthal–Henderson line and its predictions. */
export interface ReslogResult {
  points: (ReslogPoint & { seconds: number })[];
  fit: Pick<
    BudgetFit,
    'overallBfactorA2' | 'bfactorA2' | 'slope' | 'intercept' | 'r2' | 'slopeStdError' | 'doublingGainA'
  > | null;
  predictions: {
    particles: number;
    factor: number;
    resolutionA: number | null;
    bandA: [number | null, number | null];
  }[];
  particleLimited: boolean | null;
  samplingLimitedFrom: number | null;
  verdict: string;
  particles: number;
  boxSize: number;
  pixelSizeA: number;
  nyquistA: number;
  symmetry: string;
  repeats: number;
  seed: number;
  seconds: number;
  warnings: Warning[];
}
