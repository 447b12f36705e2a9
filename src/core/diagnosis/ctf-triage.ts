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
  fractionFitWorseThanMap: number;
  medianDefocusUA: number;
  medianFitResolutionA: number;
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
  code: 'fit-worse-than-map' | 'high-defocus' | 'thick-ice' | 'thin-ice' | 'astigmatism' | 'failed-fits';
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
  distributions: {
    defocusUA: Distribution;
    astigmatismA: Distribution;
    fitResolutionA: Distribution;
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
const astigmatism = (e: CtfEstimate): number => Math.abs(e.defocusUA - e.defocusVA);

export function summarizeCtf(estimates: CtfEstimate[], mapResolutionA: number | null): CtfSummary {
  if (estimates.length === 0) throw new RangeError('no CTF estimates to summarise');
  const worse = mapResolutionA === null ? 0 : estimates.filter((e) => e.fitResolutionA > mapResolutionA).length;
  const thickness = estimates.map((e) => e.thicknessA).filter((t): t is number => t !== null && t > 0);
  return {
    micrographs: estimates.length,
    fractionFitWorseThanMap: worse / estimates.length,
    medianDefocusUA: distribution(estimates.map(meanDefocus)).median,
    medianFitResolutionA: distribution(estimates.map((e) => e.fitResolutionA)).median,
    medianThicknessA: thickness.length ? distribution(thickness).median : null,
    medianAstigmatismA: distribution(estimates.map(astigmatism)).median,
  };
}

export function triageCtf(estimates: CtfEstimate[], options: TriageOptions = {}): CtfTriage {
  const map = options.mapResolutionA ?? null;
  const summary = summarizeCtf(estimates, map);
  const thick = estimates.filter((e) => e.thicknessA !== null && e.thicknessA > 0);
  const distributions = {
    defocusUA: distribution(estimates.map(meanDefocus)),
    astigmatismA: distribution(estimates.map(astigmatism)),
    fitResolutionA: distribution(estimates.map((e) => e.fitResolutionA)),
    thicknessA: thick.length ? distribution(thick.map((e) => e.thicknessA!)) : null,
  };
  return {
    summary,
    distributions,
    findings: findings(estimates, thick, map, options.particleSizeA ?? null),
    outliers: outliers(estimates),
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
    const f = frac(all.filter((e) => e.fitResolutionA > map).length);
    add(
      {
        code: 'fit-worse-than-map',
        severity: 'possible',
        fraction: f,
        threshold: `fit resolution > ${map} Å (the map)`,
        statement:
          `${pct(f)} of micrographs have Thon rings that fit only to worse than the map's ${map} Å: ` +
          `beyond that their CTF is a guess`,
        remedy:
          'exclude them (RELION Subset selection on rlnCtfMaxResolution) or re-estimate with a larger box; then ' +
          'per-particle CTF refinement (reason 5)',
      },
      THRESHOLDS.ctfFractionFitWorse,
    );
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
  const ff = frac(all.filter((e) => e.fitResolutionA > T.failedFitA).length);
  add(
    {
      code: 'failed-fits',
      severity: 'possible',
      fraction: ff,
      threshold: `fit resolution > ${T.failedFitA} Å`,
      statement:
        `${pct(ff)} of CTF fits failed or stopped before ${T.failedFitA} Å (empty, drifted or ` +
        `contaminated micrographs)`,
      remedy: 'inspect and exclude these micrographs before picking',
    },
    THRESHOLDS.ctfFractionFailed,
  );
  return out.sort((a, b) => (a.severity === b.severity ? b.fraction - a.fraction : a.severity === 'strong' ? -1 : 1));
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
