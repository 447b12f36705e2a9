import {
  axisRelation,
  type DoseResult,
  type MergedSeries,
  type RobustLinear,
  type RobustTrend,
  type SchemeResult,
} from '../analysis/tomo/series.js';
import type { TiltRecord } from '../model/tomo.js';
import { exposureAndSpecimenFindings } from './tomo-findings-exposure.js';
import {
  deg,
  f1,
  L,
  median,
  medRes,
  meanDefocus,
  range,
  tiltName,
  type SeriesReport,
  type TomoFinding,
} from './tomo-rules.js';

/** What judgeSeries measured about one series, for its findings. */
export interface SeriesFacts {
  m: MergedSeries;
  tilts: TiltRecord[];
  n: number;
  files: string;
  basisOf: (count: number, what: string) => string;
  add: (f: Omit<TomoFinding, 'series'>) => void;
  report: SeriesReport;
  known: number[];
  scheme: SchemeResult;
  dose: DoseResult;
  voltageKv: number;
  used: TiltRecord[];
  centre: number;
  haveTilts: boolean;
  withDefocus: TiltRecord[];
  failed: Map<TiltRecord, string[]>;
  failedList: TiltRecord[];
  defTrend: RobustTrend | null;
  resTrend: RobustTrend | RobustLinear | null;
  kept: TiltRecord[];
  target: number | undefined;
  targetFrom: string;
  k: number | undefined;
  bTilts: TiltRecord[];
  ref: TiltRecord | undefined;
}

/**
 * The findings of one series, each with its basis (how many tilts, which series, which files, which rule) and a
 * remedy; "not measured" where the files cannot show an effect.
 */
export function seriesFindings(c: SeriesFacts): void {
  const { m, n, basisOf, add, report, known, scheme, used, centre, haveTilts } = c;
  const { withDefocus, failed, failedList, defTrend, resTrend, kept } = c;
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
          ('coefficients' in resTrend
            ? `; told apart, the fit resolution rises by ${f1(resTrend.coefficients[1]!)} Å from 0° to 60° ` +
              `from the path length t/cos(tilt − centre) alone, and by ${f1(resTrend.coefficients[2]! * 10)} Å per ` +
              '10 e/Å² of prior exposure'
            : ', as expected from the path length t/cos(tilt − centre) and the accumulated dose' +
              ` (${scheme.scheme === 'dose-symmetric' ? 'in a dose-symmetric series' : 'here'} the two rise ` +
              `together and cannot be told apart: correlation ≥ ${L.separableCorrelation})`),
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

  exposureAndSpecimenFindings(c);
}
