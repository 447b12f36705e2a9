import type { CtfEstimate } from '../model/ctf.js';
import { basis, type Basis } from '../model/basis.js';
import { medianRankInterval } from '../util/power.js';
import { fractionBasis, fractionPower, MIN_FRACTION_ITEMS } from './power.js';
import { CTF_LIMITS, levelOf, thresholdText, THRESHOLDS, type Threshold } from './thresholds.js';

/**
 * A dataset's CTF results judged as seed 000 (reason 5, CTF; reason 3, ice; reason 7, microscope)
 * reads them: how many micrographs fit worse than the map's resolution, defocus too high for
 * high-resolution work, thick ice, uncorrected astigmatism, failed fits — each finding with the
 * fraction of micrographs, the threshold, and the remedy; and the individual outliers.
 */
export interface CtfSummary {
  micrographs: number;
  /** Fits whose numbers cannot be used (figure of merit too low, rings not past 8 Å, no defocus). */
  fractionUnreliable: number;
  /** Fits that can be used: every other field comes from these alone. */
  reliableFits: number;
  /**
   * More than half the fits unreliable: the run failed, and the few that passed are no sample of the dataset (their
   * defocus is as suspect as the rest): nothing else is read from it.
   */
  failedRun: boolean;
  /**
   * Of the reliable fits, the share whose defocus alone supports less than the map's resolution (a fit to r
   * pins the defocus to about ±r²/4λ, a 90° phase error at r/√2): per-particle CTF refinement carries the rest.
   * null without a map resolution or without reliable fits.
   */
  fractionFitWorseThanMap: number | null;
  medianDefocusUA: number | null;
  /** 95 % interval of the median defocus (order statistics; null below 6 reliable fits). */
  medianDefocusIntervalUA: [number, number] | null;
  medianFitResolutionA: number | null;
  medianThicknessA: number | null;
  medianThicknessIntervalA: [number, number] | null;
  /** Reliable fits with a thickness. */
  thicknessFits: number;
  medianAstigmatismA: number | null;
  /** Fits with neither a figure of merit nor a fit resolution (a cryoSPARC .cs): taken as they are, not judged. */
  unjudgedFits: number;
}

export interface Distribution {
  count: number;
  median: number;
  p5: number;
  p95: number;
  min: number;
  max: number;
}

export interface CtfFinding {
  code:
    | 'unreliable-fits'
    | 'fit-worse-than-map'
    | 'high-defocus'
    | 'thick-ice'
    | 'thin-ice'
    | 'astigmatism'
    | 'failed-fits'
    | 'defocus-spread-in-micrographs';
  severity: 'strong' | 'possible';
  fraction: number;
  threshold: string;
  statement: string;
  remedy: string;
  /** The items the fraction is of (micrographs, fits), named when they are a handful. */
  basis: Basis;
  /** What the fraction can carry: its 95 % bound, or why a handful is a list. */
  power: string;
}

export interface CtfOutlier {
  micrograph: string;
  reasons: string[];
}

export interface CtfTriage {
  summary: CtfSummary;
  /** null where no micrograph has the value (a fit resolution the program did not compute). */
  distributions: {
    defocusUA: Distribution | null;
    astigmatismA: Distribution | null;
    fitResolutionA: Distribution | null;
    thicknessA: Distribution | null;
    /** Per micrograph with ≥ 5 particles (a particle STAR or .cs): the SD of its particles' defocus (Å). */
    particleDefocusSpreadA?: Distribution | null;
  };
  findings: CtfFinding[];
  outliers: CtfOutlier[];
}

export interface TriageOptions {
  /** The map's resolution (Å): micrographs fitting worse than this limit it. */
  mapResolutionA?: number | null;
  /** Longest particle dimension (Å): ice should be 1.1–1.5× this (seed 000, reason 3). */
  particleSizeA?: number | null;
  /**
   * The results are tilt images of tilt series: their fits are judged by the series' own course (tomo-report's
   * rules, diagnosis/tomo-triage.ts), not by the single-particle figure-of-merit cut; `failed` maps each failed
   * image to its reason, `rule` says the rule. High defocus is then a choice (contrast), not a finding.
   */
  tiltSeries?: { failed: Map<string, string>; rule: string; series: string } | null;
}

