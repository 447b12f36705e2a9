import { FormatError } from '../../errors.js';
import type { NpyTable } from '../npy.js';
import type { StarDocument } from '../star/read.js';
import { RLN } from '../star/labels.js';

/**
 * 2D / 3D classification results. RELION (ml_model.cpp, ml_optimiser.cpp): run_itNNN_model.star has
 * `data_model_classes` (rlnClassDistribution, rlnAccuracyRotations, rlnAccuracyTranslationsAngst,
 * rlnEstimatedResolution) and `data_model_general` (rlnReferenceDimensionality, rlnAveragePmax);
 * run_itNNN_optimiser.star has rlnChangesOptimalClasses (the fraction of particles that changed class in the
 * last iteration); run_itNNN_data.star has per particle rlnClassNumber, rlnMaxValueProbDistribution and
 * rlnNrOfSignificantSamples. cryoSPARC ≥ 4.5 writes `alignments3D_multi/class_posterior` (one per class) and
 * `alignments3D_multi/class`; earlier versions `alignments_class_K/class_posterior` per class K.
 */
export interface ClassRow {
  /** 1-based, as RELION numbers classes. */
  index: number;
  /** Fraction of the particles (0–1). */
  population: number;
  accuracyRotationsDeg: number | null;
  accuracyTranslationsA: number | null;
  resolutionA: number | null;
}

export interface ClassModel {
  source: string;
  dimensionality: 2 | 3 | null;
  iteration: number | null;
  classes: ClassRow[];
  averagePmax: number | null;
}

export interface ClassMembership {
  source: string;
  iteration: number | null;
  classNumber: Int32Array;
  /** rlnMaxValueProbDistribution (or the largest cryoSPARC class posterior), when written. */
  pMax: Float64Array | null;
  significantSamples: Float64Array | null;
  micrograph: string[] | null;
}

/** The iteration in a RELION file name ("run_it025_model.star" → 25), or null. */
export function iterationOf(name: string): number | null {
  const m = /_it(\d+)_/.exec(name);
  return m ? Number(m[1]) : null;
}

export function readClassModel(doc: StarDocument): ClassModel {
  const loop = doc.blocks.find((b) => b.name === 'model_classes')?.loop;
  if (!loop || !loop.has(RLN.classDistribution))
    throw new FormatError('no class table', {
      source: doc.source,
      expected: `data_model_classes with _${RLN.classDistribution} (a run_itNNN_model.star)`,
    });
  const general = doc.blocks.find((b) => b.name === 'model_general')?.pairs;
  const num = (c: string): Float64Array | null => (loop.has(c) ? loop.numbers(c) : null);
  const [pop, rot, tr, res] = [
    RLN.classDistribution,
    RLN.accuracyRotations,
    RLN.accuracyTranslationsAngst,
    RLN.estimatedResolution,
  ].map(num);
  // RELION 3.0 wrote rlnAccuracyTranslations in pixels; the Å column is 3.1+.
  const trPx = !tr && loop.has(RLN.accuracyTranslations) ? loop.numbers(RLN.accuracyTranslations) : null;
  const px = Number(general?.get(RLN.pixelSize) ?? NaN);
  const dim = Number(general?.get(RLN.referenceDimensionality) ?? NaN);
  const pmax = Number(general?.get(RLN.averagePmax) ?? NaN);
  const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);
  return {
    source: doc.source,
    dimensionality: dim === 2 || dim === 3 ? dim : null,
    iteration: iterationOf(doc.source),
    averagePmax: finiteOrNull(pmax),
    classes: Array.from({ length: loop.rows }, (_, i) => ({
      index: i + 1,
      population: pop![i]!,
      accuracyRotationsDeg: finiteOrNull(rot?.[i]),
      accuracyTranslationsA: finiteOrNull(tr?.[i] ?? (trPx && Number.isFinite(px) ? trPx[i]! * px : undefined)),
      // RELION writes 999 for a class with no resolution estimate.
      resolutionA: res && res[i]! > 0 && res[i]! < 999 ? res[i]! : null,
    })),
  };
}

/** rlnChangesOptimalClasses of an optimiser STAR (0–1), or null. */
export function readClassChanges(doc: StarDocument): number | null {
  for (const b of doc.blocks) {
    const v = b.pairs.get(RLN.changesOptimalClasses);
    if (v !== undefined && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

/** Per-particle class assignment of a RELION data STAR. */
export function readClassMembership(doc: StarDocument): ClassMembership {
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.classNumber))?.loop;
  if (!loop)
    throw new FormatError('no class numbers', {
      source: doc.source,
      expected: `_${RLN.classNumber} per particle (a classification run_itNNN_data.star)`,
    });
  return {
    source: doc.source,
    iteration: iterationOf(doc.source),
    classNumber: Int32Array.from(loop.numbers(RLN.classNumber)),
    pMax: loop.has(RLN.maxValueProbDistribution) ? loop.numbers(RLN.maxValueProbDistribution) : null,
    significantSamples: loop.has(RLN.nrOfSignificantSamples) ? loop.numbers(RLN.nrOfSignificantSamples) : null,
    micrograph: loop.has(RLN.micrographName) ? loop.strings(RLN.micrographName) : null,
  };
}

/** Class assignment from a cryoSPARC particles .cs (class posteriors of a 3D classification or hetero refinement). */
export function readCryosparcClasses(cs: NpyTable, source: string): { membership: ClassMembership; model: ClassModel } {
  let post: Float64Array[] = [];
  if (cs.has('alignments3D_multi/class_posterior')) {
    const f = cs.field('alignments3D_multi/class_posterior');
    const all = cs.numbers('alignments3D_multi/class_posterior');
    post = Array.from({ length: f.count }, (_, k) =>
      Float64Array.from({ length: cs.rows }, (_, r) => all[r * f.count + k]!),
    );
  } else {
    for (let k = 0; cs.has(`alignments_class_${k}/class_posterior`); k++)
      post.push(cs.numbers(`alignments_class_${k}/class_posterior`));
  }
  if (post.length < 2)
    throw new FormatError('no class posteriors', {
      source,
      expected: 'alignments3D_multi/class_posterior or alignments_class_K/class_posterior (a cryoSPARC classification)',
    });
  const n = cs.rows;
  const classNumber = new Int32Array(n);
  const pMax = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let k = 1; k < post.length; k++) if (post[k]![r]! > post[best]![r]!) best = k;
    classNumber[r] = best + 1;
    pMax[r] = post[best]![r]!;
  }
  const counts = new Array<number>(post.length).fill(0);
  classNumber.forEach((c) => counts[c - 1]!++);
  const micrograph = cs.has('location/micrograph_path') ? cs.strings('location/micrograph_path') : null;
  return {
    membership: { source, iteration: null, classNumber, pMax, significantSamples: null, micrograph },
    model: {
      source,
      dimensionality: 3,
      iteration: null,
      averagePmax: pMax.reduce((a, b) => a + b, 0) / Math.max(1, n),
      classes: counts.map((c, k) => ({
        index: k + 1,
        population: c / Math.max(1, n),
        accuracyRotationsDeg: null,
        accuracyTranslationsA: null,
        resolutionA: null,
      })),
    },
  };
}
