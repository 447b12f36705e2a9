/**
 * One error type for every reader: it names the input, the place (field, line or byte offset),
 * what was found and what was expected, so the CLI and the browser can show the same sentence.
 */
export interface FormatErrorDetails {
  /** File name or other label of the input. */
  source: string;
  /** Header field, column or key the problem is in. */
  field?: string;
  /** 1-based line number for text formats. */
  line?: number;
  /** Byte offset for binary formats. */
  offset?: number;
  found?: string;
  expected?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class FormatError extends Error {
  readonly details: FormatErrorDetails;

  constructor(problem: string, details: FormatErrorDetails) {
    super(formatMessage(problem, details));
    this.name = 'FormatError';
    this.details = details;
  }
}

function formatMessage(problem: string, d: FormatErrorDetails): string {
  const where: string[] = [];
  if (d.line !== undefined) where.push(`line ${d.line}`);
  if (d.field !== undefined) where.push(d.field);
  if (d.offset !== undefined) where.push(`byte ${d.offset}`);
  let msg = `${d.source}${where.length ? ` (${where.join(', ')})` : ''}: ${problem}`;
  if (d.found !== undefined || d.expected !== undefined) {
    const parts: string[] = [];
    if (d.found !== undefined) parts.push(`found ${d.found}`);
    if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
    msg += ` (${parts.join(', ')})`;
  }
  if (d.hint) msg += `. ${d.hint}`;
  return msg;
}

/** A non-fatal problem a reader noticed; reported beside the result, never swallowed. */
export interface Warning {
  code: string;
  message: string;
}

/**
 * A problem with what the user asked for (options out of range, inputs that do not go together):
 * one sentence naming the option or file and what to do, from the CLI and the browser alike.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
