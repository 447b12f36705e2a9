import { basisText, type Basis } from '../model/basis.js';
import { CAUSES, type CauseId } from './causes.js';
import { levelOf, thresholdText, type Level, type Threshold } from './thresholds.js';

/**
 * A cause's finding and the evidence behind it: the vocabulary every rule (rules-*.ts) speaks. Each piece of
 * evidence states its basis (how many of what) and its power (whether it could have seen the effect); a cause is
 * "ruled out" only by evidence that could have seen it, else it is "not measured".
 */
export type Strength = 'strong' | 'possible' | 'ruled out' | 'not measured';

export interface Evidence {
  /** What was measured, with its unit in the name, e.g. 'sphericity' or 'bfactorA2'. */
  measure: string;
  value: number | string;
  /** The comparison that makes it evidence, e.g. '< 0.85'. */
  threshold: string;
  /** One sentence a user can read. */
  statement: string;
  /** The items the number comes from. */
  basis: Basis;
  /** What this evidence could have seen: why a value short of the threshold does, or does not, rule anything out. */
  power: string;
  /** Whether a value short of the threshold rules the effect out (the test could have seen it). */
  canRuleOut: boolean;
}

/** Whether evidence that misses its threshold rules the effect out, and why (the `power` sentence). */
export interface Power {
  canRuleOut: boolean;
  note: string;
}

/**
 * A kind of input that would measure a cause, named once here and phrased by each front end: the CLI's flags
 * (`needs`), the page's roles and the files to drop (report/hints.ts).
 */
export type InputKind =
  | 'half-maps'
  | 'particles'
  | 'ctf'
  | 'motion'
  | 'bfactors'
  | 'classes'
  | 'picks'
  | 'ctf-refine'
  | 'postprocess'
  | 'model';

/** What a rule asks for: the CLI's sentence and the inputs it names (none when it asks for new processing). */
export interface Need {
  text: string;
  inputs: InputKind[];
}

/** The inputs that measure each cause, used when a rule gives its need as a sentence only. */
const INPUTS_BY_CAUSE: Record<CauseId, InputKind[]> = {
  '1a-compositional': ['classes'],
  '1b-conformational': ['half-maps'],
  '2-preferred-orientation': ['particles', 'half-maps'],
  '3-ice-thickness': ['ctf'],
  '4-motion-damage': ['motion', 'bfactors', 'postprocess'],
  '5-ctf': ['ctf'],
  '6-picking': ['picks'],
  '7-microscope': ['ctf-refine'],
  'particle-limited': ['postprocess'],
  'sampling-limit': ['half-maps'],
};

export interface Finding {
  cause: CauseId;
  title: string;
  strength: Strength;
  evidence: Evidence[];
  /** Estimated B-factor cost range, Å², where seed 000 gives one and the cause is not ruled out. */
  bCostA2: [number, number] | null;
  remedies: string[];
  /** For 'not measured': the input that would test it (as the CLI names it). */
  needs: string | null;
  /** The basis of the evidence that decided the strength (null when nothing was measured). */
  basis: Basis | null;
  /** Why the strength is what it is, in terms of what the evidence could see. */
  power: string;
  /** The same need as input kinds, for front ends that phrase it their own way (empty: no file would do). */
  needsInputs: InputKind[];
}

/**
 * How many independent measurements carry a finding past its thresholds: among causes of the same
 * strength, the better supported comes first (before the typical B cost decides).
 */
export const SUPPORT = new WeakMap<Finding, number>();

export function finding(
  cause: CauseId,
  strength: Strength,
  evidence: Evidence[],
  need: string | Need | null = null,
  support = evidence.length,
  deciding: Evidence | null = evidence[0] ?? null,
): Finding {
  const info = CAUSES[cause];
  const needs = typeof need === 'string' ? need : (need?.text ?? null);
  const needsInputs = typeof need === 'string' ? INPUTS_BY_CAUSE[cause] : (need?.inputs ?? []);
  const f: Finding = {
    cause,
    title: info.title,
    strength,
    evidence,
    bCostA2: strength === 'ruled out' || strength === 'not measured' ? null : info.typicalBCostA2,
    remedies: info.remedies,
    needs,
    basis: deciding?.basis ?? null,
    power: powerOf(strength, evidence, deciding, needs),
    needsInputs: needs === null ? [] : [...needsInputs],
  };
  SUPPORT.set(f, support);
  return f;
}

function powerOf(strength: Strength, evidence: Evidence[], deciding: Evidence | null, needs: string | null): string {
  if (strength === 'not measured')
    return evidence.length
      ? `no test here could have seen it: ${evidence.map((e) => e.power).join('; ')}`
      : `nothing measured${needs ? `; needs ${needs}` : ''}`;
  if (strength === 'ruled out') {
    const able = evidence.filter((e) => e.canRuleOut);
    return `ruled out by what could have seen it: ${able.map((e) => `${e.measure} (${e.power})`).join('; ')}`;
  }
  return deciding ? `rests on ${basisText(deciding.basis)}: ${deciding.power}` : '';
}

/** One piece of evidence judged against its threshold: the text and the comparison come from the same row. */
export function judged(
  t: Threshold,
  value: number,
  statement: string,
  digits: number,
  basis: Basis,
  power: Power,
): { evidence: Evidence; level: Level } {
  return {
    evidence: evidence(
      { measure: t.measure, value: round(value, digits), threshold: thresholdText(t), statement, basis },
      power,
    ),
    level: levelOf(t, value),
  };
}

/** Evidence with its power. */
export function evidence(e: Omit<Evidence, 'power' | 'canRuleOut'>, power: Power): Evidence {
  return { ...e, power: power.note, canRuleOut: power.canRuleOut };
}

/**
 * A finding from judged evidence: its strength from the strongest, its support from how many passed; "ruled out"
 * only when some evidence could have seen the effect, else "not measured" (needs: what would see it).
 */
export function graded(
  cause: CauseId,
  parts: { evidence: Evidence; level: Level }[],
  needs: string | Need | null = null,
): Finding {
  const passed = parts.filter((p) => p.level !== 'none');
  let strength = strongest(parts.map((p) => p.level));
  if (strength === 'ruled out' && !parts.some((p) => p.evidence.canRuleOut)) strength = 'not measured';
  const deciding =
    [...passed].sort((a, b) => (a.level === b.level ? 0 : a.level === 'strong' ? -1 : 1))[0]?.evidence ??
    parts.find((p) => p.evidence.canRuleOut)?.evidence ??
    parts[0]?.evidence ??
    null;
  return finding(
    cause,
    strength,
    parts.map((p) => p.evidence),
    strength === 'not measured'
      ? (needs ?? 'more of the same evidence (see each piece’s power)')
      : strength === 'ruled out'
        ? null
        : needs,
    passed.length,
    deciding,
  );
}

export function strongest(levels: Level[]): Strength {
  return levels.includes('strong') ? 'strong' : levels.includes('possible') ? 'possible' : 'ruled out';
}

export function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
