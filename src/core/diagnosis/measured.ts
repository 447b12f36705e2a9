import { basis } from '../model/basis.js';
import type { CauseId } from './causes.js';
import { rankFindings } from './diagnose.js';
import { evidence, finding, round, SUPPORT, type Evidence, type Finding } from './finding.js';
import type { Verdict } from './whatif-verdict.js';

/**
 * The ranked causes with what-if reconstructions in them (`report --measure`): a direct measurement of what leaving
 * a flagged group out does outranks the indicators that flagged it.
 * - A group measured harmful makes its cause strong, resting on that number.
 * - A cause is ruled out (for the flagged particles) only by groups that are the very population its finding flags
 *   (`rulesOut`: unreliable CTF fits, thick ice, motion outliers), every one of them measured neutral or useful with
 *   the power to have seen a group half as good (what losing as many random particles costs ≥ twice the interval),
 *   and never at the sampling limit (harm cannot show beyond the last shell).
 * - Every other measured group joins the finding's evidence without deciding it; groups too small to measure stay
 *   in the what-if table.
 */
export interface MeasuredGroup {
  name: string;
  cause: CauseId | null;
  rulesOut: boolean;
  particles: number;
  fraction: number;
  resolutionWithoutA: number | null;
  controlResolutionA: number | null;
  effectA: number | null;
  removalCostA: number | null;
  thresholdA: number | null;
  verdict: Verdict;
  why: string;
}

export interface MeasuredContext {
  /** The map of all particles, Å (interpolated crossing), and the particle count. */
  fullA: number | null;
  particles: number;
  /** The full map reached the last shell its box holds: no group can show harm or rule anything out. */
  samplingLimited: boolean;
  /** Groups judged in the run (each at 95 %): the chance that one of them reads harmful by chance grows with it. */
  judged?: number;
}

/** A group could have shown harm half its size: what losing as many random particles costs, against the interval. */
const POWER_FACTOR = 2;

export function withMeasuredEffects(findings: Finding[], groups: MeasuredGroup[], ctx: MeasuredContext): Finding[] {
  const judged = groups.filter((g) => g.verdict !== 'too-small').length;
  ctx = { ...ctx, judged };
  return rankFindings(
    findings.map((f) => {
      const mine = groups.filter((g) => g.cause === f.cause);
      return mine.some((g) => g.verdict !== 'too-small') ? remeasured(f, mine, ctx) : f;
    }),
  );
}

function remeasured(f: Finding, groups: MeasuredGroup[], ctx: MeasuredContext): Finding {
  const order: Record<Verdict, number> = { harmful: 0, useful: 1, neutral: 1, 'too-small': 2 };
  const decided = groups.filter((g) => g.verdict !== 'too-small').sort((a, b) => order[a.verdict] - order[b.verdict]);
  const evidenceOf = (g: MeasuredGroup): Evidence => groupEvidence(g, ctx, canRuleOut(g, ctx));
  const measured = decided.map(evidenceOf);
  const support = (SUPPORT.get(f) ?? f.evidence.length) + decided.length;
  const harmful = decided.filter((g) => g.verdict === 'harmful');
  if (harmful.length) return finding(f.cause, 'strong', [...measured, ...f.evidence], null, support, measured[0]!);
  // The flagged populations themselves, each measured with the power to see harm: only they can rule out.
  const flagged = groups.filter((g) => g.rulesOut);
  if (flagged.length && flagged.every((g) => canRuleOut(g, ctx))) {
    const ruled = finding(f.cause, 'ruled out', [...measured, ...f.evidence], null, support, measured[0]!);
    ruled.power =
      `ruled out for the flagged particles by what-if reconstructions at ${fmt(ctx.fullA)} Å: ` +
      `${flagged.map((g) => `${g.name}: ${g.why}`).join('; ')}. What acts on every particle alike is not tested ` +
      'by leaving particles out';
    return ruled;
  }
  // Measured, but nothing that decides: the finding stands, the numbers beside its evidence.
  const kept = finding(f.cause, f.strength, [...f.evidence, ...measured], f.needs, support, null);
  Object.assign(kept, { basis: f.basis, power: f.power, bCostA2: f.bCostA2, needsInputs: f.needsInputs });
  return kept;
}

/** Neutral (or useful), from a flagged population, with the power to have seen a group half as good. */
function canRuleOut(g: MeasuredGroup, ctx: MeasuredContext): boolean {
  return (
    g.rulesOut &&
    !ctx.samplingLimited &&
    (g.verdict === 'neutral' || g.verdict === 'useful') &&
    g.removalCostA !== null &&
    g.thresholdA !== null &&
    g.removalCostA >= POWER_FACTOR * g.thresholdA
  );
}

function groupEvidence(g: MeasuredGroup, ctx: MeasuredContext, rulesOut: boolean): Evidence {
  const pct = `${(100 * g.fraction).toFixed(0)} %`;
  const note =
    g.verdict === 'harmful'
      ? `the map without it beats random sets of as many beyond their 95 % prediction interval (${fmt(ctx.fullA)} Å)` +
        ((ctx.judged ?? 1) > 1
          ? `; one of ${ctx.judged} groups judged, each past its interval on this side 2.5 % of the time by chance: ` +
            `one of them reads harmful by chance ${(100 * (1 - 0.975 ** ctx.judged!)).toFixed(0)} % of the time`
          : '')
      : !g.rulesOut
        ? 'the group shares the cause but is not the population its finding flags: it can show harm, not rule it out'
        : ctx.samplingLimited
          ? 'at the sampling limit harm cannot show beyond the last shell: nothing is ruled out here'
          : rulesOut
            ? `no harm visible at ${fmt(ctx.fullA)} Å, where losing as many random particles costs ` +
              `${fmt(g.removalCostA)} Å (≥ ${POWER_FACTOR} × the interval)`
            : 'the controls could not have seen a group half as good: too little power to rule it out';
  return evidence(
    {
      measure: 'whatifEffectA',
      value: round(g.effectA ?? 0, 2),
      threshold: g.thresholdA === null ? 'outside the controls’ 95 % interval' : `> ±${g.thresholdA.toFixed(2)} Å`,
      statement:
        `Leaving out ${g.name} (${g.particles} particles, ${pct}): ${fmt(g.resolutionWithoutA)} Å against ` +
        `${fmt(g.controlResolutionA)} Å without as many random particles — ${g.verdict}: ${g.why}`,
      basis: basis(g.particles, 'particles', { total: ctx.particles }),
    },
    { canRuleOut: rulesOut, note: `half maps rebuilt without the group and without random sets of as many; ${note}` },
  );
}

const fmt = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
