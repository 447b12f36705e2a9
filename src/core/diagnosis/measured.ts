import { basis } from '../model/basis.js';
import type { CauseId } from './causes.js';
import { rankFindings } from './diagnose.js';
import { evidence, finding, round, SUPPORT, type Evidence, type Finding } from './finding.js';
import { groupEffect, type Verdict } from './whatif-verdict.js';

/**
 * The ranked causes with what-if reconstructions in them (`report --measure`): a direct measurement of what leaving
 * a flagged group out does outranks the indicators that flagged it. A cause whose group is measured harmful is
 * strong; one whose every measured group is neutral (or useful: good data) is ruled out for those particles, with
 * the number; a group too small to measure adds its number but decides nothing. Causes removal cannot test
 * (heterogeneity within a class, orientation, optics acting on every particle alike) keep their findings.
 */
export interface MeasuredGroup {
  name: string;
  cause: CauseId | null;
  particles: number;
  fraction: number;
  resolutionWithoutA: number | null;
  controlResolutionsA: number[];
  effectA: number | null;
  verdict: Verdict;
  why: string;
}

export interface MeasuredContext {
  /** The map of all particles, Å (interpolated crossing), and the particle count. */
  fullA: number | null;
  particles: number;
  /** Width of one Fourier shell at fullA, Å (the verdict's smallest credited spread). */
  shellWidthA: number;
}

export function withMeasuredEffects(findings: Finding[], groups: MeasuredGroup[], ctx: MeasuredContext): Finding[] {
  const out = findings.map((f) => {
    const mine = groups.filter((g) => g.cause === f.cause);
    return mine.length ? remeasured(f, mine, ctx) : f;
  });
  return rankFindings(out);
}

function remeasured(f: Finding, groups: MeasuredGroup[], ctx: MeasuredContext): Finding {
  // Harmful first; groups too small to measure stay in the what-if table: they decide nothing here.
  const order: Record<Verdict, number> = { harmful: 0, useful: 1, neutral: 1, 'too-small': 2 };
  const decided = groups
    .filter((g) => g.verdict !== 'too-small')
    .sort((a, b) => order[a.verdict] - order[b.verdict])
    .map((g) => ({ g, e: groupEvidence(g, ctx) }));
  if (!decided.length) return f;
  const harmful = decided.filter((x) => x.g.verdict === 'harmful');
  const measured = [...decided.map((x) => x.e), ...f.evidence];
  const support = (SUPPORT.get(f) ?? f.evidence.length) + decided.length;
  if (harmful.length) return finding(f.cause, 'strong', measured, null, support, harmful[0]!.e);
  // Every measured group of this cause is neutral or useful: its flagged particles are not what limits the map.
  const ruled = finding(f.cause, 'ruled out', measured, null, support, decided[0]!.e);
  ruled.power =
    `ruled out for the flagged particles by what-if reconstructions: ${decided.map((x) => x.g.why).join('; ')}. ` +
    'What acts on every particle alike is not tested by leaving particles out';
  return ruled;
}

function groupEvidence(g: MeasuredGroup, ctx: MeasuredContext): Evidence {
  const pct = `${(100 * g.fraction).toFixed(0)} %`;
  const b = basis(g.particles, 'particles', { total: ctx.particles });
  const threshold = thresholdOf(g, ctx);
  const statement =
    g.resolutionWithoutA === null
      ? `Leaving out ${g.name} (${g.particles} particles, ${pct}) was not measured: ${g.why}`
      : `Leaving out ${g.name} (${g.particles} particles, ${pct}): ${g.resolutionWithoutA.toFixed(2)} Å against ` +
        `${mean(g.controlResolutionsA).toFixed(2)} Å without as many random particles — ${g.verdict}: ${g.why}`;
  return evidence(
    {
      measure: 'whatifEffectA',
      value: g.effectA === null ? 'not measured' : round(g.effectA, 2),
      threshold: threshold === null ? 'outside the controls’ 95 % interval' : `> ±${threshold.toFixed(2)} Å`,
      statement,
      basis: b,
    },
    {
      canRuleOut: g.verdict === 'neutral' || g.verdict === 'useful',
      note:
        g.verdict === 'too-small'
          ? 'too small to measure: the random controls scatter more than this group could move the map'
          : `half maps rebuilt without the group and without ${g.controlResolutionsA.length} random sets of as many`,
    },
  );
}

/** The half-width of the controls' 95 % prediction interval the verdict used (the verdict's own rule). */
function thresholdOf(g: MeasuredGroup, ctx: MeasuredContext): number | null {
  if (g.resolutionWithoutA === null || ctx.fullA === null || g.controlResolutionsA.length < 2) return null;
  return groupEffect({
    fraction: g.fraction,
    fullA: ctx.fullA,
    withoutA: g.resolutionWithoutA,
    controlA: g.controlResolutionsA,
    shellWidthA: ctx.shellWidthA,
  }).thresholdA;
}

const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
