import type { CtfEstimate } from '../model/ctf.js';
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
  /**
   * Of the reliable fits, the share whose defocus alone supports less than the map's resolution (a fit to r
   * pins the defocus to about ±r²/4λ, a 90° phase error at r/√2): per-particle CTF refinement carries the rest.
   */
  fractionFitWorseThanMap: number;
  medianDefocusUA: number;
  medianFitResolutionA: number | null;
  medianThicknessA: number | null;
  medianAstigmatismA: number;
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

/** The single-particle rule, or for tilt images the tilt series' own judgement. */
function reasonUnreliable(e: CtfEstimate, tilt: TriageOptions['tiltSeries']): string | null {
  return tilt ? (tilt.failed.get(e.micrograph) ?? null) : unreliableBecause(e);
}

/** The resolution a fit's defocus alone supports: r/√2 for a fit to r (see CtfSummary.fractionFitWorseThanMap). */
export function supportedResolutionA(e: CtfEstimate): number {
  return e.fitResolutionA / Math.SQRT2;
}
const astigmatism = (e: CtfEstimate): number => Math.abs(e.defocusUA - e.defocusVA);

export function summarizeCtf(
  all: CtfEstimate[],
  mapResolutionA: number | null,
  tilt: TriageOptions['tiltSeries'] = null,
): CtfSummary {
  if (all.length === 0) throw new RangeError('no CTF estimates to summarise');
  // Unreliable fits do not feed the medians: a failed run's defocus is not the session's.
  const good = all.filter((e) => reasonUnreliable(e, tilt) === null);
  const use = good.length ? good : all;
  const worse = mapResolutionA === null ? 0 : good.filter((e) => supportedResolutionA(e) > mapResolutionA).length;
  const thickness = use.map((e) => e.thicknessA).filter((t): t is number => t !== null && t > 0);
  return {
    micrographs: all.length,
    fractionUnreliable: (all.length - good.length) / all.length,
    fractionFitWorseThanMap: good.length ? worse / good.length : 0,
    medianDefocusUA: distribution(use.map(meanDefocus)).median,
    // null when no fit has a resolution (a .cs, a tilt STAR whose program wrote placeholders): nothing to median.
    medianFitResolutionA: finiteOrNull(distribution(use.map((e) => e.fitResolutionA)).median),
    medianThicknessA: thickness.length ? distribution(thickness).median : null,
    medianAstigmatismA: distribution(use.map(astigmatism)).median,
  };
}

export function triageCtf(estimates: CtfEstimate[], options: TriageOptions = {}): CtfTriage {
  const map = options.mapResolutionA ?? null;
  const tilt = options.tiltSeries ?? null;
  const summary = summarizeCtf(estimates, map, tilt);
  const thick = estimates.filter((e) => e.thicknessA !== null && e.thicknessA > 0);
  const present = (d: Distribution): Distribution | null => (d.count ? d : null);
  const distributions = {
    defocusUA: present(distribution(estimates.map(meanDefocus))),
    astigmatismA: present(distribution(estimates.map(astigmatism))),
    fitResolutionA: present(distribution(estimates.map((e) => e.fitResolutionA))),
    thicknessA: thick.length ? distribution(thick.map((e) => e.thicknessA!)) : null,
  };
  const good = estimates.filter((e) => reasonUnreliable(e, tilt) === null);
  const goodThick = good.filter((e) => e.thicknessA !== null && e.thicknessA > 0);
  const first = tilt ? failedTiltsFinding(estimates, tilt) : unreliableFinding(estimates, good.length);
  return {
    summary,
    distributions,
    // Unreliable fits first; their defocus, astigmatism and thickness feed no other finding.
    findings: [
      ...(first ? [first] : []),
      ...findings(good, goodThick, map, options.particleSizeA ?? null).filter(
        (f) => !(tilt && f.code === 'high-defocus'),
      ),
      ...spreadFinding(estimates),
    ],
    outliers: tilt
      ? estimates.flatMap((e) =>
          tilt.failed.has(e.micrograph)
            ? [{ micrograph: e.micrograph, reasons: [tilt.failed.get(e.micrograph)!] }]
            : [],
        )
      : outliers(estimates),
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
  };
}

