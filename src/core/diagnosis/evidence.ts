import type { AnisotropyResult } from '../analysis/anisotropy/anisotropy.js';
import type { BudgetFit, SingleMapBudget } from '../analysis/budget/budget.js';
import type { AberrationReading } from '../analysis/ctf/aberrations.js';
import type { Calibration } from '../analysis/ctf/calibration.js';
import type { LocresReading } from '../analysis/locres/reading.js';
import type { OrientationResult } from '../analysis/orientations/scf.js';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import type { ClassReading } from '../analysis/processing/classes.js';
import type { MotionReading } from '../analysis/processing/motion.js';
import type { PickingReading } from '../analysis/processing/picking.js';
import type { PolishingReading } from '../analysis/processing/polishing.js';
import type { CtfSummary } from './ctf-triage.js';
import type { ModelSummaryReport } from '../analysis/model/summary.js';
import type { DiagnosisInput } from './diagnose.js';

/** Whatever analyses ran; every one given here reaches the diagnosis. */
export interface AnalysisResults {
  postprocess?: PostprocessResult | null;
  anisotropy?:
    | (Pick<AnisotropyResult, 'sphericity' | 'directionalResolutionA' | 'cfar'> &
        Partial<Pick<AnisotropyResult, 'sphericityNoiseFloor' | 'directions'>>)
    | null;
  orientations?:
    | (Pick<OrientationResult, 'scfStar' | 'unsampledFraction' | 'recommendedTiltDeg' | 'nParticles'> &
        Partial<Pick<OrientationResult, 'scfStarUniform'>>)
    | null;
  locres?: Pick<LocresReading, 'medianA' | 'coreA' | 'peripheryA' | 'regions'> | null;
  ctf?: CtfSummary | null;
  budget?: { fit?: BudgetFit | null; singleMap?: SingleMapBudget | null } | null;
  /** ResLog on these particles (`report --measure`): a Rosenthal–Henderson fit over subsets, over any other. */
  reslog?: { particleLimited: boolean | null; doublingGainA: number | null; maps: number } | null;
  calibration?: Pick<Calibration, 'pixelSizeErrorPercent' | 'phaseErrorDeg'> | null;
  aberrations?: AberrationReading[] | null;
  /** RELION's own post-processing (postprocess.star), used when cryodx has no half maps to post-process. */
  relionPostprocess?: RelionPostprocess | null;
  motion?: MotionReading | null;
  polishing?: PolishingReading | null;
  gains?: { polishingA: number | null; ctfRefinementA: number | null } | null;
  classes?: ClassReading | null;
  picking?: PickingReading | null;
  /** The particle's longest dimension (Å), given or from the project's jobs. */
  particleDiameterA?: number | null;
  model?: ModelSummaryReport | null;
}

/** What a postprocess.star says: resolution, sharpening B and its Guinier fit, the FSC at Nyquist. */
export interface RelionPostprocess {
  source: string;
  resolutionA: number;
  bfactorA2: number | null;
  guinierR2: number | null;
  fscAtNyquist: number | null;
  nyquistA: number | null;
}

/** A Guinier fit this poor (or this short) gives no B-factor to reason with. */
export const GUINIER_MIN = {
  r2: 0.5,
  points: 5,
  resolutionA: 7,
  /** A |B| below this is no real map's fall-off (the fit's noise). */
  absBfactorA2: 10,
};

/**
 * A B-factor the diagnosis may reason with: fitted (not given), over enough shells, on a straight Guinier
 * plot, and from a map fine enough for the fit to have a range (RELION fits from 10 Å; beyond ~7 Å there is
 * next to nothing to fit).
 */
export function credibleBfactor(pp: PostprocessResult): boolean {
  const g = pp.guinier;
  const fine = pp.resolutionA !== null && pp.resolutionA <= GUINIER_MIN.resolutionA;
  const real = Math.abs(pp.bfactorA2) >= GUINIER_MIN.absBfactorA2;
  return pp.bfactorFrom === 'auto' && !!g && g.points >= GUINIER_MIN.points && g.r2 >= GUINIER_MIN.r2 && fine && real;
}

