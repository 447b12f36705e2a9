import type { AnisotropyResult } from '../analysis/anisotropy/anisotropy.js';
import type { SeriesReport, TomoFinding } from '../diagnosis/tomo-triage.js';
import type { AberrationReading } from '../analysis/ctf/aberrations.js';
import type { CtfFinding, CtfSummary } from '../diagnosis/ctf-triage.js';
import type { SingleMapBudget } from '../analysis/budget/budget.js';
import type { Calibration } from '../analysis/ctf/calibration.js';
import type { OrientationResult } from '../analysis/orientations/scf.js';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import type { LocresReading } from '../analysis/locres/reading.js';
import type { Finding } from '../diagnosis/diagnose.js';
import type { Warning } from '../errors.js';
import type { BudgetFit } from '../analysis/budget/budget.js';
import type { ClassReading } from '../analysis/processing/classes.js';
import type { MotionReading } from '../analysis/processing/motion.js';
import type { PickingReading } from '../analysis/processing/picking.js';
import type { PolishingReading } from '../analysis/processing/polishing.js';
import type { RelionPostprocess } from '../diagnosis/evidence.js';
import type { ModelSummaryReport } from '../analysis/model/summary.js';
import type { ReslogResult } from '../analysis/whatif/reslog.js';
import type { WhatifResult } from '../diagnosis/whatif-result.js';

/** A file a project reader used: its role, the job it came from and why that job. */
export interface InputUse {
  role: string;
  file: string;
  job: string | null;
  note: string | null;
}

export type ReportInputs = Record<string, string | number | null | InputUse[]>;

/** Tilt series of a tomography project, as `cryodx tomo-report` judges them (docs/tomo.md). */
export interface TomographySection {
  series: SeriesReport[];
  findings: TomoFinding[];
}

export type { ModelSummaryReport };

/** The project's processing as measured (motion, polishing, classes, picks, RELION's post-processing). */
export interface ProcessingSummary {
  relionPostprocess: RelionPostprocess | null;
  gains: { polishingA: number | null; ctfRefinementA: number | null } | null;
  motion: MotionReading | null;
  polishing: PolishingReading | null;
  classes: ClassReading | null;
  picking: PickingReading | null;
  budgetFit: BudgetFit | null;
}

/**
 * What each fix buys, measured on the particles (`report --measure`): ResLog and the what-if reconstructions, as
 * `cryodx reslog` and `cryodx whatif` write them (docs/whatif.md).
 */
export interface MeasuredSection {
  reslog: ReslogResult;
  /** Null when the what-ifs could not run (said in a warning); ResLog stands. */
  whatif: WhatifResult | null;
  /** The mask every pair was measured in. */
  mask: string;
  /** The per-micrograph files the groups came from (beside the particle STAR's own columns). */
  groupFiles: string[];
  seconds: number;
}

/** report.json: everything the HTML report shows, versioned (schema/report.schema.json). */
export const REPORT_SCHEMA_VERSION = 1;

/** A tilt series' per-tilt CTF, as the report shows it (the full table is `cryodx tilt-ctf`'s). */
export interface TiltSeriesSummary {
  stack: string;
  method: string;
  tiltAxisDeg: number;
  tilts: {
    tiltDeg: number;
    preExposureEPerA2: number;
    defocusUA: number;
    defocusVA: number;
    fitResolutionA: number;
    bfactorA2: number;
    weight: number;
    flags: string[];
  }[];
}

export interface Measurement {
  name: string;
  value: number | string | null;
  unit: string;
  source: string;
}

export interface Report {
  schema: 'cryodx-report';
  schemaVersion: number;
  generatedBy: string;
  inputs: ReportInputs;
  verdict: { headline: string; top: { cause: string; title: string; strength: string; summary: string }[] };
  findings: Finding[];
  measurements: Measurement[];
  postprocess: Omit<PostprocessResult, 'shells' | 'guinierShells'> | null;
  anisotropy: Omit<AnisotropyResult, 'conicalFsc' | 'directions'> | null;
  orientations: OrientationResult | null;
  locres: Omit<LocresReading, 'histogram'> | null;
  ctf: CtfSummary | null;
  /** The dataset CTF findings (as `cryodx ctf-report`), and how many micrographs stand out. */
  ctfTriage?: { findings: CtfFinding[]; outliers: number } | null;
  /** CTF refinement's aberrations at the map's resolution, per optics group. */
  aberrations?: AberrationReading[] | null;
  /** A tilt series' per-tilt CTF, when one was given. */
  tiltSeries?: TiltSeriesSummary | null;
  /** A tomography project's tilt series (`report --project` on a RELION 5 tomography project). */
  tomography?: TomographySection | null;
  /** Rosenthal–Henderson estimate from this map's B-factor (a single refinement). */
  budget: SingleMapBudget | null;
  /** The Cs / pixel-size coupling, when a refined Cs was given. */
  calibration?: Calibration | null;
  /** Motion, polishing, classes and picks, when processing results were given. */
  processing?: ProcessingSummary | null;
  /** A model given with the maps (map–model FSC, construct advice, per residue). */
  model?: ModelSummaryReport | null;
  /** What each fix buys, measured (`report --measure`). */
  measured?: MeasuredSection | null;
  warnings: Warning[];
}

