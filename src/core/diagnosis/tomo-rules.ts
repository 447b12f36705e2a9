import type { AxisReading, Scheme } from '../analysis/tomo/series.js';
import type { TiltRecord } from '../model/tomo.js';

/**
 * Tilt series judged with tilt-aware rules. A tilt image is thick (t/cos θ), tilted (its defocus varies across it)
 * and exposed to a few e/Å² on top of everything taken before it, so its CTF fit scores low and reaches less far
 * than a single-particle micrograph's: CTFFIND's scores of 0.01–0.04 and fits to 7–12 Å are normal there. A tilt
 * fails when it departs from its own series: its defocus leaves the series' course by far more than the series'
 * spread, or its fit resolution is far worse than the series reaches at its tilt. Each number below is used once,
 * here, and printed from the same value.
 */
export const TOMO_LIMITS = {
  /** A tilt's mean defocus further than this many robust SDs from the series' course is a failed fit… */
  defocusOutlierSd: 4,
  /**
   * …and further than this (Å): a flat specimen's mean defocus varies with the stage height along the series by a
   * few hundred Å (RELION 5 / Warp fit it per tilt); 1000 Å is beyond that and beyond a 100 nm thick specimen.
   */
  defocusOutlierFloorA: 1000,
  /** A fit resolution worse than the series' expectation at that tilt by this many robust SDs… */
  fitResolutionOutlierSd: 4,
  /** …and by this fraction of the expectation. */
  fitResolutionOutlierFraction: 0.5,
  /**
   * Path length (1/cos(tilt − centre)) and prior exposure correlate less than this (|r|) across the tilts: the fit
   * resolution is modelled on both and their effects reported apart; otherwise on the path length alone.
   */
  separableCorrelation: 0.9,
  /** Fewer tilts with a value than this: the series' course is not measured. */
  minTiltsForTrend: 6,
  /** CTFFIND's score below which a single-particle micrograph counts as failed (cryodx ctf-report): not used here. */
  spaMinScore: 0.1,
  /** Motion of a tilt movie above both this factor × the series median and the median + 4 robust SD. */
  motionOutlierFactor: 3,
  /** Alignment residual of a view above both this factor × the series median and the median + 4 robust SD. */
  residualOutlierFactor: 2.5,
  /**
   * Specimen thickness (Å): above 2000 Å the path at 60° (4000 Å) exceeds the ~3500 Å inelastic mean free path at
   * 300 kV (Rice et al. 2018), above 3000 Å even the untilted image loses most elastic signal.
   */
  thickPossibleA: 2000,
  thickStrongA: 3000,
  /** Centre of the series further than this from 0°: a pretilt (a lamella's milling angle). */
  pretiltDeg: 3,
  /** Tilt axes of two sources agree within this (degrees). */
  axisToleranceDeg: 3,
  /** M's B decays faster than the dose rule when below it by max(this, fraction × |rule|) Å². */
  bfactorMarginA2: 20,
  bfactorMarginFraction: 0.2,
  /** Grant & Grigorieff 2015: exposure 2.51·Nₑ(k) maximises the SNR at k. */
  optimalExposureFactor: 2.51,
  /** More than this fraction of the tilts failed: strong. */
  failedStrongFraction: 0.25,
};

export type Severity = 'strong' | 'possible' | 'info';

export interface TomoFinding {
  code: string;
  severity: Severity;
  statement: string;
  /** What the statement rests on: how many tilts, which series, which files. */
  basis: string;
  remedy: string;
  series?: string;
}

export interface FailedTilt {
  tiltDeg?: number;
  /** Row in the series (0-based, in the base file's order). */
  index: number;
  reason: string;
}

export interface PerTilt {
  index: number;
  image?: string;
  tiltDeg?: number;
  preExposureEPerA2?: number;
  defocusUA?: number;
  defocusVA?: number;
  fitResolutionA?: number;
  /** What the series reaches at this tilt (the robust course of fit resolution against 1/cos(tilt − centre)). */
  expectedFitResolutionA?: number;
  ctfScore?: number;
  residualNm?: number;
  bfactorA2?: number;
  /** Grant & Grigorieff's attenuation at the target resolution as a B-factor, relative to M's reference tilt. */
  doseRuleBfactorA2?: number;
  weight?: number;
  excluded?: string;
  failed?: string;
}

export interface SeriesReport {
  name: string;
  tilts?: number;
  tiltRangeDeg?: [number, number];
  centreDeg?: number;
  scheme: Scheme;
  axisDeg?: number;
  axes: AxisReading[];
  dosePerTiltEPerA2?: number;
  totalDoseEPerA2?: number;
  failedTilts: FailedTilt[];
  keptFraction?: number;
  thicknessA?: number;
  ctfResolutionA?: number;
  tiltOffsetDeg?: number;
  targetResolutionA?: number;
  sources: { file: string; kind: string; rows: number }[];
  perTilt: PerTilt[];
}

export interface TomoOptions {
  /** The resolution the user aims at (Å); else the series' median fit resolution. */
  targetResolutionA?: number;
}

export const L = TOMO_LIMITS;
export const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
export const f1 = (x: number): string => x.toFixed(1);
export const f0 = (x: number): string => x.toFixed(0);
export const deg = (x: number | undefined): string =>
  x === undefined ? 'tilt ?' : `${Math.abs(x) < 0.05 ? '0.0' : f1(x)}°`;
export const meanDefocus = (t: TiltRecord): number | undefined =>
  t.defocusUA !== undefined && t.defocusVA !== undefined ? (t.defocusUA + t.defocusVA) / 2 : t.defocusUA;
export const set = <T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void => {
  if (v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))) o[k] = v;
};

/** " defocus 1.96–2.31 µm" (with a leading comma), or '' for no values. */
export function range(name: string, v: number[], unit: string, digits: number): string {
  return v.length ? `,${name} ${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)} ${unit}` : '';
}

export const medRes = (ts: TiltRecord[]): string => f1(median(ts.map((t) => t.fitResolutionA!)));

export function tiltName(t: TiltRecord): string {
  return t.tiltDeg !== undefined ? deg(t.tiltDeg) : `image ${t.index + 1}`;
}

export function listTilts(ts: TiltRecord[], max = 12): string {
  const names = ts.map(tiltName);
  return names.length > max ? `${names.slice(0, max).join(', ')} … (${names.length - max} more)` : names.join(', ');
}
