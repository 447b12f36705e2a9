import type { AnisotropyResult } from '../analysis/anisotropy/anisotropy.js';
import type { SingleMapBudget } from '../analysis/budget/budget.js';
import type { AberrationReading } from '../analysis/ctf/aberrations.js';
import type { Calibration } from '../analysis/ctf/calibration.js';
import type { LocresReading } from '../analysis/locres/reading.js';
import type { ModelSummaryReport } from '../analysis/model/summary.js';
import type { OrientationResult } from '../analysis/orientations/scf.js';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import type { CtfFinding, CtfSummary } from '../diagnosis/ctf-triage.js';
import type { Warning } from '../errors.js';
import type { Volume } from '../model/volume.js';
import type { TiltSeriesSummary, TomographySection } from '../report/report.js';

/** What the report job gathers as its analyses run, before the diagnosis and the report are made from it. */
export interface Collected {
  pp: PostprocessResult | null;
  an: AnisotropyResult | null;
  or: OrientationResult | null;
  lr: LocresReading | null;
  ctf: CtfSummary | null;
  ctfTriage: { findings: CtfFinding[]; outliers: number } | null;
  aberrations: AberrationReading[];
  tiltSeries: TiltSeriesSummary | null;
  /** A tomography project's tilt series judged as `cryodx tomo-report` judges them. */
  tomography: TomographySection | null;
  budget: SingleMapBudget | null;
  calibration: Calibration | null;
  specs: { name: string; spec: Record<string, unknown> }[];
  slices: { title: string; png: Uint8Array }[];
  /** The maps behind the slices, for interactive viewing (n³ each). */
  volumes: { n: number; sharpened: Float32Array; mask: Float32Array | null; locres: Float32Array | null } | null;
  warnings: Warning[];
  pixelSizeA: number | null;
  /** The particle's longest dimension from the mask (an upper bound), when no size was given. */
  maskDiameterA: number | null;
  halves: { half1: Volume; half2: Volume } | null;
  model: ModelSummaryReport | null;
}

export function newCollected(pixelSizeA: number | null): Collected {
  return {
    ctfTriage: null,
    tiltSeries: null,
    tomography: null,
    aberrations: [],
    pp: null,
    an: null,
    or: null,
    lr: null,
    ctf: null,
    budget: null,
    calibration: null,
    specs: [],
    slices: [],
    volumes: null,
    warnings: [],
    pixelSizeA: pixelSizeA,
    maskDiameterA: null,
    halves: null,
    model: null,
  };
}
