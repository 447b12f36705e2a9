import type { AnisotropyResult } from '../analysis/anisotropy/anisotropy.js';
import type { BudgetFit, SingleMapBudget } from '../analysis/budget/budget.js';
import type { Calibration } from '../analysis/ctf/calibration.js';
import type { LocresReading } from '../analysis/locres/reading.js';
import type { OrientationResult } from '../analysis/orientations/scf.js';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import type { CtfSummary } from './ctf-triage.js';
import type { DiagnosisInput } from './diagnose.js';

/** Whatever analyses ran; every one given here reaches the diagnosis. */
export interface AnalysisResults {
  postprocess?: PostprocessResult | null;
  anisotropy?: Pick<AnisotropyResult, 'sphericity' | 'directionalResolutionA' | 'cfar'> | null;
  orientations?: Pick<OrientationResult, 'scfStar' | 'unsampledFraction' | 'recommendedTiltDeg'> | null;
  locres?: Pick<LocresReading, 'medianA' | 'coreA' | 'peripheryA' | 'regions'> | null;
  ctf?: CtfSummary | null;
  budget?: { fit?: BudgetFit | null; singleMap?: SingleMapBudget | null } | null;
  calibration?: Pick<Calibration, 'pixelSizeErrorPercent' | 'phaseErrorDeg'> | null;
}

/** A Guinier fit this poor (or this short) gives no B-factor to reason with. */
export const GUINIER_MIN = { r2: 0.5, points: 5 };

/** The one mapping from analysis results to the diagnosis's evidence, used by the report, the browser and the tests. */
export function evidenceFrom(r: AnalysisResults): DiagnosisInput {
  const dx: DiagnosisInput = {};
  const pp = r.postprocess;
  if (pp) {
    dx.fsc = { resolutionA: pp.resolutionA, shape: pp.fsc.shape.kind, warnings: pp.warnings.map((w) => w.code) };
    const g = pp.guinier;
    dx.bfactorA2 =
      pp.bfactorFrom === 'auto' && g && g.points >= GUINIER_MIN.points && g.r2 >= GUINIER_MIN.r2 ? pp.bfactorA2 : null;
  }
  if (r.anisotropy) {
    const a = r.anisotropy;
    dx.anisotropy = {
      sphericity: a.sphericity,
      bestA: a.directionalResolutionA.best,
      worstA: a.directionalResolutionA.worst,
      cfar: a.cfar,
    };
  }
  if (r.orientations) {
    const o = r.orientations;
    dx.orientations = {
      scfStar: o.scfStar,
      unsampledFraction: o.unsampledFraction,
      recommendedTiltDeg: o.recommendedTiltDeg,
    };
  }
  if (r.locres)
    dx.locres = {
      medianA: r.locres.medianA,
      coreA: r.locres.coreA,
      peripheryA: r.locres.peripheryA,
      worseRegions: r.locres.regions.length,
    };
  if (r.ctf) dx.ctf = { ...r.ctf };
  const fit = r.budget?.fit;
  const single = r.budget?.singleMap;
  if (fit) {
    dx.budget = { particleLimited: fit.particleLimited, gainFromDoublingA: fit.doublingGainA, from: 'fit' };
  } else if (single) {
    dx.budget = { particleLimited: false, gainFromDoublingA: single.doublingGainA, from: 'single-map' };
  }
  if (r.calibration)
    dx.calibration = {
      pixelSizeErrorPercent: r.calibration.pixelSizeErrorPercent,
      phaseErrorDeg: r.calibration.phaseErrorDeg,
    };
  return dx;
}
