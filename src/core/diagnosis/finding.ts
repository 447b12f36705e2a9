import { CAUSES, type CauseId } from './causes.js';
import { levelOf, thresholdText, type Level, type Threshold } from './thresholds.js';

/**
 * A cause's finding and the evidence behind it: the vocabulary every rule (rules-*.ts) speaks.
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
    needsInputs: needs === null ? [] : [...needsInputs],
  };
  SUPPORT.set(f, support);
  return f;
}

/** One piece of evidence judged against its threshold: the text and the comparison come from the same row. */
export function judged(
  t: Threshold,
  value: number,
  statement: string,
  digits = 3,
): { evidence: Evidence; level: Level } {
  return {
    evidence: { measure: t.measure, value: round(value, digits), threshold: thresholdText(t), statement },
    level: levelOf(t, value),
  };
}

/** A finding from judged evidence: its strength from the strongest, its support from how many passed. */
export function graded(
  cause: CauseId,
  parts: { evidence: Evidence; level: Level }[],
  needs: string | Need | null = null,
): Finding {
  const passed = parts.filter((p) => p.level !== 'none').length;
  return finding(
    cause,
    strongest(parts.map((p) => p.level)),
    parts.map((p) => p.evidence),
    needs,
    passed,
  );
}

export function strongest(levels: Level[]): Strength {
  return levels.includes('strong') ? 'strong' : levels.includes('possible') ? 'possible' : 'ruled out';
}

export function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
