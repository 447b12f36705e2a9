import {
  acquisitionOrder,
  classifyScheme,
  correlation,
  robustLinear,
  type RobustLinear,
  type RobustTrend,
  doseRuleBfactorA2,
  measureDose,
  robustTrend,
  type MergedSeries,
} from '../analysis/tomo/series.js';
import { seriesFindings } from './tomo-findings.js';
import {
  f0,
  f1,
  L,
  meanDefocus,
  median,
  set,
  type FailedTilt,
  type PerTilt,
  type SeriesReport,
  type TomoFinding,
  type TomoOptions,
} from './tomo-rules.js';

import type { TiltRecord } from '../model/tomo.js';

export * from './tomo-rules.js';

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
  const withRes = used.filter((t) => t.fitResolutionA !== undefined).length;
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
  // Fit resolution against the path length 1/cos(tilt − centre), and against the exposure before the tilt where
  // the scheme lets the two be told apart (not in a dose-symmetric series, where they rise together).
  const yRes = tilts.map((t) => (t.excluded ? undefined : t.fitResolutionA));
  const resIdx = yRes.flatMap((v, i) => (v !== undefined ? [i] : []));
  const separable =
    haveTilts &&
    tilts.every((t) => t.preExposureEPerA2 !== undefined) &&
    Math.abs(
      correlation(
        resIdx.map((i) => xRes[i]!),
        resIdx.map((i) => tilts[i]!.preExposureEPerA2!),
      ),
    ) < L.separableCorrelation;
  const resTrend: RobustTrend | RobustLinear | null =
    withRes < L.minTiltsForTrend
      ? null
      : separable
        ? robustLinear(
            tilts.map((t, i) => [xRes[i]!, t.preExposureEPerA2!]),
            yRes,
            0.5,
          )
        : robustTrend(xRes, yRes, haveTilts ? 1 : 0, 0.5);
  const defLimit = defTrend ? Math.max(L.defocusOutlierSd * defTrend.sd, L.defocusOutlierFloorA) : NaN;
  tilts.forEach((t, i) => {
    if (t.excluded) return;
    const d = meanDefocus(t);
    if (withDefocus.length >= L.minTiltsForTrend && d === undefined) fail(t, 'no defocus fitted');
    // The program found no rings here (a "not computed" fit resolution) where the rest of the series has one.
    if (withRes >= L.minTiltsForTrend && t.fitResolutionA === undefined && d !== undefined)
      fail(t, `no fit resolution where ${withRes} other tilts have one (the program found no Thon rings)`);
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

  seriesFindings({
    m,
    tilts,
    n,
    files,
    basisOf,
    add,
    report,
    known,
    scheme,
    dose,
    voltageKv,
    used,
    centre,
    haveTilts,
    withDefocus,
    failed,
    failedList,
    defTrend,
    resTrend,
    kept,
    target,
    targetFrom,
    k,
    bTilts,
    ref,
  });
  return { report, findings };
}
