import { InputError } from '../../errors.js';

/**
 * The one numeric parser behind every option in the CLI and every field in the browser: a number
 * that is not finite, or outside its range, is refused with the option's name (never NaN downstream).
 */
export interface NumberRule {
  /** Smallest allowed value (inclusive unless `exclusiveMin`). */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  integer?: boolean;
  /** What the number is, for the message ("a resolution in Å"). */
  what?: string;
}

export function parseNumber(text: string | number, option: string, rule: NumberRule = {}): number {
  const raw = typeof text === 'number' ? String(text) : text.trim();
  const v = raw === '' ? NaN : Number(raw);
  const what = rule.what ?? describe(rule);
  const bad = (): never => {
    throw new InputError(`${option} takes ${what}, got "${raw}"`);
  };
  if (!Number.isFinite(v)) bad();
  if (rule.integer && !Number.isInteger(v)) bad();
  if (rule.min !== undefined && (rule.exclusiveMin ? v <= rule.min : v < rule.min)) bad();
  if (rule.max !== undefined && v > rule.max) bad();
  return v;
}

function describe(r: NumberRule): string {
  const kind = r.integer ? 'an integer' : 'a number';
  if (r.min === 0 && r.exclusiveMin && r.max === undefined) return `a positive ${r.integer ? 'integer' : 'number'}`;
  if (r.min !== undefined && r.max !== undefined) return `${kind} from ${r.min} to ${r.max}`;
  if (r.min !== undefined) return `${kind} ${r.exclusiveMin ? '>' : '≥'} ${r.min}`;
  if (r.max !== undefined) return `${kind} ≤ ${r.max}`;
  return `${kind}`;
}

export const positive =
  (option: string, what?: string): ((t: string) => number) =>
  (t) =>
    parseNumber(t, option, { min: 0, exclusiveMin: true, ...(what ? { what } : {}) });

/** "FROM:TO" of two positive numbers (a defocus or resolution range). */
export function parseRange(text: string, option: string): [number, number] {
  const parts = text.split(':');
  if (parts.length !== 2) throw new InputError(`${option} takes two positive numbers as FROM:TO, got "${text}"`);
  const rule = { min: 0, exclusiveMin: true, what: 'two positive numbers as FROM:TO' };
  return [parseNumber(parts[0]!, option, rule), parseNumber(parts[1]!, option, rule)];
}

/** An amplitude-contrast fraction, 0 ≤ w < 1. */
export function checkAmplitudeContrast(w: number, option = '--amplitude-contrast'): number {
  if (!(w >= 0 && w < 1)) throw new InputError(`${option} is a fraction in [0, 1) (typically 0.07–0.1), got ${w}`);
  return w;
}
