import type { AberrationReading } from '../analysis/ctf/aberrations.js';

/** The measurements the diagnosis reads; every field optional — missing inputs mean "not measured". */
export interface DiagnosisInput {
  fsc?: {
    resolutionA: number | null;
    shape: string;
    warnings: string[];
    /** The corrected (or, without a mask, unmasked) FSC at the Nyquist shell, and Nyquist in Å. */
    fscAtNyquist?: number | null;
    nyquistA?: number | null;
  };
  bfactorA2?: number | null;
  anisotropy?: {
    sphericity: number;
    bestA: number | null;
    worstA: number | null;
    cfar: number;
    /** The sphericity an isotropic map with this FSC, box and cones shows (lowest realisation). */
    sphericityFloor?: number | null;
  };
  orientations?: {
    scfStar: number;
    unsampledFraction: number;
    recommendedTiltDeg: number;
    /** SCF* of as many uniformly random views: the finite-sample floor. */
    scfStarUniform?: number | null;
    particles?: number;
  };
  locres?: { medianA: number; coreA: number; peripheryA: number; worseRegions: number };
  /**
   * From refinements of different sizes ('fit') or from one map's B ('single-map', a lower bound on what more data
   * buys).
   */
  budget?: { particleLimited: boolean; gainFromDoublingA: number; from: 'fit' | 'single-map' };
  ctf?: {
    /** Fits whose numbers cannot be used; the other fields come from the rest. */
    fractionUnreliable?: number;
    fractionFitWorseThanMap: number;
    medianDefocusUA: number;
    medianFitResolutionA: number;
    medianThicknessA: number | null;
    micrographs: number;
  };
  calibration?: { pixelSizeErrorPercent: number; phaseErrorDeg: number | null };
  /** CTF refinement's aberrations read at the map's resolution (analysis/ctf/aberrations.ts). */
  aberrations?: AberrationReading[];
}
