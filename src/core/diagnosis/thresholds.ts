import { RLN } from '../io/star/labels.js';
/**
 * Every threshold the interpretation uses, written once: the comparison, the level that makes
 * evidence "possible" and the level that makes it "strong", the unit, and where the number comes
 * from. The diagnosis and the CTF triage both judge with these, and the text a user reads ("> 500 Å",
 * "strong > 800 Å") is derived from the same numbers, so the sentence and the comparison cannot drift.
 */
export type Comparison = '>' | '<' | '≥';

export interface Threshold {
  /** The measure's name, with its unit in it (as in the results). */
  measure: string;
  op: Comparison;
  possible: number;
  /** Absent: this measure alone never makes a cause strong. */
  strong?: number;
  /** Unit as printed after the number ('Å', 'Å²', '%', ''), and a scale from the stored value to it. */
  unit: string;
  scale?: number;
  source: string;
}

export type Level = 'strong' | 'possible' | 'none';

function passes(op: Comparison, value: number, at: number): boolean {
  return op === '>' ? value > at : op === '<' ? value < at : value >= at;
}

/** How far a value goes past a threshold. */
export function levelOf(t: Threshold, value: number): Level {
  if (!Number.isFinite(value)) return 'none';
  if (t.strong !== undefined && passes(t.op, value, t.strong)) return 'strong';
  return passes(t.op, value, t.possible) ? 'possible' : 'none';
}

function show(t: Threshold, v: number): string {
  const x = v * (t.scale ?? 1);
  const text = Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
  return `${text}${t.unit ? (t.unit === '%' ? ' %' : ` ${t.unit}`) : ''}`;
}

/** "> 500 Å (strong > 800 Å)": the threshold as a user reads it, from the same numbers as levelOf. */
export function thresholdText(t: Threshold): string {
  const strong = t.strong !== undefined && t.strong !== t.possible ? ` (strong ${t.op} ${show(t, t.strong)})` : '';
  return `${t.op} ${show(t, t.possible)}${strong}`;
}

const SEED = 'seed 000';