/** The one mapping from analysis results to the diagnosis's evidence, used by the report, the browser and the tests. */
export function evidenceFrom(r: AnalysisResults): DiagnosisInput {
  const dx: DiagnosisInput = {};
  const pp = r.postprocess;
  if (pp) {
    const last = pp.shells[pp.shells.length - 1];
    dx.fsc = {
      resolutionA: pp.resolutionA,
      shape: pp.fsc.shape.kind,
      warnings: pp.warnings.map((w) => w.code),
      fscAtNyquist: last ? (last.fscCorrected ?? last.fscUnmasked) : null,
      nyquistA: 2 * pp.pixelSizeA,
    };
    dx.bfactorA2 = credibleBfactor(pp) ? pp.bfactorA2 : null;
  }
  if (!pp && r.relionPostprocess) {
    const rp = r.relionPostprocess;
    dx.fsc = {
      resolutionA: rp.resolutionA,
      shape: 'unknown',
      warnings: [],
      fscAtNyquist: rp.fscAtNyquist,
      nyquistA: rp.nyquistA,
    };
    const credible =
      rp.bfactorA2 !== null &&
      rp.guinierR2 !== null &&
      rp.guinierR2 >= GUINIER_MIN.r2 &&
      Math.abs(rp.bfactorA2) >= GUINIER_MIN.absBfactorA2 &&
      rp.resolutionA <= GUINIER_MIN.resolutionA;
    dx.bfactorA2 = credible ? rp.bfactorA2 : null;
  }
  processingEvidence(r, dx);
  if (r.particleDiameterA) dx.particleDiameterA = r.particleDiameterA;
  if (r.model) {
    const c = r.model.construct;
    const scored = r.model.residues.filter((x) => x.plddt !== null);
    dx.model = {
      disorderedFraction: scored.length ? scored.filter((x) => x.plddt! < 50).length / scored.length : null,
      residues: scored.length,
      disorderedSegments: c?.disordered.length ?? 0,
      agreement: c?.agreement.map((a) => a.statement) ?? [],
      overfitted: r.model.mapModel ? r.model.mapModel.overfitting.verdict === 'overfitted' : null,
      overfittingEvidence: r.model.mapModel?.overfitting.evidence ?? null,
    };
  }
  if (r.anisotropy) {
    const a = r.anisotropy;
    dx.anisotropy = {
      sphericityFloor: a.sphericityNoiseFloor?.low ?? null,
      sphericity: a.sphericity,
      bestA: a.directionalResolutionA.best,
      worstA: a.directionalResolutionA.worst,
      cfar: a.cfar,
      ...(a.directions ? { cones: a.directions.length } : {}),
    };
  }
  if (r.orientations) {
    const o = r.orientations;
    dx.orientations = {
      scfStar: o.scfStar,
      // What the views leave empty beyond what as many random views would.
      unsampledFraction: Math.max(0, o.unsampledFraction - (o.scfStarUniform?.unsampledFraction ?? 0)),
      recommendedTiltDeg: o.recommendedTiltDeg,
      scfStarUniform: o.scfStarUniform?.mean ?? null,
      particles: o.nParticles,
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
  // Refinements of different sizes measure the budget best (each refined on its own); ResLog keeps the angles of
  // the full refinement, so it comes second.
  const rl = r.reslog;
  if (!fit && rl && rl.particleLimited !== null && rl.doublingGainA !== null) {
    dx.budget = {
      particleLimited: rl.particleLimited,
      gainFromDoublingA: rl.doublingGainA,
      from: 'reslog',
      maps: rl.maps,
    };
  } else if (fit) {
    dx.budget = {
      particleLimited: fit.particleLimited,
      gainFromDoublingA: fit.doublingGainA,
      from: 'fit',
      refinements: fit.points.length,
    };
  } else if (single) {
    dx.budget = { particleLimited: false, gainFromDoublingA: single.doublingGainA, from: 'single-map' };
  }
  if (r.aberrations?.length) dx.aberrations = r.aberrations;
  if (r.calibration)
    dx.calibration = {
      pixelSizeErrorPercent: r.calibration.pixelSizeErrorPercent,
      phaseErrorDeg: r.calibration.phaseErrorDeg,
    };
  return dx;
}

/** Motion, polishing, classes and picks: the project's own processing results. */
function processingEvidence(r: AnalysisResults, dx: DiagnosisInput): void {
  if (r.motion)
    dx.motion = {
      micrographs: r.motion.micrographs.length,
      medianTotalA: r.motion.medianTotalA,
      medianEarlyA: r.motion.medianEarlyA,
      earlyToLateRate: r.motion.earlyToLateRate,
      outlierFraction: r.motion.outliers.length / r.motion.micrographs.length,
      outliers: r.motion.outliers,
    };
  if (r.polishing)
    dx.polishing = {
      resolutionA: r.polishing.resolutionA,
      frames: r.polishing.frames.length,
      firstFrameWeight: r.polishing.firstFrameWeight,
      criticalExposureRatio: r.polishing.criticalExposureRatio,
      measuredCriticalExposureEPerA2: r.polishing.measuredCriticalExposureEPerA2,
      modelCriticalExposureEPerA2: r.polishing.modelCriticalExposureEPerA2,
      contributingExposureEPerA2: r.polishing.contributingExposureEPerA2,
    };
  if (r.gains) dx.gains = { ...r.gains };
  if (r.classes)
    dx.classes = {
      dimensionality: r.classes.dimensionality,
      classes: r.classes.classes.length,
      signalClasses: r.classes.signalClasses.length,
      resolved: r.classes.classes.some((c) => c.resolutionA !== null),
      keptSignalClasses: r.classes.keptSignalClasses?.length ?? null,
      junkFraction: r.classes.junkFraction,
      changesOptimalClasses: r.classes.changesOptimalClasses,
      jumpFraction: r.classes.jumpFraction,
      pMaxMedian: r.classes.pMaxMedian,
      pMaxBimodality: r.classes.pMaxBimodality,
      significantSamplesMedian: r.classes.significantSamplesMedian,
      particles: r.classes.particles ?? null,
    };
  if (r.picking)
    dx.picking = {
      pickers: r.picking.comparison ? [r.picking.comparison.a, r.picking.comparison.b] : null,
      jaccard: r.picking.comparison?.jaccard ?? null,
      chanceJaccard: r.picking.comparison?.chanceJaccard ?? null,
      micrographs: r.picking.comparison?.micrographs ?? 0,
      countCorrelations: r.picking.countCorrelations.map((c) => ({
        property: c.property,
        r: c.r,
        micrographs: c.micrographs,
      })),
      ...(r.picking.comparison ? { picks: r.picking.comparison.picksA + r.picking.comparison.picksB } : {}),
      usedPicker: r.picking.usedPicker,
      missedByUsed: r.picking.missedByUsed,
      survival: r.picking.survival.map((s) => ({
        picker: s.picker,
        fractionOfFinal: s.fractionOfFinal,
        fractionSurvived: s.fractionSurvived,
      })),
    };
}