/** The per-micrograph limits (shared with the diagnosis: diagnosis/thresholds.ts). */
export const CTF_THRESHOLDS = CTF_LIMITS;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

export function distribution(values: number[]): Distribution {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return { count: 0, median: NaN, p5: NaN, p95: NaN, min: NaN, max: NaN };
  return {
    count: s.length,
    median: quantile(s, 0.5),
    p5: quantile(s, 0.05),
    p95: quantile(s, 0.95),
    min: s[0]!,
    max: s.at(-1)!,
  };
}

const meanDefocus = (e: CtfEstimate): number => (e.defocusUA + e.defocusVA) / 2;

/** Why a fit's numbers cannot be used, or null: judged before any of them feeds a finding. */
export function unreliableBecause(e: CtfEstimate): string | null {
  if (!(meanDefocus(e) > 0)) return `no defocus (${meanDefocus(e).toFixed(0)} Å)`;
  if (Number.isFinite(e.crossCorrelation) && e.crossCorrelation < CTF_LIMITS.minFigureOfMerit) {
    return `figure of merit ${e.crossCorrelation.toFixed(3)} < ${CTF_LIMITS.minFigureOfMerit}`;
  }
  if (e.fitResolutionA > CTF_LIMITS.failedFitA) return `rings fit only to ${e.fitResolutionA.toFixed(1)} Å`;
  return null;
}

/**
 * The fits whose numbers other analyses may use (picks against defocus, …): the reliable ones, and none at all
 * after a failed run.
 */
export function usableFits(all: CtfEstimate[]): CtfEstimate[] {
  const good = all.filter((e) => unreliableBecause(e) === null);
  return all.length - good.length > CTF_LIMITS.failedRunFraction * all.length ? [] : good;
}

/** The single-particle rule, or for tilt images the tilt series' own judgement. */
function reasonUnreliable(e: CtfEstimate, tilt: TriageOptions['tiltSeries']): string | null {
  return tilt ? (tilt.failed.get(e.micrograph) ?? null) : unreliableBecause(e);
}

/** The resolution a fit's defocus alone supports: r/√2 for a fit to r (see CtfSummary.fractionFitWorseThanMap). */
export function supportedResolutionA(e: CtfEstimate): number {
  return e.fitResolutionA / Math.SQRT2;
}
const astigmatism = (e: CtfEstimate): number => Math.abs(e.defocusUA - e.defocusVA);

/** The 95 % interval of a median (order statistics), or null for fewer than 6 values. */
function medianInterval(values: number[]): [number, number] | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const r = medianRankInterval(v.length);
  return r ? [v[r.low - 1]!, v[r.high - 1]!] : null;
}