/** The table. Keys are stable names used by the rules; `measure` is what evidence reports. */
export const THRESHOLDS = {
  peripheryOverCore: {
    measure: 'peripheryOverCoreResolution',
    op: '>',
    possible: 1.25,
    strong: 1.5,
    unit: '',
    source: `${SEED}, reason 1 (flexible periphery)`,
  },
  worseRegions: {
    measure: 'worseRegions',
    op: '>',
    possible: 0,
    unit: '',
    source: 'cryodx locres: regions ≥ 25 % worse than the median',
  },
  sphericity: {
    measure: 'sphericity',
    op: '<',
    possible: 0.92,
    strong: 0.85,
    unit: '',
    source: 'Tan et al. 2017 (3DFSC): < 0.85 suggests anisotropy',
  },
  directionalSpread: {
    measure: 'directionalSpreadA',
    op: '>',
    possible: 1,
    strong: 1,
    unit: 'Å',
    source: `${SEED}, reason 2`,
  },
  cfar: { measure: 'cfar', op: '<', possible: 0.5, unit: '', source: 'cryoSPARC cFAR: < 0.5 is anisotropic' },
  scfStar: {
    measure: 'scfStar',
    op: '<',
    possible: 0.81,
    strong: 0.6,
    unit: '',
    source: 'Baldwin & Lyumkis 2020; cryoSPARC flags SCF* < 0.81',
  },
  scfStarRelative: {
    measure: 'scfStarRelative',
    op: '<',
    possible: 0.81,
    strong: 0.6,
    unit: '',
    source: 'Baldwin & Lyumkis 2020; cryoSPARC flags SCF* < 0.81 — here relative to as many random views',
  },
  thickness: {
    measure: 'medianThicknessA',
    op: '>',
    possible: 500,
    strong: 800,
    unit: 'Å',
    source: `${SEED}, reason 3 (ice above ~50 nm costs signal)`,
  },
  iceOverParticle: {
    measure: 'thicknessOverParticleSize',
    op: '>',
    possible: 1.5,
    unit: '',
    // Never strong alone: small particles cannot have ice 1.5× their size; the absolute thickness decides that.
    source: `${SEED}, reason 3 (aim for 1.1–1.5× the particle's longest dimension)`,
  },
  iceTooThin: {
    measure: 'thicknessOverParticleSize',
    op: '<',
    possible: 1.1,
    unit: '',
    source: `${SEED}, reason 3 (ice thinner than the particle pushes it to the air–water interface)`,
  },
  disorderedFraction: {
    measure: 'disorderedFraction',
    op: '>',
    possible: 0.1,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 1 and its construct advice; AlphaFold's pLDDT < 50 = likely disordered`,
  },
  plddtLocresSegments: {
    measure: 'disorderedAndPoorlyResolvedSegments',
    op: '>',
    possible: 0,
    strong: 1,
    unit: '',
    source: `${SEED}: pLDDT and local resolution telling the same story (segments < 50 and > 1.25× the median)`,
  },
  bfactor: {
    measure: 'overallBfactorA2',
    op: '>',
    possible: 150,
    unit: 'Å²',
    source: `${SEED}, reason 4 (> 150 Å²: polishing alone does not reach 3 Å)`,
  },
  bfactorWithCollapse: {
    measure: 'overallBfactorA2',
    op: '>',
    possible: 100,
    unit: 'Å²',
    source: `${SEED}: an FSC that stays high then collapses is a B-factor problem`,
  },
  fitWorseThanMap: {
    measure: 'fractionFitWorseThanMap',
    op: '>',
    possible: 0.1,
    strong: 0.3,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 5`,
  },
  defocus: {
    measure: 'medianDefocusUA',
    op: '>',
    possible: 20000,
    strong: 25000,
    unit: 'µm',
    scale: 1e-4,
    source: `${SEED}, reason 5 (1.5–3 µm is devastating for high-resolution CTF)`,
  },
  unsampled: {
    measure: 'unsampledFraction',
    op: '>',
    possible: 0.05,
    unit: '%',
    scale: 100,
    source: 'cryodx orientations: Fourier space with no view',
  },
  pixelSizeError: {
    measure: 'pixelSizeErrorPercent',
    op: '>',
    possible: 1,
    strong: 2,
    unit: '%',
    source: 'RELION docs, pixel size issues; seed 003',
  },
  phaseError: {
    measure: 'phaseErrorDeg',
    op: '>',
    possible: 45,
    strong: 45,
    unit: '°',
    source: 'a quarter of the way to a CTF sign flip',
  },
  fscAtNyquist: {
    measure: 'fscAtNyquist',
    op: '≥',
    possible: 0.143,
    strong: 0.143,
    unit: '',
    source: 'Rosenthal & Henderson 2003 (0.143); an FSC still above it at Nyquist is cut by the sampling',
  },
  resolutionOverNyquist: {
    measure: 'resolutionOverNyquist',
    op: '<',
    possible: 1.15,
    unit: '',
    source: 'cryodx: the 0.143 crossing within 15 % of Nyquist (two to three shells in a typical box)',
  },
  comaPhase: {
    measure: 'comaPhaseDeg',
    op: '>',
    possible: 45,
    strong: 90,
    unit: '°',
    source: 'Glaeser et al. 2011 (coma from beam tilt, 2π·Cs·λ²·k³·τ); a quarter of the way to a sign flip',
  },
  magAnisotropy: {
    measure: 'magAnisotropyPercent',
    op: '>',
    possible: 0.5,
    strong: 1,
    unit: '%',
    source: 'Grant & Grigorieff 2015 (magnification distortion); RELION 3.1 refines it when it matters',
  },
  doublingGain: {
    measure: 'gainFromDoublingA',
    op: '≥',
    possible: 0.1,
    unit: 'Å',
    source: 'Rosenthal & Henderson 2003',
  },
  motionOutliers: {
    measure: 'fractionMotionOutliers',
    op: '>',
    possible: 0.1,
    strong: 0.3,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 4; outliers beyond median + 3 robust SD of the accumulated motion`,
  },
  earlyMotionRate: {
    measure: 'earlyToLateMotionRate',
    op: '>',
    possible: 2,
    strong: 4,
    unit: '',
    source: 'Brilot et al. 2012, Li et al. 2013: beam-induced motion is fastest in the first frames',
  },
  firstFrameWeight: {
    measure: 'firstFrameWeight',
    op: '<',
    possible: 0.5,
    strong: 0.25,
    unit: '',
    source: `${SEED}, reason 4 (first 1–2 frames with lower weight: motion-dominated); Zivanov et al. 2019`,
  },
  criticalExposureRatio: {
    measure: 'criticalExposureRatio',
    op: '<',
    possible: 0.5,
    strong: 0.25,
    unit: '',
    source: 'Grant & Grigorieff 2015: frames losing signal faster than radiation damage alone predicts',
  },
  polishingGain: {
    measure: 'polishingGainA',
    op: '≥',
    possible: 0.2,
    unit: 'Å',
    source: `${SEED}, reason 4 (Bayesian polishing helps > 0.2 Å: motion was a limit)`,
  },
  signalClasses: {
    measure: 'signalClasses',
    op: '>',
    possible: 1,
    unit: '',
    source:
      `${SEED}, reason 1 (classes with clearly different compositions); a class holds signal with ≥ 5 % of the ` +
      'particles and within 1.5× the best resolution',
  },
  keptSignalClasses: {
    measure: 'keptSignalClasses',
    op: '>',
    possible: 1,
    strong: 1,
    unit: '',
    source: `${SEED}, reason 1 (a mixture that classification did not separate inflates B by 30–50 Å²)`,
  },
  classChanges: {
    measure: 'changesOptimalClasses',
    op: '>',
    possible: 0.05,
    unit: '%',
    scale: 100,
    source: `RELION ${RLN.changesOptimalClasses}: > 5 % still changing class at the last iteration is not converged`,
  },
  pickerJaccard: {
    measure: 'pickerJaccard',
    op: '<',
    possible: 0.5,
    unit: '',
    source: `${SEED}, reason 6 (re-picking with another method gives different particles); Topaz match_coordinates`,
  },
  pickerMissed: {
    measure: 'fractionMissedByUsedPicker',
    op: '>',
    possible: 0.3,
    strong: 0.5,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 6 (validate that the picker does not miss particles another method finds)`,
  },
  pickDefocusCorrelation: {
    measure: 'pickCountCorrelationAbs',
    op: '>',
    possible: 0.5,
    unit: '',
    source: `${SEED}, reason 6 (pickers favour high-contrast micrographs: thick ice, high defocus)`,
  },
  /** CTF triage: fractions of micrographs (the per-micrograph limits are below). */
  ctfFractionUnreliable: {
    measure: 'fractionUnreliable',
    op: '>',
    possible: 0.1,
    strong: 0.3,
    unit: '%',
    scale: 100,
    source: 'a failed run (figures of merit 0.02–0.08) is unreliable throughout; a good one has none',
  },
  ctfFractionFitWorse: {
    measure: 'fraction',
    op: '>',
    possible: 0.1,
    strong: 0.3,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 5`,
  },
  ctfFractionHighDefocus: {
    measure: 'fraction',
    op: '>',
    possible: 0.2,
    strong: 0.5,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 5`,
  },
  ctfFractionIce: {
    measure: 'fraction',
    op: '>',
    possible: 0.1,
    strong: 0.3,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 3`,
  },
  ctfFractionAstigmatism: {
    measure: 'fraction',
    op: '>',
    possible: 0.1,
    strong: 0.3,
    unit: '%',
    scale: 100,
    source: `${SEED}, reason 7`,
  },
  ctfFractionFailed: {
    measure: 'fraction',
    op: '>',
    possible: 0.05,
    strong: 0.2,
    unit: '%',
    scale: 100,
    source: 'CTFFIND practice',
  },
} satisfies Record<string, Threshold>;