function findings(
  all: CtfEstimate[],
  thick: CtfEstimate[],
  map: number | null,
  particleA: number | null,
): CtfFinding[] {
  const n = all.length,
    out: CtfFinding[] = [];
  const frac = (k: number, of = n): number => (of ? k / of : 0);
  const pct = (f: number): string => `${(100 * f).toFixed(0)} %`;
  const add = (f: CtfFinding, grade: Threshold): void => {
    const level = levelOf(grade, f.fraction);
    if (level !== 'none')
      out.push({ ...f, severity: level, threshold: `${f.threshold}; fraction ${thresholdText(grade)}` });
  };
  const T = CTF_THRESHOLDS;
  if (map !== null) {
    const f = frac(all.filter((e) => supportedResolutionA(e) > map).length);
    const median = distribution(all.map((e) => e.fitResolutionA)).median;
    const finding: CtfFinding = {
      code: 'fit-worse-than-map',
      severity: 'possible',
      fraction: f,
      threshold: `fit resolution / √2 > ${map} Å (the map)`,
      statement:
        `${pct(f)} of micrographs have a CTF fit whose defocus alone supports less than the map's ${map} Å ` +
        `(a fit to ${median.toFixed(1)} Å pins the defocus to ±r²/4λ, a 90° phase error at r/√2 = ` +
        `${(median / Math.SQRT2).toFixed(1)} Å): per-particle CTF refinement must carry the rest`,
      remedy:
        'per-particle defocus and aberration refinement (RELION CtfRefine, cryoSPARC local and global CTF ' +
        'refinement); exclude only micrographs whose fit failed — a single micrograph fits routinely worse than ' +
        'the map it contributes to (reason 5)',
    };
    // A graded prompt for refinement, never a call to exclude: at most "possible".
    const level = levelOf(THRESHOLDS.ctfFractionFitWorse, f);
    if (level !== 'none') {
      out.push({
        ...finding,
        threshold: `${finding.threshold}; fraction ${thresholdText(THRESHOLDS.ctfFractionFitWorse)}`,
      });
    }
  }
  const fd = frac(all.filter((e) => meanDefocus(e) > T.highDefocusA).length);
  add(
    {
      code: 'high-defocus',
      severity: 'possible',
      fraction: fd,
      threshold: `mean defocus > ${T.highDefocusA / 10000} µm`,
      statement:
        `${pct(fd)} of micrographs were taken above ${T.highDefocusA / 10000} µm defocus, where the ` +
        `envelope and CTF errors cost high-resolution signal`,
      remedy:
        'collect at 0.5–1.5 µm once the particles are established; keep the high-defocus data for picking only ' +
        '(reason 5)',
    },
    THRESHOLDS.ctfFractionHighDefocus,
  );
  if (thick.length) {
    const ft = frac(
      thick.filter((e) => e.thicknessA! > (particleA ? Math.max(1.5 * particleA, T.thickIceA) : T.thickIceA)).length,
      thick.length,
    );
    add(
      {
        code: 'thick-ice',
        severity: 'possible',
        fraction: ft,
        threshold: `thickness > ${particleA ? Math.max(1.5 * particleA, T.thickIceA) : T.thickIceA} Å`,
        statement:
          `${pct(ft)} of micrographs have thick ice: inelastic scattering removes signal and CTF fits ` +
          `degrade beyond ~5 Å`,
        remedy:
          'screen for thinner ice (blotting time and force, grid type) and exclude thick-ice micrographs by their ' +
          'thickness (reason 3)',
      },
      THRESHOLDS.ctfFractionIce,
    );
    if (particleA) {
      const fthin = frac(thick.filter((e) => e.thicknessA! < 1.1 * particleA).length, thick.length);
      add(
        {
          code: 'thin-ice',
          severity: 'possible',
          fraction: fthin,
          threshold: `thickness < ${(1.1 * particleA).toFixed(0)} Å (1.1× the particle)`,
          statement:
            `${pct(fthin)} of micrographs have ice thinner than the particle needs: particles may be ` +
            `squashed, denatured at the air–water interface or excluded`,
          remedy:
            'thicker ice or a support film (graphene oxide) / detergent to keep particles away from the interface ' +
            '(reason 3)',
        },
        THRESHOLDS.ctfFractionIce,
      );
    }
  }
  const fa = frac(all.filter((e) => astigmatism(e) > T.astigmatismA).length);
  add(
    {
      code: 'astigmatism',
      severity: 'possible',
      fraction: fa,
      threshold: `|ΔfU − ΔfV| > ${T.astigmatismA} Å`,
      statement: `${pct(fa)} of micrographs have more than ${T.astigmatismA / 10} nm of astigmatism`,
      remedy:
        'correct the objective stigmator (and coma) before each session; refine per-particle astigmatism (reason 7)',
    },
    THRESHOLDS.ctfFractionAstigmatism,
  );
  return out.sort((a, b) => (a.severity === b.severity ? b.fraction - a.fraction : a.severity === 'strong' ? -1 : 1));
}

