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
    /** Cones the directional FSCs were computed over. */
    cones?: number;
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
   * From refinements of different sizes ('fit'), ResLog's subsets of one refinement ('reslog': a lower bound, the
   * angles refined on all) or from one map's B ('single-map', a lower bound on what more data
   * buys).
   */
  budget?: {
    particleLimited: boolean;
    gainFromDoublingA: number;
    from: 'fit' | 'reslog' | 'single-map';
    refinements?: number;
    /** ResLog: the half-map pairs the fit went through. */
    maps?: number;
  };
  ctf?: {
    /** Fits whose numbers cannot be used; the other fields come from the rest. */
    fractionUnreliable?: number;
    /** Fits that can be used (the basis of every other field). */
    reliableFits?: number;
    /** Most fits unreliable: the run failed, and its few passing fits speak for nothing. */
    failedRun?: boolean;
    /** Of the reliable fits, those whose defocus alone supports less than the map; null without a map or fits. */
    fractionFitWorseThanMap: number | null;
    medianDefocusUA: number | null;
    /** 95 % interval of the median defocus (order statistics), null below 6 fits. */
    medianDefocusIntervalUA?: [number, number] | null;
    medianFitResolutionA: number | null;
    medianThicknessA: number | null;
    medianThicknessIntervalA?: [number, number] | null;
    /** Reliable fits with a thickness. */
    thicknessFits?: number;
    micrographs: number;
  };
  calibration?: { pixelSizeErrorPercent: number; phaseErrorDeg: number | null };
  /** CTF refinement's aberrations read at the map's resolution (analysis/ctf/aberrations.ts). */
  aberrations?: AberrationReading[];
  /** A model with the maps: its disordered share (pLDDT < 50), where that meets poor local resolution, overfitting. */
  model?: {
    disorderedFraction: number | null;
    /** Residues with a pLDDT, and the predicted-disordered segments that were checked against local resolution. */
    residues?: number;
    disorderedSegments?: number;
    agreement: string[];
    overfitted: boolean | null;
    overfittingEvidence: string | null;
  };
  /** The particle's longest dimension (Å): ice is judged against 1.1–1.5× it. */
  particleDiameterA?: number;
  /** Motion correction's statistics per micrograph (Å). */
  motion?: {
    micrographs: number;
    /** The micrographs beyond the bulk, by name (listed when they are a handful). */
    outliers?: string[];
    medianTotalA: number;
    medianEarlyA: number | null;
    earlyToLateRate: number | null;
    outlierFraction: number;
  };
  /** Polishing's per-frame weights read at the map's resolution. */
  polishing?: {
    resolutionA: number;
    /** Frames whose per-frame B the reading comes from. */
    frames?: number;
    firstFrameWeight: number;
    criticalExposureRatio: number | null;
    measuredCriticalExposureEPerA2: number | null;
    modelCriticalExposureEPerA2: number;
    /** Exposure after which frames carry < 10 % of the best frame's weight at the map's resolution. */
    contributingExposureEPerA2?: number | null;
  };
  /** What each processing step bought, from the project's post-processing before and after it (Å). */
  gains?: { polishingA: number | null; ctfRefinementA: number | null };
  /** A 2D or 3D classification. */
  classes?: {
    dimensionality: 2 | 3 | null;
    classes: number;
    signalClasses: number;
    /** False when the file gives no class resolutions: "signal" then means populated only. */
    resolved: boolean;
    /** Signal classes the downstream selection kept, when known. */
    keptSignalClasses: number | null;
    junkFraction: number;
    changesOptimalClasses: number | null;
    jumpFraction: number | null;
    pMaxMedian: number | null;
    pMaxBimodality: number | null;
    significantSamplesMedian?: number | null;
    /** Particles in the last iteration, when known. */
    particles?: number | null;
  };
  /** Two pickers compared, and picks per micrograph against the micrographs' CTF. */
  picking?: {
    pickers: [string, string] | null;
    jaccard: number | null;
    /** What unrelated pick sets of the same densities would share by chance. */
    chanceJaccard: number | null;
    micrographs: number;
    /** Pearson's r of picks per micrograph against defocus (reliable CTF fits only), and over how many micrographs. */
    countCorrelations: { property: string; r: number; micrographs?: number }[];
    /** Picks of the two pickers compared (their sum), for the basis. */
    picks?: number;
    /** Fraction of the final particles each picker found (on the micrographs both cover). */
    survival: { picker: string; fractionOfFinal: number; fractionSurvived: number }[];
    /** The picker the final particles came from, and the share of the other's picks it did not find. */
    usedPicker: string | null;
    missedByUsed: number | null;
  };
}