/** Per-micrograph limits of the CTF triage (one number each; the fractions above grade them). */
export const CTF_LIMITS = {
  /** Mean defocus above which a micrograph counts as high-defocus (the diagnosis's "strong" level). */
  highDefocusA: THRESHOLDS.defocus.strong,
  /** Ice above ~50 nm costs signal for most single particles (the diagnosis's "possible" level). */
  thickIceA: THRESHOLDS.thickness.possible,
  /** Astigmatism a well-aligned microscope avoids (reason 7, "astigmatism uncorrected at the user level"). */
  astigmatismA: 1000,
  /** A Thon-ring fit stopping before 8 Å means the estimate failed. */
  failedFitA: 8,
  /**
   * Below this figure of merit (CTFFIND's cross-correlation, RELION's rlnCtfFigureOfMerit) the rings barely
   * correlate with the model: the RELION tutorial's good CTFFIND 4.1 run has 0.13–0.21, a failed run of the
   * same micrographs 0.017–0.08.
   */
  minFigureOfMerit: 0.1,
  /** Refined per-particle defocus within one micrograph: SD beyond this (Å) exceeds thick ice's ~500 Å range. */
  particleDefocusSpreadA: 500,
  /** An SD of fewer particles than this says little about a micrograph's spread. */
  minParticlesForSpread: 5,
  /**
   * More than this share of fits unreliable is a failed run: what passed is no sample of the dataset (the real failed
   * CTFFIND run the issue describes: 96 % unreliable, and its one passing fit as wrong as the rest).
   */
  failedRunFraction: 0.5,
};
