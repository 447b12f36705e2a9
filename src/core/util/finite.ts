/**
 * The last check before anything leaves the program: a non-finite number in an output is a bug in an analysis
 * (inputs are checked where they enter), so each writer refuses it with an internal error naming the field.
 * A test that produces one then fails, instead of a file or a terminal line holding NaN or Infinity.
 */
export class NonFiniteOutputError extends Error {
  constructor(writer: string, field: string, value: number) {
    super(`internal check: ${writer} would write ${String(value)} in ${field}`);
    this.name = 'NonFiniteOutputError';
  }
}

/** Throws NonFiniteOutputError when v is NaN or ±Infinity; returns v otherwise. */
export function finiteOut(writer: string, field: string, v: number): number {
  if (!Number.isFinite(v)) throw new NonFiniteOutputError(writer, field, v);
  return v;
}

/** The path of the first non-finite number in a JSON-like value ("shells[3].fsc"), or null when there is none. */
export function nonFinitePath(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '(the value)';
  if (value === null || typeof value !== 'object') return null;
  if (ArrayBuffer.isView(value)) {
    const a = value as unknown as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === 'number' && !Number.isFinite(x)) return `${path}[${i}]`;
    }
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = nonFinitePath(value[i], `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = nonFinitePath(v, path ? `${path}.${k}` : k);
    if (p) return p;
  }
  return null;
}

/**
 * Text a person reads (the terminal, HTML, SVG) with NaN, Infinity or undefined where a number belongs: the
 * word standing alone or next to a unit or punctuation, not inside a longer word, and not where a message
 * quotes a user's bad value ("found NaN").
 */
const NON_NUMBER = /(?<!found (?:\\?"|&quot;)?)(?<![\w.-])-?(NaN|Infinity|undefined)(?![\w]| or infinite)/;

/** Throws when text shows a non-number where a number belongs; names the writer and quotes the spot. */
export function checkText(writer: string, text: string): string {
  const m = NON_NUMBER.exec(text);
  if (m) {
    const at = Math.max(0, m.index - 40);
    const around = text.slice(at, m.index + m[0].length + 20).replace(/\s+/g, ' ');
    throw new Error(`internal check: ${writer} would write ${m[0]} in "…${around}…"`);
  }
  return text;
}
