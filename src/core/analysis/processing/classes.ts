import type { ClassMembership, ClassModel } from '../../io/processing/classes.js';
import { bimodalityCoefficient, median } from '../../util/stats.js';

/**
 * What a classification says about composition: how many classes hold real signal (populated and resolved
 * near the best class), whether the assignment had settled (RELION's rlnChangesOptimalClasses, or particles that
 * changed class between two iterations), and how sure each particle's assignment is (pMax, its bimodality).
 */
export const SIGNAL_CLASS = {
  /** A class below this population is too small to call a species (seed 000, reason 6: "< 5 % population"). */
  minPopulation: 0.05,
  /** …and one resolved more than this factor worse than the best class is junk or noise. */
  maxResolutionRatio: 1.5,
};

export interface ClassReading {
  source: string;
  dimensionality: 2 | 3 | null;
  iteration: number | null;
  classes: ClassModel['classes'];
  /** Classes (1-based) that hold real signal. */
  signalClasses: number[];
  /** Fraction of the particles in the other classes. */
  junkFraction: number;
  /** Fraction of particles that changed class in the last iteration (RELION), or null. */
  changesOptimalClasses: number | null;
  /** Fraction of particles in a different class between two iterations' data files, or null. */
  jumpFraction: number | null;
  jumpIterations: [number, number] | null;
  pMaxMedian: number | null;
  /** Sarle's bimodality coefficient of pMax (> 0.555: two groups of particles). */
  pMaxBimodality: number | null;
  /** Median rlnNrOfSignificantSamples (orientations × classes that carry the particle), when written. */
  significantSamplesMedian: number | null;
  /** Signal classes the selection downstream kept (when a Select job's particles are at hand). */
  keptSignalClasses: number[] | null;
  /** Populations per class over iterations, when several model files are at hand. */
  history: { iteration: number; populations: number[] }[];
  /** Particles in the last iteration's data file, when at hand. */
  particles: number | null;
}

export interface ClassInputs {
  model: ClassModel;
  changes?: number | null;
  /** Per-particle assignment of the last iteration and, when at hand, an earlier one. */
  last?: ClassMembership | null;
  previous?: ClassMembership | null;
  /** Class numbers of the particles a selection kept (a Select job's particles.star). */
  kept?: Int32Array | null;
  /** Earlier iterations' models, for the population history. */
  earlier?: ClassModel[];
}

export function readClasses(inp: ClassInputs): ClassReading {
  const { model } = inp;
  const resolved = model.classes.filter((c) => c.resolutionA !== null).map((c) => c.resolutionA!);
  const bestA = resolved.length ? Math.min(...resolved) : null;
  const signal = model.classes
    .filter(
      (c) =>
        c.population >= SIGNAL_CLASS.minPopulation &&
        (bestA === null || c.resolutionA === null || c.resolutionA <= SIGNAL_CLASS.maxResolutionRatio * bestA),
    )
    .map((c) => c.index);
  const junk = model.classes.filter((c) => !signal.includes(c.index)).reduce((s, c) => s + c.population, 0);
  let jump: number | null = null,
    jumpIt: [number, number] | null = null;
  const [a, b] = [inp.previous, inp.last];
  if (a && b && a.classNumber.length === b.classNumber.length && a.classNumber.length > 0) {
    let moved = 0;
    for (let i = 0; i < a.classNumber.length; i++) if (a.classNumber[i] !== b.classNumber[i]) moved++;
    jump = moved / a.classNumber.length;
    jumpIt = [a.iteration ?? 0, b.iteration ?? 0];
  }
  const pmax = b?.pMax ?? null;
  let kept: number[] | null = null;
  if (inp.kept?.length) {
    const present = new Set(inp.kept);
    kept = signal.filter((c) => present.has(c));
  }
  const history = [...(inp.earlier ?? []), model]
    .filter((m) => m.iteration !== null)
    .sort((x, y) => x.iteration! - y.iteration!)
    .map((m) => ({ iteration: m.iteration!, populations: m.classes.map((c) => c.population) }));
  return {
    source: model.source,
    dimensionality: model.dimensionality,
    iteration: model.iteration,
    classes: model.classes,
    signalClasses: signal,
    junkFraction: junk,
    changesOptimalClasses: inp.changes ?? null,
    jumpFraction: jump,
    jumpIterations: jumpIt,
    pMaxMedian: pmax ? median(pmax) : (model.averagePmax ?? null),
    pMaxBimodality: pmax && pmax.length >= 50 ? bimodalityCoefficient(pmax) : null,
    significantSamplesMedian: b?.significantSamples ? median(b.significantSamples) : null,
    keptSignalClasses: kept,
    history,
    particles: b ? b.classNumber.length : null,
  };
}
