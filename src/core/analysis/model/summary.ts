import type { ConstructAdvice } from './construct.js';
import type { MapModelResult } from './map-model.js';

/** The model against the map, construct advice, and the residues' pLDDT beside their local resolution. */
export interface ModelSummaryReport {
  model: string;
  atoms: number;
  predicted: boolean;
  mapModel: {
    crossings: MapModelResult['crossings'];
    overfitting: MapModelResult['overfitting'];
    maskRadiusA: number;
  } | null;
  construct: ConstructAdvice | null;
  residues: {
    chain: string;
    resSeq: number;
    resName: string;
    plddt: number | null;
    localResolutionA: number | null;
    /** Pintilie's Q-score (the residue's atoms' mean) and the map at Cα (the average of the half maps). */
    qScore: number | null;
    mapValue: number | null;
    bfactorA2: number;
  }[];
  /** Stretches the map does not support: Q well below the expected at the map's resolution. */
  worseSegments: { chain: string; start: number; end: number; meanQ: number; statement: string }[];
}