export function summarizeCtf(
  all: CtfEstimate[],
  mapResolutionA: number | null,
  tilt: TriageOptions['tiltSeries'] = null,
): CtfSummary {
  if (all.length === 0) throw new RangeError('no CTF estimates to summarise');
  // Unreliable fits feed nothing: a failed run's defocus is not the session's.
  const passed = all.filter((e) => reasonUnreliable(e, tilt) === null);
  const fractionUnreliable = (all.length - passed.length) / all.length;
  const failedRun = !tilt && fractionUnreliable > CTF_LIMITS.failedRunFraction;
  // After a failed run even the fits that passed summarise nothing.
  const good = failedRun ? [] : passed;
  const worse = mapResolutionA === null ? 0 : good.filter((e) => supportedResolutionA(e) > mapResolutionA).length;
  const thickness = good.map((e) => e.thicknessA).filter((t): t is number => t !== null && t > 0);
  const median = (v: number[]): number | null => finiteOrNull(distribution(v).median);
  return {
    micrographs: all.length,
    fractionUnreliable,
    reliableFits: passed.length,
    failedRun,
    fractionFitWorseThanMap: mapResolutionA === null || !good.length ? null : worse / good.length,
    medianDefocusUA: median(good.map(meanDefocus)),
    medianDefocusIntervalUA: medianInterval(good.map(meanDefocus)),
    // null when no fit has a resolution (a .cs, a tilt STAR whose program wrote placeholders): nothing to median.
    medianFitResolutionA: median(good.map((e) => e.fitResolutionA)),
    medianThicknessA: median(thickness),
    medianThicknessIntervalA: medianInterval(thickness),
    thicknessFits: thickness.length,
    medianAstigmatismA: median(good.map(astigmatism)),
    unjudgedFits: all.filter((e) => !Number.isFinite(e.crossCorrelation) && !Number.isFinite(e.fitResolutionA)).length,
  };
}

export function triageCtf(estimates: CtfEstimate[], options: TriageOptions = {}): CtfTriage {
  const map = options.mapResolutionA ?? null;
  const tilt = options.tiltSeries ?? null;
  const summary = summarizeCtf(estimates, map, tilt);
  const good = estimates.filter((e) => reasonUnreliable(e, tilt) === null);
  const goodThick = good.filter((e) => e.thicknessA !== null && e.thicknessA > 0);
  // The distributions describe the reliable fits only (the basis is their count); a failed run's none.
  const present = (d: Distribution): Distribution | null => (d.count && !summary.failedRun ? d : null);
  const distributions = {
    defocusUA: present(distribution(good.map(meanDefocus))),
    astigmatismA: present(distribution(good.map(astigmatism))),
    fitResolutionA: present(distribution(good.map((e) => e.fitResolutionA))),
    thicknessA: present(distribution(goodThick.map((e) => e.thicknessA!))),
    particleDefocusSpreadA: present(
      distribution(
        good.flatMap((e) =>
          e.particles && e.particles.count >= CTF_LIMITS.minParticlesForSpread ? [e.particles.defocusSpreadA] : [],
        ),
      ),
    ),
  };
  const first = tilt ? failedTiltsFinding(estimates, tilt) : unreliableFinding(estimates, good.length);
  // After a failed run, the failure is the only finding: re-run, then judge.
  const rest = summary.failedRun
    ? []
    : [
        ...findings(good, goodThick, map, options.particleSizeA ?? null).filter(
          (f) => !(tilt && f.code === 'high-defocus'),
        ),
        ...spreadFinding(good),
      ];
  return {
    summary,
    distributions,
    findings: [...(first ? [first] : []), ...rest],
    outliers: tilt
      ? estimates.flatMap((e) =>
          tilt.failed.has(e.micrograph)
            ? [{ micrograph: e.micrograph, reasons: [tilt.failed.get(e.micrograph)!] }]
            : [],
        )
      : [...unreliableOutliers(estimates), ...(summary.failedRun ? [] : outliers(good))],
  };
}

/** Each unreliable fit, named with why. */
function unreliableOutliers(all: CtfEstimate[]): CtfOutlier[] {
  return all.flatMap((e) => {
    const why = unreliableBecause(e);
    return why ? [{ micrograph: e.micrograph, reasons: [`unreliable fit: ${why}`] }] : [];
  });
}

const shortName = (m: string): string => m.split('/').pop() ?? m;

/**
 * A fraction of items as a finding states it: "25 % of 400 micrographs" with its 95 % bound, or, for a handful,
 * "2 of 7 micrographs (a, b)" — a list, never called strong on its own.
 */
