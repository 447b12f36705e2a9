import {
  acquisitionOrder,
  axisRelation,
  classifyScheme,
  doseRuleBfactorA2,
  measureDose,
  robustTrend,
  type AxisReading,
  type MergedSeries,
  type Scheme,
} from '../analysis/tomo/series.js';
import { criticalExposureEPerA2 } from '../analysis/tomo/exposure.js';
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
  /** Fewer tilts with a value than this: the series' course is not measured. */
  minTiltsForTrend: 6,
  /** CTFFIND's score below which a single-particle micrograph counts as failed (cryodx ctf-report): not used here. */
  spaMinScore: 0.1,
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

const L = TOMO_LIMITS;
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const f1 = (x: number): string => x.toFixed(1);
const f0 = (x: number): string => x.toFixed(0);
const deg = (x: number | undefined): string => (x === undefined ? 'tilt ?' : `${Math.abs(x) < 0.05 ? '0.0' : f1(x)}°`);
const meanDefocus = (t: TiltRecord): number | undefined =>
  t.defocusUA !== undefined && t.defocusVA !== undefined ? (t.defocusUA + t.defocusVA) / 2 : t.defocusUA;
const set = <T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void => {
  if (v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))) o[k] = v;
};

/** " defocus 1.96–2.31 µm" (with a leading comma), or '' for no values. */
function range(name: string, v: number[], unit: string, digits: number): string {
  return v.length ? `,${name} ${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)} ${unit}` : '';
}

const medRes = (ts: TiltRecord[]): string => f1(median(ts.map((t) => t.fitResolutionA!)));

function tiltName(t: TiltRecord): string {
  return t.tiltDeg !== undefined ? deg(t.tiltDeg) : `image ${t.index + 1}`;
}

function listTilts(ts: TiltRecord[], max = 12): string {
  const names = ts.map(tiltName);
  return names.length > max ? `${names.slice(0, max).join(', ')} … (${names.length - max} more)` : names.join(', ');
}