export interface ReportParts {
  version: string;
  inputs: ReportInputs;
  findings: Finding[];
  postprocess?: PostprocessResult | null;
  anisotropy?: AnisotropyResult | null;
  orientations?: OrientationResult | null;
  locres?: LocresReading | null;
  ctf?: CtfSummary | null;
  ctfTriage?: { findings: CtfFinding[]; outliers: number } | null;
  aberrations?: AberrationReading[] | null;
  tiltSeries?: TiltSeriesSummary | null;
  tomography?: TomographySection | null;
  budget?: SingleMapBudget | null;
  calibration?: Calibration | null;
  processing?: ProcessingSummary | null;
  model?: ModelSummaryReport | null;
  measured?: MeasuredSection | null;
  warnings?: Warning[];
}

export function buildReport(p: ReportParts): Report {
  const top = p.findings.filter((f) => f.strength === 'strong' || f.strength === 'possible').slice(0, 3);
  // Lower-case the first letter only where it is not an acronym (CTF stays CTF).
  const lc = (t: string): string => (/^[A-Z]{2}/.test(t) ? t : t[0]!.toLowerCase() + t.slice(1));
  const headline = top.length
    ? `Most likely limiting: ${top.map((f) => lc(f.title)).join(', then ')}.`
    : 'No limiting cause stands out in what was measured; see the causes not measured below for what to add.';
  const m: Measurement[] = [];
  const add = (name: string, value: number | string | null | undefined, unit: string, source: string): void => {
    if (value !== undefined)
      m.push({ name, value: typeof value === 'number' && !Number.isFinite(value) ? null : value, unit, source });
  };
  const pp = p.postprocess;
  if (pp) {
    add('resolution (corrected FSC = 0.143)', pp.resolutionA, 'Å', 'postprocess');
    add('B-factor', pp.bfactorA2, 'Å²', 'postprocess');
    add('Guinier fit r²', pp.guinier?.r2 ?? null, '', 'postprocess');
    add('phases randomised beyond', pp.randomizeFromA, 'Å', 'postprocess');
    add('FSC curve shape', pp.fsc.shape.kind, '', 'fsc');
  }
  const an = p.anisotropy;
  if (an) {
    add('sphericity', an.sphericity, '', 'anisotropy');
    add('cFAR', an.cfar, '', 'anisotropy');
    add('best directional resolution', an.directionalResolutionA.best, 'Å', 'anisotropy');
    add('worst directional resolution', an.directionalResolutionA.worst, 'Å', 'anisotropy');
  }
  const or = p.orientations;
  if (or) {
    add('particles', or.nParticles, '', 'orientations');
    add('SCF', or.scf, '', 'orientations');
    add('SCF*', or.scfStar, '', 'orientations');
    add('unsampled Fourier space', or.unsampledFraction * 100, '%', 'orientations');
    add('recommended tilt', or.recommendedTiltDeg, '°', 'orientations');
  }
  if (p.locres) {
    add('median local resolution', p.locres.medianA, 'Å', 'locres');
    add(
      'core / periphery local resolution',
      `${p.locres.coreA.toFixed(2)} / ${p.locres.peripheryA.toFixed(2)}`,
      'Å',
      'locres',
    );
  }
  if (p.ctf) {
    const pct = p.ctf.fractionFitWorseThanMap;
    add('micrographs', p.ctf.micrographs, '', 'ctf');
    add('reliable CTF fits', p.ctf.reliableFits, '', 'ctf');
    add('CTF fits worse than the map', pct === null ? null : pct * 100, '%', 'ctf');
    add(
      'median defocus (reliable fits)',
      p.ctf.medianDefocusUA === null ? null : p.ctf.medianDefocusUA / 10000,
      'µm',
      'ctf',
    );
    add('median CTF fit resolution', p.ctf.medianFitResolutionA, 'Å', 'ctf');
    add('median sample thickness', p.ctf.medianThicknessA, 'Å', 'ctf');
  }
  if (p.budget) {
    add('resolution gained by doubling the particles (from B)', p.budget.doublingGainA, 'Å', 'budget');
    for (const t of p.budget.targets)
      add(`particles needed for ${t.resolutionA.toFixed(2)} Å (× now)`, t.factor, '×', 'budget');
  }
  if (p.calibration) {
    add('pixel size implied by the refined Cs', p.calibration.pixelSizeImpliedA, 'Å', 'calibrate');
    add('pixel-size error', p.calibration.pixelSizeErrorPercent, '%', 'calibrate');
    add('phase error from the Cs difference at the resolution', p.calibration.phaseErrorDeg, '°', 'calibrate');
  }
  processingMeasurements(p.processing ?? null, add);
  modelMeasurements(p.model ?? null, add);
  measuredMeasurements(p.measured ?? null, add);
  const strip = <T extends object, K extends keyof T>(o: T | null | undefined, keys: K[]): Omit<T, K> | null => {
    if (!o) return null;
    const c = { ...o };
    for (const k of keys) delete c[k];
    return c;
  };
  return {
    schema: 'cryodx-report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedBy: `cryodx ${p.version}`,
    inputs: p.inputs,
    verdict: {
      headline,
      top: top.map((f) => ({
        cause: f.cause,
        title: f.title,
        strength: f.strength,
        summary: f.evidence.map((e) => e.statement).join('; '),
      })),
    },
    findings: p.findings,
    measurements: m,
    postprocess: strip(pp, ['shells', 'guinierShells']),
    anisotropy: strip(an, ['conicalFsc', 'directions']),
    orientations: or ?? null,
    locres: strip(p.locres, ['histogram']),
    ctf: p.ctf ?? null,
    ctfTriage: p.ctfTriage ?? null,
    aberrations: p.aberrations ?? null,
    tiltSeries: p.tiltSeries ?? null,
    tomography: p.tomography ?? null,
    budget: p.budget ?? null,
    calibration: p.calibration ?? null,
    processing: p.processing ?? null,
    model: p.model ?? null,
    ...(p.measured ? { measured: p.measured } : {}),
    warnings: p.warnings ?? [],
  };
}