function fractionFinding(
  f: Omit<CtfFinding, 'basis' | 'power' | 'fraction' | 'statement'> & {
    hits: CtfEstimate[];
    of: CtfEstimate[];
    what: string;
    grade: Threshold;
  },
): CtfFinding | null {
  const n = f.of.length,
    k = f.hits.length;
  const fraction = n ? k / n : 0;
  const level = levelOf(f.grade, fraction);
  if (level === 'none' || !k) return null;
  const few = n < MIN_FRACTION_ITEMS;
  const who = few ? `${k} of ${n} micrographs (${f.hits.map((e) => shortName(e.micrograph)).join(', ')})` : '';
  return {
    code: f.code,
    severity: few ? 'possible' : level,
    fraction,
    threshold: `${f.threshold}; fraction ${thresholdText(f.grade)}`,
    statement: `${few ? who : `${(100 * fraction).toFixed(0)} % of ${n} micrographs`} ${f.what}`,
    remedy: f.remedy,
    basis: fractionBasis(
      n,
      'micrographs',
      f.hits.map((e) => shortName(e.micrograph)),
    ),
    power: fractionPower(k, n, 'micrographs', f.grade.possible).note,
  };
}

/** Tilt images: the failed fits, each named, judged by the series' own course (never a "failed run" by score). */
function failedTiltsFinding(all: CtfEstimate[], tilt: NonNullable<TriageOptions['tiltSeries']>): CtfFinding | null {
  const failed = all.filter((e) => tilt.failed.has(e.micrograph));
  const f = failed.length / all.length;
  const level = levelOf(THRESHOLDS.ctfFractionUnreliable, f);
  if (!failed.length) return null;
  return {
    code: 'failed-fits',
    severity: level === 'none' ? 'possible' : level,
    fraction: f,
    threshold: tilt.rule,
    statement:
      `${failed.length} of ${all.length} tilt images of ${tilt.series} have a failed CTF fit (listed under ` +
      'outliers); the others follow the series and are kept — low CTFFIND scores are normal for tilt images',
    remedy:
      "exclude these tilts or re-fit them with the series' defocus as the start (cryodx tomo-report judges the whole " +
      'series: scheme, dose, axis, alignment)',
    basis: basis(all.length, 'fits', { items: failed.map((e) => shortName(e.micrograph)) }),
    power: `each tilt judged against its series' course; ${failed.length} of ${all.length} tilt images named`,
  };
}