/** The unreliable fits as one finding (first in the report), or null when every fit can be used. */
function unreliableFinding(all: CtfEstimate[], good: number): CtfFinding | null {
  const f = (all.length - good) / all.length;
  const level = levelOf(THRESHOLDS.ctfFractionUnreliable, f);
  if (level === 'none') return null;
  const foms = all.map((e) => e.crossCorrelation).filter(Number.isFinite);
  const fom = foms.length ? `; figures of merit ${Math.min(...foms).toFixed(3)}–${Math.max(...foms).toFixed(3)}` : '';
  return {
    code: 'unreliable-fits',
    severity: level,
    fraction: f,
    threshold:
      `figure of merit < ${CTF_LIMITS.minFigureOfMerit}, or rings not past ${CTF_LIMITS.failedFitA} Å; ` +
      `fraction ${thresholdText(THRESHOLDS.ctfFractionUnreliable)}`,
    statement:
      `${(100 * f).toFixed(0)} % of the CTF fits are unreliable${fom}: their defocus, astigmatism and thickness ` +
      'are left out of every other finding',
    remedy:
      're-run CTF estimation on the motion-corrected micrographs (not on their power spectra), with the right pixel ' +
      'size, voltage, Cs and defocus range; inspect and exclude the micrographs that still fail',
  };
}

/**
 * Per-particle defocus within one micrograph (a particle STAR after CTF refinement): a spread far beyond the
 * ice thickness's share says the per-particle refinement wandered, or the micrograph is tilted or the ice thick.
 */
function spreadFinding(all: CtfEstimate[]): CtfFinding[] {
  const spreads = all.flatMap((e) => (e.particles && e.particles.count >= 5 ? [e.particles.defocusSpreadA] : []));
  if (!spreads.length) return [];
  const limitA = CTF_LIMITS.particleDefocusSpreadA;
  const f = spreads.filter((s) => s > limitA).length / spreads.length;
  const level = levelOf(THRESHOLDS.ctfFractionIce, f);
  if (level === 'none') return [];
  return [
    {
      code: 'defocus-spread-in-micrographs',
      severity: 'possible',
      fraction: f,
      threshold:
        `per-particle defocus SD > ${limitA} Å within a micrograph; fraction ` +
        `${thresholdText(THRESHOLDS.ctfFractionIce)}`,
      statement:
        `${(100 * f).toFixed(0)} % of micrographs have particles whose refined defocus spreads by more than ` +
        `${limitA} Å ` +
        `(median SD ${distribution(spreads).median.toFixed(0)} Å): thick or tilted ice, or a per-particle ` +
        `refinement that wandered`,
      remedy:
        'check the ice (thickness, tilt) of those micrographs; refine per-particle defocus with a smaller search ' +
        'range ' +
        'or per micrograph only (reason 5)',
    },
  ];
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