type Add = (name: string, value: number | string | null | undefined, unit: string, source: string) => void;

function processingMeasurements(p: ProcessingSummary | null, add: Add): void {
  if (!p) return;
  const rp = p.relionPostprocess;
  if (rp) {
    add('resolution (RELION post-processing)', rp.resolutionA, 'Å', rp.source);
    add('B-factor (RELION post-processing)', rp.bfactorA2, 'Å²', rp.source);
    add('Guinier fit r² (RELION)', rp.guinierR2, '', rp.source);
  }
  if (p.gains?.polishingA != null) add('resolution gained by polishing', p.gains.polishingA, 'Å', 'project');
  if (p.gains?.ctfRefinementA != null)
    add('resolution gained by CTF refinement', p.gains.ctfRefinementA, 'Å', 'project');
  if (p.motion) {
    add('median accumulated motion', p.motion.medianTotalA, 'Å', 'motion');
    add('median early motion (first 4 e⁻/Å²)', p.motion.medianEarlyA, 'Å', 'motion');
    add('motion outliers', p.motion.outliers.length, 'micrographs', 'motion');
  }
  if (p.polishing) {
    add('first-frame weight at the map resolution', p.polishing.firstFrameWeight, '', 'polishing');
    add('measured critical exposure', p.polishing.measuredCriticalExposureEPerA2, 'e⁻/Å²', 'polishing');
    add('critical exposure (Grant & Grigorieff)', p.polishing.modelCriticalExposureEPerA2, 'e⁻/Å²', 'polishing');
  }
  if (p.classes) {
    add('classes holding signal', `${p.classes.signalClasses.length} of ${p.classes.classes.length}`, '', 'classes');
    add('particles in junk classes', p.classes.junkFraction * 100, '%', 'classes');
    add(
      'particles changing class (last iteration)',
      p.classes.changesOptimalClasses !== null ? p.classes.changesOptimalClasses * 100 : null,
      '%',
      'classes',
    );
  }
  const c = p.picking?.comparison;
  if (c) {
    add('picker agreement (Jaccard)', c.jaccard, '', `${c.a} vs ${c.b}`);
    add(`picks by ${c.a} found by ${c.b}`, c.fractionOfAFoundByB * 100, '%', 'picking');
    add(`picks by ${c.b} found by ${c.a}`, c.fractionOfBFoundByA * 100, '%', 'picking');
  }
  if (p.budgetFit) add('resolution gained by doubling the particles (fit)', p.budgetFit.doublingGainA, 'Å', 'budget');
}

function modelMeasurements(m: ModelSummaryReport | null, add: Add): void {
  if (!m) return;
  add('model residues', m.residues.length, '', 'model');
  const pl = m.residues.map((r) => r.plddt).filter((v): v is number => v !== null);
  if (pl.length) add('mean pLDDT', pl.reduce((a, b) => a + b, 0) / pl.length, '', 'model');
  if (pl.length) add('residues with pLDDT < 50', pl.filter((v) => v < 50).length, '', 'model');
  const c = m.mapModel?.crossings.masked;
  if (c) add('map–model FSC 0.5 (masked)', c.fsc05A, 'Å', 'model');
}

function measuredMeasurements(s: MeasuredSection | null, add: Add): void {
  if (!s) return;
  const f = s.reslog.fit;
  if (f) add('overall B from ResLog (measured on subsets)', f.overallBfactorA2, 'Å²', 'reslog');
  if (s.reslog.samplingLimitedFrom !== null)
    add('sampling-limited from', s.reslog.samplingLimitedFrom, 'particles', 'reslog');
  for (const g of s.whatif?.groups ?? [])
    if (g.effectA !== null) add(`what-if effect: without ${g.name}`, g.effectA, 'Å', `whatif (${g.verdict})`);
}
