/**
 * Values programs write for "not computed": a Warp-based RELION 5 pipeline writes `_rlnCtfFigureOfMerit None` and
 * `_rlnCtfMaxResolution 0.000001`; CTFFIND-style tables write −1 or 999 for a fit resolution they did not find;
 * thickness 0 or −1 when not measured. Each kind of field has its own placeholders (−1 is a real tilt angle, not a
 * placeholder), and a placeholder is read as absent — never as a value — and reported once per field.
 */
export type FieldKind =
  'angle' | 'resolution' | 'score' | 'defocus' | 'dose' | 'thickness' | 'bfactor' | 'residual' | 'motion' | 'generic';

const WORDS = /^(none|null|nan|-nan|na|n\/a|nil|inf|-inf|infinity|-infinity|)$/i;

/** Why a parsed number of this kind is a placeholder, or null when it is a value. */
function placeholderNumber(kind: FieldKind, v: number): boolean {
  switch (kind) {
    case 'resolution':
      // 0.000001 (not computed), −1, 999 / 9999 (CTFFIND-style "no fit") and anything below 0.1 Å.
      return v < 0.1 || v >= 999;
    case 'score':
      return v <= 1e-5 || v === -1;
    case 'defocus':
      return v === 0 || v === -1 || Math.abs(v) >= 1e7;
    case 'dose':
    case 'thickness':
    case 'residual':
    case 'motion':
      return v < 0 || (kind === 'thickness' && v === 0);
    case 'angle':
    case 'bfactor':
    case 'generic':
      return false;
  }
}

export interface ParsedValue {
  value: number | undefined;
  /** The text, when it was a placeholder. */
  placeholder?: string;
}

/** One token of a field of this kind: a number, or absent (with the placeholder text) — throws never. */
export function parseField(kind: FieldKind, text: string | undefined): ParsedValue {
  if (text === undefined) return { value: undefined };
  const t = text.trim();
  if (WORDS.test(t)) return { value: undefined, placeholder: t === '' ? '(empty)' : t };
  const v = Number(t);
  if (!Number.isFinite(v)) return { value: undefined, placeholder: t };
  if (placeholderNumber(kind, v)) return { value: undefined, placeholder: t };
  return { value: v };
}

/** Collects the placeholders met while reading one file: one entry per field, with how many rows held one. */
export class PlaceholderLog {
  private readonly seen = new Map<string, { texts: Set<string>; rows: number }>();

  /** Parses a token; a placeholder is counted against the field. */
  read(field: string, kind: FieldKind, text: string | undefined): number | undefined {
    const p = parseField(kind, text);
    if (p.placeholder !== undefined) {
      const s = this.seen.get(field) ?? { texts: new Set<string>(), rows: 0 };
      s.texts.add(p.placeholder);
      s.rows++;
      this.seen.set(field, s);
    }
    return p.value;
  }

  /** "_rlnCtfFigureOfMerit: None (41 rows)". */
  list(): string[] {
    return [...this.seen.entries()].map(
      ([f, s]) => `${f}: ${[...s.texts].join(', ')} (${s.rows} row${s.rows === 1 ? '' : 's'})`,
    );
  }
}
