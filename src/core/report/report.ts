import type { AnisotropyResult } from '../analysis/anisotropy/anisotropy.js';
import type { AberrationReading } from '../analysis/ctf/aberrations.js';
import type { CtfFinding, CtfSummary } from '../diagnosis/ctf-triage.js';
import type { SingleMapBudget } from '../analysis/budget/budget.js';
import type { Calibration } from '../analysis/ctf/calibration.js';
import type { OrientationResult } from '../analysis/orientations/scf.js';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import type { LocresReading } from '../analysis/locres/reading.js';
import type { Finding } from '../diagnosis/diagnose.js';
import type { Warning } from '../errors.js';

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
  inputs: Record<string, string | number | null>;
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
  /** Rosenthal–Henderson estimate from this map's B-factor (a single refinement). */
  budget: SingleMapBudget | null;
  /** The Cs / pixel-size coupling, when a refined Cs was given. */
  calibration?: Calibration | null;
  warnings: Warning[];
}

export interface ReportParts {
  version: string;
  inputs: Record<string, string | number | null>;
  findings: Finding[];
  postprocess?: PostprocessResult | null;
  anisotropy?: AnisotropyResult | null;
  orientations?: OrientationResult | null;
  locres?: LocresReading | null;
  ctf?: CtfSummary | null;
  ctfTriage?: { findings: CtfFinding[]; outliers: number } | null;
  aberrations?: AberrationReading[] | null;
  tiltSeries?: TiltSeriesSummary | null;
  budget?: SingleMapBudget | null;
  calibration?: Calibration | null;
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
    add('micrographs', p.ctf.micrographs, '', 'ctf');
    add('CTF fits worse than the map', p.ctf.fractionFitWorseThanMap * 100, '%', 'ctf');
    add('median defocus', p.ctf.medianDefocusUA / 10000, 'µm', 'ctf');
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
    budget: p.budget ?? null,
    calibration: p.calibration ?? null,
    warnings: p.warnings ?? [],
  };
}