function findings(
  all: CtfEstimate[],
  thick: CtfEstimate[],
  map: number | null,
  particleA: number | null,
): CtfFinding[] {
  const out: CtfFinding[] = [];
  const push = (f: CtfFinding | null): void => {
    if (f) out.push(f);
  };
  const T = CTF_THRESHOLDS;
  if (map !== null) {
    const hits = all.filter((e) => supportedResolutionA(e) > map);
    const median = distribution(all.map((e) => e.fitResolutionA)).median;
    // A graded prompt for refinement, never a call to exclude: at most "possible".
    const f = fractionFinding({
      code: 'fit-worse-than-map',
      severity: 'possible',
      threshold: `fit resolution / √2 > ${map} Å (the map)`,
      hits,
      of: all,
      what:
        `have a CTF fit whose defocus alone supports less than the map's ${map} Å (a fit to ${median.toFixed(1)} ` +
        `Å pins the defocus to ±r²/4λ, a 90° phase error at r/√2 = ${(median / Math.SQRT2).toFixed(1)} Å): ` +
        'per-particle CTF refinement must carry the rest',
      remedy:
        'per-particle defocus and aberration refinement (RELION CtfRefine, cryoSPARC local and global CTF ' +
        'refinement); exclude only micrographs whose fit failed — a single micrograph fits routinely worse than ' +
        'the map it contributes to (reason 5)',
      grade: THRESHOLDS.ctfFractionFitWorse,
    });
    push(f ? { ...f, severity: 'possible' } : null);
  }
  push(
    fractionFinding({
      code: 'high-defocus',
      severity: 'possible',
      threshold: `mean defocus > ${T.highDefocusA / 10000} µm`,
      hits: all.filter((e) => meanDefocus(e) > T.highDefocusA),
      of: all,
      what:
        `were taken above ${T.highDefocusA / 10000} µm defocus, where the envelope and CTF errors cost ` +
        'high-resolution signal',
      remedy:
        'collect at 0.5–1.5 µm once the particles are established; keep the high-defocus data for picking only ' +
        '(reason 5)',
      grade: THRESHOLDS.ctfFractionHighDefocus,
    }),
  );
  if (thick.length) {
    const limit = particleA ? Math.max(1.5 * particleA, T.thickIceA) : T.thickIceA;
    push(
      fractionFinding({
        code: 'thick-ice',
        severity: 'possible',
        threshold: `thickness > ${limit} Å`,
        hits: thick.filter((e) => e.thicknessA! > limit),
        of: thick,
        what: 'have thick ice: inelastic scattering removes signal and CTF fits degrade beyond ~5 Å',
        remedy:
          'screen for thinner ice (blotting time and force, grid type) and exclude thick-ice micrographs by their ' +
          'thickness (reason 3)',
        grade: THRESHOLDS.ctfFractionIce,
      }),
    );
    if (particleA)
      push(
        fractionFinding({
          code: 'thin-ice',
          severity: 'possible',
          threshold: `thickness < ${(1.1 * particleA).toFixed(0)} Å (1.1× the particle)`,
          hits: thick.filter((e) => e.thicknessA! < 1.1 * particleA),
          of: thick,
          what:
            'have ice thinner than the particle needs: particles may be squashed, denatured at the air–water ' +
            'interface or excluded',
          remedy:
            'thicker ice or a support film (graphene oxide) / detergent to keep particles away from the interface ' +
            '(reason 3)',
          grade: THRESHOLDS.ctfFractionIce,
        }),
      );
  }
  push(
    fractionFinding({
      code: 'astigmatism',
      severity: 'possible',
      threshold: `|ΔfU − ΔfV| > ${T.astigmatismA} Å`,
      hits: all.filter((e) => astigmatism(e) > T.astigmatismA),
      of: all,
      what: `have more than ${T.astigmatismA / 10} nm of astigmatism`,
      remedy:
        'correct the objective stigmator (and coma) before each session; refine per-particle astigmatism (reason 7)',
      grade: THRESHOLDS.ctfFractionAstigmatism,
    }),
  );
  return out.sort((a, b) => (a.severity === b.severity ? b.fraction - a.fraction : a.severity === 'strong' ? -1 : 1));
}

/** The unreliable fits as one finding (first in the report), or null when every fit can be used. */
function unreliableFinding(all: CtfEstimate[], good: number): CtfFinding | null {
  const n = all.length,
    k = n - good;
  const f = k / n;
  const level = levelOf(THRESHOLDS.ctfFractionUnreliable, f);
  if (level === 'none') return null;
  const foms = all.map((e) => e.crossCorrelation).filter(Number.isFinite);
  const fom = foms.length ? `; figures of merit ${Math.min(...foms).toFixed(3)}–${Math.max(...foms).toFixed(3)}` : '';
  const failed = f > CTF_LIMITS.failedRunFraction;
  const bad = all.filter((e) => unreliableBecause(e) !== null).map((e) => shortName(e.micrograph));
  return {
    code: 'unreliable-fits',
    severity: level,
    fraction: f,
    threshold:
      `figure of merit < ${CTF_LIMITS.minFigureOfMerit}, or rings not past ${CTF_LIMITS.failedFitA} Å; ` +
      `fraction ${thresholdText(THRESHOLDS.ctfFractionUnreliable)}`,
    statement:
      `${k} of ${n} CTF fits are unreliable${fom}` +
      (failed
        ? `: the run failed — no defocus, astigmatism, ice or fit-resolution finding is drawn from it` +
          (good
            ? ` (the ${good} fit${good === 1 ? '' : 's'} that passed ${good === 1 ? 'is' : 'are'} no sample of the ` +
              'dataset)'
            : '')
        : ': their defocus, astigmatism and thickness are left out of every other finding'),
    remedy:
      're-run CTF estimation on the motion-corrected micrographs (not on their power spectra), with the right pixel ' +
      'size, voltage, Cs and defocus range; inspect and exclude the micrographs that still fail',
    basis: basis(n, 'fits', n < MIN_FRACTION_ITEMS ? { items: bad } : {}),
    power:
      'each fit judged on its own figure of merit and fit resolution; ' +
      fractionPower(k, n, 'fits', THRESHOLDS.ctfFractionUnreliable.possible).note,
  };
}

