import { SUPPORT, type Finding, type Strength } from './finding.js';
import type { DiagnosisInput } from './input.js';
import { ctf, ice, microscope, motion, picking } from './rules-physics.js';
import { compositional, heterogeneity, orientation, particles, sampling } from './rules-sample.js';

/**
 * Evidence → findings → ranked causes (seed 000: "diagnose which of the seven causes is dominant,
 * fix that one, then move to the next"). Pure rules over the analyses' results; no numerics of its
 * own. Every finding says what was measured, against which threshold, and what would test the
 * causes the inputs could not.
 */
export type { DiagnosisInput } from './input.js';
export type { Evidence, Finding, Strength } from './finding.js';

const STRENGTH_RANK: Record<Strength, number> = { strong: 0, possible: 1, 'not measured': 2, 'ruled out': 3 };

export function diagnose(input: DiagnosisInput): Finding[] {
  const findings = [
    heterogeneity(input),
    compositional(input),
    orientation(input),
    ice(input),
    motion(input),
    ctf(input),
    picking(input),
    microscope(input),
    particles(input),
    sampling(input),
  ];
  return rankFindings(findings);
}

/** The findings in the order a user reads them. */
export function rankFindings(findings: Finding[]): Finding[] {
  // Strong first, then possible (larger typical B cost first), then not measured, then ruled out.
  // A map cut by its pixel size is limited by that first: nothing else can show beyond Nyquist.
  const first = (f: Finding): number => (f.cause === 'sampling-limit' && f.strength === 'strong' ? 0 : 1);
  const cost = (f: Finding): number => f.bCostA2?.[1] ?? 0;
  const weight = (f: Finding): number => SUPPORT.get(f) ?? 0;
  // Among causes of one strength, one whose effect was measured (a what-if map without its particles) comes first:
  // the measured gain outranks indicators.
  const measured = (f: Finding): number => (f.evidence[0]?.measure === 'whatifEffectA' ? 0 : 1);
  return [...findings].sort(
    (a, b) =>
      first(a) - first(b) ||
      STRENGTH_RANK[a.strength] - STRENGTH_RANK[b.strength] ||
      measured(a) - measured(b) ||
      weight(b) - weight(a) ||
      cost(b) - cost(a),
  );
}