/** Judges one merged series: its report and its findings. */
export function judgeSeries(
  m: MergedSeries,
  opts: TomoOptions = {},
): { report: SeriesReport; findings: TomoFinding[] } {
  const findings: TomoFinding[] = [];
  const tilts = m.tilts;
  const n = tilts.length;
  const files = m.sources.map((s) => s.file.split(/[\\/]/).pop()).join(', ');
  const basisOf = (count: number, what: string): string =>
    count ? `${count} ${what} of series ${m.name} (${files})` : `series ${m.name} (${files}; no per-tilt rows)`;
  const add = (f: Omit<TomoFinding, 'series'>): void => void findings.push({ ...f, series: m.name });
  const report: SeriesReport = {
    name: m.name,
    scheme: 'unknown',
    axes: m.sources.flatMap((s) =>
      s.axisDeg !== undefined ? [{ file: s.file, axisDeg: s.axisDeg, meaning: s.axisMeaning ?? 'as given' }] : [],
    ),
    failedTilts: [],
    sources: m.sources.map((s) => ({ file: s.file, kind: s.kind, rows: s.tilts.length })),
    perTilt: [],
  };
  if (n) report.tilts = n;
  const known = tilts.filter((t) => t.tiltDeg !== undefined).map((t) => t.tiltDeg!);
  if (known.length) report.tiltRangeDeg = [Math.min(...known), Math.max(...known)];
  const scheme = classifyScheme(tilts);
  report.scheme = scheme.scheme;
  set(report, 'centreDeg', scheme.centreDeg);
  set(report, 'axisDeg', report.axes[0]?.axisDeg);
  const dose = measureDose(tilts);
  set(report, 'dosePerTiltEPerA2', dose.dosePerTiltEPerA2);
  set(report, 'totalDoseEPerA2', dose.totalDoseEPerA2);
  set(report, 'thicknessA', m.sources.find((s) => s.thicknessA !== undefined)?.thicknessA);
  set(report, 'ctfResolutionA', m.sources.find((s) => s.ctfResolutionA !== undefined)?.ctfResolutionA);
  set(report, 'tiltOffsetDeg', m.sources.find((s) => s.tiltOffsetDeg !== undefined)?.tiltOffsetDeg);
  const voltageKv = m.sources.find((s) => s.voltageKv !== undefined)?.voltageKv ?? 300;

  // --- per-tilt CTF, judged against the series itself ---
  const used = tilts.filter((t) => !t.excluded);
  const centre = scheme.centreDeg ?? 0;
  const haveTilts = used.every((t) => t.tiltDeg !== undefined);
  const order = acquisitionOrder(tilts);
  const xDefocus = tilts.map((t, i) =>
    haveTilts && t.tiltDeg !== undefined ? t.tiltDeg - centre : (order?.rank[i] ?? t.index),
  );
  const xRes = tilts.map((t) =>
    haveTilts && t.tiltDeg !== undefined ? 1 / Math.cos(((t.tiltDeg - centre) * Math.PI) / 180) : 0,
  );
  const withDefocus = used.filter((t) => meanDefocus(t) !== undefined);
  const failed = new Map<TiltRecord, string[]>();
  const fail = (t: TiltRecord, why: string): void => void failed.set(t, [...(failed.get(t) ?? []), why]);
  for (const t of tilts) if (t.excluded) fail(t, `excluded: ${t.excluded}`);
  const defTrend =
    withDefocus.length >= L.minTiltsForTrend
      ? robustTrend(
          xDefocus,
          tilts.map((t) => (t.excluded ? undefined : meanDefocus(t))),
          2,
          L.defocusOutlierFloorA / 2,
        )
      : null;
  const resTrend =
    used.filter((t) => t.fitResolutionA !== undefined).length >= L.minTiltsForTrend
      ? robustTrend(
          xRes,
          tilts.map((t) => (t.excluded ? undefined : t.fitResolutionA)),
          haveTilts ? 1 : 0,
          0.5,
        )
      : null;
  const defLimit = defTrend ? Math.max(L.defocusOutlierSd * defTrend.sd, L.defocusOutlierFloorA) : NaN;
  tilts.forEach((t, i) => {
    if (t.excluded) return;
    const d = meanDefocus(t);
    if (withDefocus.length >= L.minTiltsForTrend && d === undefined) fail(t, 'no defocus fitted');
    if (defTrend && d !== undefined && Math.abs(defTrend.residual[i]!) > defLimit)
      fail(
        t,
        `defocus ${(d / 1e4).toFixed(2)} µm is ${(Math.abs(defTrend.residual[i]!) / 1e4).toFixed(2)} µm off the ` +
          `series' course (spread ${f0(defTrend.sd)} Å; limit ${f0(defLimit)} Å)`,
      );
    if (resTrend && t.fitResolutionA !== undefined) {
      const p = resTrend.predicted[i]!;
      const limit = p + Math.max(L.fitResolutionOutlierSd * resTrend.sd, L.fitResolutionOutlierFraction * p);
      if (t.fitResolutionA > limit)
        fail(t, `Thon rings fitted only to ${f1(t.fitResolutionA)} Å where the series reaches ${f1(p)} Å at this tilt`);
    }
  });
  const failedList = tilts.filter((t) => failed.has(t));
  report.failedTilts = failedList.map((t) => {
    const ft: FailedTilt = { index: t.index, reason: failed.get(t)!.join('; ') };
    set(ft, 'tiltDeg', t.tiltDeg);
    return ft;
  });
  if (n) report.keptFraction = (n - failedList.length) / n;

  // --- target resolution, exposure and the dose rule ---
  const kept = used.filter((t) => !failed.has(t));
  const keptRes = kept.flatMap((t) => (t.fitResolutionA !== undefined ? [t.fitResolutionA] : []));
  const target = opts.targetResolutionA ?? (keptRes.length ? median(keptRes) : undefined) ?? report.ctfResolutionA;
  const targetFrom =
    opts.targetResolutionA !== undefined
      ? 'the target given (--target-a)'
      : keptRes.length
        ? "the kept tilts' median CTF fit resolution"
        : target !== undefined
          ? "the series' CTF resolution estimate"
          : '';
  set(report, 'targetResolutionA', target);
  const k = target !== undefined ? 1 / target : undefined;
  // M's B-factors are relative: the rule starts from the least-exposed tilt's B.
  const bTilts = tilts.filter((t) => t.bfactorA2 !== undefined && t.preExposureEPerA2 !== undefined);
  const ref = bTilts.length
    ? bTilts.reduce((a, b) => (b.preExposureEPerA2! < a.preExposureEPerA2! ? b : a))
    : undefined;

  report.perTilt = tilts.map((t, i) => {
    const p: PerTilt = { index: t.index };
    set(p, 'image', t.image);
    set(p, 'tiltDeg', t.tiltDeg);
    set(p, 'preExposureEPerA2', t.preExposureEPerA2);
    set(p, 'defocusUA', t.defocusUA);
    set(p, 'defocusVA', t.defocusVA);
    set(p, 'fitResolutionA', t.fitResolutionA);
    if (resTrend && !t.excluded && haveTilts) set(p, 'expectedFitResolutionA', resTrend.predicted[i]);
    set(p, 'ctfScore', t.ctfScore);
    set(p, 'residualNm', t.residualNm);
    set(p, 'bfactorA2', t.bfactorA2);
    if (ref && k !== undefined && t.bfactorA2 !== undefined && t.preExposureEPerA2 !== undefined)
      p.doseRuleBfactorA2 =
        ref.bfactorA2! + doseRuleBfactorA2(t.preExposureEPerA2 - ref.preExposureEPerA2!, k, voltageKv);
    set(p, 'weight', t.weight);
    set(p, 'excluded', t.excluded);
    if (failed.has(t)) p.failed = failed.get(t)!.join('; ');
    return p;
  });

  // --- findings ---
  const ctfTilts = used.filter((t) => meanDefocus(t) !== undefined || t.fitResolutionA !== undefined);
  const ctfFailed = failedList.filter((t) => !t.excluded);
  if (ctfTilts.length) {
    const frac = ctfFailed.length / ctfTilts.length;
    const scores = ctfTilts.flatMap((t) => (t.ctfScore !== undefined ? [t.ctfScore] : []));
    const scoreNote =
      scores.length && median(scores) < L.spaMinScore
        ? ` CTF scores ${Math.min(...scores).toFixed(3)}–${Math.max(...scores).toFixed(3)} are normal for tilt ` +
          'images (thick, tilted, a few e/Å² each) and are not used to judge them (the single-particle cut ' +
          `< ${L.spaMinScore} ` +
          'would condemn every tilt).'
        : '';
    const rule =
      `failed = defocus off the series' course by > max(${L.defocusOutlierSd} robust SD, ` +
      `${L.defocusOutlierFloorA} Å), ` +
      `or fit resolution worse than the series reaches at that tilt by > max(${L.fitResolutionOutlierSd} robust SD, ` +
      `${100 * L.fitResolutionOutlierFraction} %)`;
    if (!defTrend && !resTrend)
      add({
        code: 'ctf-not-judged',
        severity: 'info',
        statement:
          `per-tilt CTF read for ${ctfTilts.length} tilts but not judged: fewer than ${L.minTiltsForTrend} tilts ` +
          "with a defocus or fit resolution, too few for the series' course",
        basis: basisOf(ctfTilts.length, 'tilts with a CTF fit'),
        remedy: 'give the whole series',
      });
    else if (ctfFailed.length)
      add({
        code: 'failed-tilts',
        severity: frac > L.failedStrongFraction ? 'strong' : 'possible',
        statement:
          `${ctfFailed.length} of ${ctfTilts.length} tilts have a failed CTF fit: ` +
          ctfFailed.map((t) => `${tiltName(t)} (${failed.get(t)!.join('; ')})`).join('; ') +
          `.${scoreNote}`,
        basis: `${basisOf(ctfTilts.length, 'tilts with a CTF fit')}; ${rule}`,
        remedy:
          'exclude these tilts (RELION 5 ExcludeTiltImages, Warp/AreTomo: deselect them) or re-fit their CTF with ' +
          'the ' +
          "series' defocus as the starting value and a narrower search range; if the failures are the high tilts, " +
          'check for ice contamination or the grid bar shadowing them',
      });
    else
      add({
        code: 'ctf-consistent',
        severity: 'info',
        statement:
          `all ${ctfTilts.length} tilts' CTF fits follow the series' course` +
          range(
            ' defocus',
            withDefocus.map((t) => meanDefocus(t)! / 1e4),
            'µm',
            2,
          ) +
          range(
            ' fit resolution',
            ctfTilts.flatMap((t) => (t.fitResolutionA !== undefined ? [t.fitResolutionA] : [])),
            'Å',
            1,
          ) +
          `.${scoreNote}`,
        basis: `${basisOf(ctfTilts.length, 'tilts with a CTF fit')}; ${rule}`,
        remedy: 'none needed',
      });
    if (resTrend && haveTilts) {
      const near = kept.filter((t) => Math.abs(t.tiltDeg! - centre) <= 10 && t.fitResolutionA !== undefined);
      const far = kept.filter((t) => Math.abs(t.tiltDeg! - centre) >= 40 && t.fitResolutionA !== undefined);
      add({
        code: 'fit-resolution-vs-tilt',
        severity: 'info',
        statement:
          `CTF fits reach ${near.length ? `${medRes(near)} Å within 10° of the centre` : '—'}` +
          ` and ${far.length ? `${medRes(far)} Å beyond 40°` : '— beyond 40° (no such kept tilt)'}` +
          `, as expected from the path length t/cos(tilt) and the accumulated dose` +
          (scheme.scheme === 'dose-symmetric'
            ? ' (in a dose-symmetric series the two rise together and cannot be told apart)'
            : ''),
        basis: basisOf(kept.length, 'kept tilts'),
        remedy:
          'none needed; weight tilts by their fit (per-tilt B-factors in RELION 5 / M) rather than excluding them',
      });
    }
  } else if (report.ctfResolutionA !== undefined)
    add({
      code: 'series-ctf-resolution',
      severity: 'info',
      statement:
        `the series' CTF resolution is ${f1(report.ctfResolutionA)} Å (one number for the series); per-tilt CTF: not ` +
        'measured (no per-tilt defocus or fit resolution in these files)',
      basis: basisOf(n, 'tilts'),
      remedy: "give the per-tilt CTF (AreTomo3 _CTF.txt, RELION 5 CtfFind tilt-series STAR, Warp XML's GridCTF)",
    });
  else
    add({
      code: 'ctf-not-measured',
      severity: 'info',
      statement: 'per-tilt CTF: not measured (no per-tilt defocus or fit resolution in these files)',
      basis: basisOf(n, 'tilts'),
      remedy: "give the CTF estimation's output (RELION 5 CtfFind tilt-series STAR, AreTomo3 _CTF.txt, Warp XML)",
    });

  // Scheme and pretilt.
  if (n)
    add({
      code: 'scheme',
      severity: 'info',
      statement:
        scheme.scheme === 'unknown'
          ? 'acquisition scheme: not measured (no pre-exposure or acquisition order); ' +
            (known.length
              ? `tilts ${deg(report.tiltRangeDeg![0])} to ${deg(report.tiltRangeDeg![1])}`
              : 'no tilt angles')
          : `${scheme.scheme} acquisition (order from ${scheme.orderFrom}), tilts ${deg(report.tiltRangeDeg![0])} to ` +
            `${deg(report.tiltRangeDeg![1])}, centred on ${deg(scheme.centreDeg)}`,
      basis: basisOf(n, 'tilts'),
      remedy: 'none needed',
    });
  if (scheme.centreDeg !== undefined && Math.abs(scheme.centreDeg) > L.pretiltDeg && scheme.scheme !== 'unknown')
    add({
      code: 'pretilt',
      severity: 'info',
      statement:
        `the series is centred on ${deg(scheme.centreDeg)}, not 0°: a lamella's pretilt (milling angle); fit ` +
        'resolution and weights are judged against |tilt − centre|',
      basis: basisOf(n, 'tilts'),
      remedy: 'none needed if this is a lamella; otherwise check the stage tilt calibration',
    });
  const offset = report.tiltOffsetDeg;
  if (offset !== undefined && Math.abs(offset) >= 0.5) {
    const src = m.sources.find((s) => s.tiltOffsetDeg !== undefined)!;
    add({
      code: 'tilt-offset',
      severity: Math.abs(offset) > 5 ? 'possible' : 'info',
      statement:
        `${src.file.split(/[\\/]/).pop()} gives tilt angles ${offset > 0 ? '+' : ''}${f1(offset)}° from the nominal ` +
        "ones (a constant offset: the alignment's tilt-angle offset, or a lamella's pretilt it found)",
      basis: basisOf(src.tilts.length, 'tilts'),
      remedy:
        Math.abs(offset) > 5
          ? 'check which angles the reconstruction and the per-tilt CTF use: they should be the aligned ones'
          : 'none needed',
    });
  }

  // Tilt axes.
  if (report.axes.length >= 2) {
    const [a, ...rest] = report.axes;
    const bad = rest
      .map((r) => ({ r, rel: axisRelation(a!.axisDeg, r.axisDeg, L.axisToleranceDeg) }))
      .filter((x) => x.rel !== 'same');
    const list = report.axes.map((x) => `${x.file.split(/[\\/]/).pop()} ${f1(x.axisDeg)}° (${x.meaning})`).join(', ');
    add({
      code: bad.length ? 'axis-disagreement' : 'axis-agreement',
      severity: bad.some((b) => b.rel === 'perpendicular' || b.rel === 'different')
        ? 'strong'
        : bad.length
          ? 'possible'
          : 'info',
      statement: bad.length
        ? `the tilt axes disagree: ${list}; ` +
          bad
            .map((b) =>
              b.rel === 'perpendicular'
                ? `${b.r.file.split(/[\\/]/).pop()} is 90° off (measured from X instead of Y?)`
                : b.rel === 'mirrored'
                  ? `${b.r.file.split(/[\\/]/).pop()} has the opposite sign (a mirrored convention or inverted angles)`
                  : b.rel === 'opposite'
                    ? `${b.r.file.split(/[\\/]/).pop()} points the other way (180°: the same axis line, opposite tilt sign)`
                    : `${b.r.file.split(/[\\/]/).pop()} differs by ${f1(Math.abs(b.r.axisDeg - a!.axisDeg))}°`,
            )
            .join('; ')
        : `the tilt axes agree within ${L.axisToleranceDeg}° under the Y-axis convention: ${list}`,
      basis: `${report.axes.length} sources of series ${m.name}`,
      remedy: bad.length
        ? 'check the axis convention of each program (IMOD, SerialEM, RELION 5 and AreTomo measure from the image Y ' +
          'axis); a wrong axis or sign makes the per-tilt defocus gradient and the handedness wrong'
        : 'none needed',
    });
  } else if (report.axes.length === 1)
    add({
      code: 'axis',
      severity: 'info',
      statement:
        `tilt axis ${f1(report.axes[0]!.axisDeg)}° (${report.axes[0]!.meaning}); agreement between sources: not ` +
        'measured (one source gives the axis)',
      basis: `1 source of series ${m.name}`,
      remedy:
        'give the alignment too (IMOD taSolution.log, AreTomo .aln) to compare the fitted axis with the nominal one',
    });

  // Exposure.
  if (dose.dosePerTiltEPerA2 !== undefined && k !== undefined) {
    const ne = criticalExposureEPerA2(k, voltageKv);
    const optimal = L.optimalExposureFactor * ne;
    const beyond = tilts.filter((t) => t.preExposureEPerA2 !== undefined && t.preExposureEPerA2 >= optimal);
    const perTiltTooHigh = dose.dosePerTiltEPerA2 > ne;
    add({
      code: 'exposure',
      severity: perTiltTooHigh ? 'possible' : 'info',
      statement:
        `dose ${dose.dosePerTiltEPerA2.toFixed(2)} e/Å² per tilt, ${f1(dose.totalDoseEPerA2!)} e/Å² in total; at ` +
        `${f1(target!)} Å (${targetFrom}) the critical exposure Nₑ is ${f1(ne)} e/Å² and the optimal one ` +
        `${f1(optimal)} e/Å²: ${perTiltTooHigh ? 'a single tilt already exceeds Nₑ' : 'a single tilt stays below Nₑ'}` +
        (beyond.length
          ? `, and ${beyond.length} of ${n} tilts were taken after ${f1(optimal)} e/Å² — they add to the average at ` +
            `${f1(target!)} Å only through alignment and must be down-weighted by exposure`
          : ''),
      basis: `${basisOf(n, 'tilts')}; dose from ${dose.from}; Grant & Grigorieff 2015 (Nₑ at ${voltageKv} kV)`,
      remedy: perTiltTooHigh
        ? 'lower the dose per tilt (or take fewer tilts) so that each stays below Nₑ at the target resolution'
        : 'none needed beyond exposure weighting (RELION 5, Warp/M apply it)',
    });
  } else
    add({
      code: 'exposure-not-measured',
      severity: 'info',
      statement:
        dose.dosePerTiltEPerA2 === undefined
          ? 'dose per tilt: not measured (no pre-exposure or exposure per tilt in these files)'
          : `dose ${dose.dosePerTiltEPerA2.toFixed(2)} e/Å² per tilt, ${f1(dose.totalDoseEPerA2!)} e/Å² in total; ` +
            'against the critical exposure: not measured (no target resolution and no CTF fit: give --target-a)',
      basis: basisOf(n, 'tilts'),
      remedy: 'give the tilt-series STAR (pre-exposure), the Warp XML or the .mdoc (ExposureDose)',
    });

  // M's per-tilt B-factors against the dose rule.
  if (ref && k !== undefined && bTilts.length >= 2) {
    const rows = report.perTilt.filter((p) => p.bfactorA2 !== undefined && p.doseRuleBfactorA2 !== undefined);
    const faster = rows.filter(
      (p) =>
        p.bfactorA2! <
        p.doseRuleBfactorA2! - Math.max(L.bfactorMarginA2, L.bfactorMarginFraction * Math.abs(p.doseRuleBfactorA2!)),
    );
    const slower = rows.filter((p) => p.bfactorA2! > p.doseRuleBfactorA2! + L.bfactorMarginA2);
    const hi = rows.reduce((a, b) => (b.preExposureEPerA2! > a.preExposureEPerA2! ? b : a));
    add({
      code: 'bfactor-vs-dose',
      severity: faster.length ? 'possible' : 'info',
      statement:
        (faster.length
          ? `${faster.length} of ${rows.length} tilts decay faster than the dose rule: ` +
            faster
              .map((p) => `${deg(p.tiltDeg)} (B ${f0(p.bfactorA2!)} Å², rule ${f0(p.doseRuleBfactorA2!)} Å²)`)
              .join(', ')
          : `no tilt decays faster than the dose rule`) +
        `; ${slower.length} decay slower (at the most exposed tilt, ${f1(hi.preExposureEPerA2!)} e/Å²: B ` +
        `${f0(hi.bfactorA2!)} Å² against the rule's ${f0(hi.doseRuleBfactorA2!)} Å²)` +
        `. The rule: Grant & Grigorieff's attenuation at ${f1(target!)} Å as a B-factor, −2·ΔN/(Nₑ·k²), added to ` +
        `the least-exposed tilt's B (${deg(ref.tiltDeg)}, ${f0(ref.bfactorA2!)} Å²); Warp's own default is −4 Å² ` +
        'per e/Å²',
      basis: `${rows.length} tilts with M's GridDoseBfacs of series ${m.name} (${files})`,
      remedy: faster.length
        ? 'the tilts that decay faster than radiation damage explains lose signal to something else (drift, ' +
          'charging, ' +
          'thicker ice at that tilt): check their motion and exclude or down-weight them'
        : 'none needed',
    });
    const cosRows = report.perTilt.filter((p) => p.weight !== undefined && p.tiltDeg !== undefined);
    if (cosRows.length >= 2) {
      const below = cosRows.filter((p) => p.weight! < 0.5 * Math.cos(((p.tiltDeg! - centre) * Math.PI) / 180));
      add({
        code: 'weights-vs-cos',
        severity: 'info',
        statement:
          `M's per-tilt weights run from ${Math.min(...cosRows.map((p) => p.weight!)).toFixed(2)} to ` +
          `${Math.max(...cosRows.map((p) => p.weight!)).toFixed(2)}; ${below.length} of ${cosRows.length} tilts are ` +
          'weighted below half of cos(tilt − centre), the fixed rule tilt-ctf and Warp apply',
        basis: `${cosRows.length} tilts with GridDoseWeights of series ${m.name}`,
        remedy: 'none needed: M measured these weights from the data',
      });
    }
  }

  // Alignment residuals.
  const resid = used.filter((t) => t.residualNm !== undefined);
  if (resid.length >= 3) {
    const med = median(resid.map((t) => t.residualNm!));
    const sd = 1.4826 * median(resid.map((t) => Math.abs(t.residualNm! - med)));
    const limit = Math.max(L.residualOutlierFactor * med, med + 4 * sd);
    const high = resid.filter((t) => t.residualNm! > limit);
    add({
      code: 'alignment-residuals',
      severity: high.length ? 'possible' : 'info',
      statement:
        `alignment residuals: median ${med.toFixed(2)} nm, max ` +
        `${Math.max(...resid.map((t) => t.residualNm!)).toFixed(2)} nm` +
        (high.length
          ? `; ${high.length} view(s) far above the rest: ` +
            high.map((t) => `${tiltName(t)} (${t.residualNm!.toFixed(2)} nm)`).join(', ')
          : '; no view stands out'),
      basis:
        `${basisOf(resid.length, 'aligned views')}; outlier > max(${L.residualOutlierFactor}× median, ` +
        'median + 4 robust SD)',
      remedy: high.length
        ? 'exclude or down-weight these views, or re-align with more fiducials / patches near them'
        : 'none needed',
    });
  } else
    add({
      code: 'alignment-not-measured',
      severity: 'info',
      statement: 'alignment residuals: not measured (no alignment log in these files)',
      basis: `series ${m.name} (${files})`,
      remedy: "give IMOD's taSolution.log or align.log to judge the alignment per view",
    });

  // Thickness.
  if (report.thicknessA !== undefined) {
    const t = report.thicknessA;
    add({
      code: 'thickness',
      severity: t > L.thickStrongA ? 'strong' : t > L.thickPossibleA ? 'possible' : 'info',
      statement:
        `specimen ${f0(t / 10)} nm thick (${f0(t / 5)} nm of path at 60°)` +
        (t > L.thickPossibleA ? ': thicker than the high tilts can image' : ''),
      basis: `series ${m.name} (${m.sources
        .find((s) => s.thicknessA !== undefined)!
        .file.split(/[\\/]/)
        .pop()}); limits > ${L.thickPossibleA / 10} nm (strong > ${L.thickStrongA / 10} nm)`,
      remedy:
        t > L.thickPossibleA
          ? 'thinner lamellae (FIB milling to 150–200 nm) or a narrower tilt range; down-weight the high tilts'
          : 'none needed',
    });
  } else
    add({
      code: 'thickness-not-measured',
      severity: 'info',
      statement: 'thickness: not measured (no thickness in these files)',
      basis: `series ${m.name} (${files})`,
      remedy: "give AreTomo3's TiltSeries_Metrics.csv or a CTFFIND5 run with thickness",
    });

  // Tilts a program excluded.
  const excluded = tilts.filter((t) => t.excluded);
  if (excluded.length)
    add({
      code: 'excluded-tilts',
      severity: 'info',
      statement: `${excluded.length} tilts are excluded in the files: ${listTilts(excluded)}`,
      basis: basisOf(n, 'tilts'),
      remedy: 'none needed',
    });
  return { report, findings };
}