/**
 * Per-particle defocus within one micrograph (a particle STAR or .cs after CTF refinement): a spread far beyond the
 * ice thickness's share says the per-particle refinement wandered, or the micrograph is tilted or the ice thick.
 */
function spreadFinding(all: CtfEstimate[]): CtfFinding[] {
  const judged = all.filter((e) => e.particles && e.particles.count >= CTF_LIMITS.minParticlesForSpread);
  if (!judged.length) return [];
  const limitA = CTF_LIMITS.particleDefocusSpreadA;
  const hits = judged.filter((e) => e.particles!.defocusSpreadA > limitA);
  const f = fractionFinding({
    code: 'defocus-spread-in-micrographs',
    severity: 'possible',
    threshold:
      `per-particle defocus SD > ${limitA} Å within a micrograph (≥ ${CTF_LIMITS.minParticlesForSpread} ` +
      'particles)',
    hits,
    of: judged,
    what:
      `have particles whose refined defocus spreads by more than ${limitA} Å (median SD ` +
      `${distribution(judged.map((e) => e.particles!.defocusSpreadA)).median.toFixed(0)} Å): thick or tilted ice, ` +
      'or a per-particle refinement that wandered',
    remedy:
      'check the ice (thickness, tilt) of those micrographs; refine per-particle defocus with a smaller search range ' +
      'or per micrograph only (reason 5)',
    grade: THRESHOLDS.ctfFractionIce,
  });
  return f ? [{ ...f, severity: 'possible' }] : [];
}

/** Micrographs far from the rest (median ± 4 robust SD, MAD × 1.4826) or past the absolute limits. */
function outliers(all: CtfEstimate[]): CtfOutlier[] {
  const robust = (v: number[]): { med: number; sd: number } => {
    const med = distribution(v).median;
    return { med, sd: 1.4826 * distribution(v.map((x) => Math.abs(x - med))).median };
  };
  const df = robust(all.map(meanDefocus)),
    fr = robust(all.map((e) => e.fitResolutionA));
  const th = robust(all.filter((e) => e.thicknessA).map((e) => e.thicknessA!));
  const out: CtfOutlier[] = [];
  for (const e of all) {
    const reasons: string[] = [];
    const d = meanDefocus(e);
    if (df.sd > 0 && Math.abs(d - df.med) > 4 * df.sd)
      reasons.push(`defocus ${(d / 10000).toFixed(2)} µm (dataset median ${(df.med / 10000).toFixed(2)} µm)`);
    if (e.fitResolutionA > CTF_THRESHOLDS.failedFitA || (fr.sd > 0 && e.fitResolutionA > fr.med + 4 * fr.sd))
      reasons.push(`fit resolution ${e.fitResolutionA.toFixed(1)} Å (median ${fr.med.toFixed(1)} Å)`);
    if (astigmatism(e) > 2 * CTF_THRESHOLDS.astigmatismA) reasons.push(`astigmatism ${astigmatism(e).toFixed(0)} Å`);
    if (e.thicknessA && th.sd > 0 && e.thicknessA > th.med + 4 * th.sd)
      reasons.push(`thickness ${(e.thicknessA / 10).toFixed(0)} nm (median ${(th.med / 10).toFixed(0)} nm)`);
    if (reasons.length) out.push({ micrograph: e.micrograph, reasons });
  }
  return out;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
