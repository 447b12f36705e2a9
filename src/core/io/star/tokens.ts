/**
 * Byte-level tokenising for STAR text. Working on bytes keeps a million-row file from becoming a
 * million strings: a loop stores where each row starts and columns are decoded on request.
 */
export const SPACE = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const HASH = 0x23;
export const SQUOTE = 0x27;
export const DQUOTE = 0x22;

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** Token bounds found by nextToken; `start === -1` means no more tokens on the line. */
export interface TokenCursor {
  start: number;
  end: number;
  /** Position to continue from. */
  next: number;
  quoted: boolean;
}

/**
 * Finds the next token in bytes[pos, lineEnd). Quotes open a token only at its start and close
 * when followed by a blank or the line end (STAR's rule, so "it's" needs no escaping).
 * A '#' outside quotes starts a comment. Returns false when the line has no more tokens.
 */
export function nextToken(bytes: Uint8Array, pos: number, lineEnd: number, out: TokenCursor): boolean {
  while (pos < lineEnd && isBlank(bytes[pos]!)) pos++;
  if (pos >= lineEnd || bytes[pos] === HASH) {
    out.start = -1;
    out.next = lineEnd;
    return false;
  }
  const q = bytes[pos]!;
  if (q === SQUOTE || q === DQUOTE) {
    let k = pos + 1;
    while (k < lineEnd && !(bytes[k] === q && (k + 1 >= lineEnd || isBlank(bytes[k + 1]!)))) k++;
    if (k < lineEnd) {
      out.start = pos + 1;
      out.end = k;
      out.next = k + 1;
      out.quoted = true;
      return true;
    }
    // No closing quote: the quote is part of an ordinary token.
  }
  let k = pos;
  while (k < lineEnd && !isBlank(bytes[k]!)) k++;
  out.start = pos;
  out.end = k;
  out.next = k;
  out.quoted = false;
  return true;
}

export function lineEndFrom(bytes: Uint8Array, pos: number): number {
  const k = bytes.indexOf(LF, pos);
  return k === -1 ? bytes.length : k;
}

export function newCursor(): TokenCursor {
  return { start: -1, end: -1, next: 0, quoted: false };
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * Parses a decimal number from bytes. The fast path (≤ 15 significant digits, |exponent| ≤ 22) is
 * exactly rounded because both the mantissa and the power of ten are exact doubles; anything
 * else goes through Number(). Returns NaN for text that is not a number (callers decide).
 */
export function parseNumber(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let neg = false;
  if (bytes[i] === 0x2d || bytes[i] === 0x2b) {
    neg = bytes[i] === 0x2d;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  while (i < end && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
    if (digits < 15) {
      mant = mant * 10 + (bytes[i]! - 0x30);
      if (mant > 0) digits++;
    } else scale++;
    any = true;
    i++;
  }
  if (i < end && bytes[i] === 0x2e) {
    i++;
    while (i < end && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
      if (digits < 15) {
        mant = mant * 10 + (bytes[i]! - 0x30);
        if (mant > 0) digits++;
        scale--;
      }
      any = true;
      i++;
    }
  }
  if (!any) return slowNumber(bytes, start, end);
  if (i < end && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
    i++;
    let eneg = false;
    if (bytes[i] === 0x2d || bytes[i] === 0x2b) {
      eneg = bytes[i] === 0x2d;
      i++;
    }
    let e = 0;
    const e0 = i;
    while (i < end && bytes[i]! >= 0x30 && bytes[i]! <= 0x39 && e < 100000) {
      e = e * 10 + (bytes[i]! - 0x30);
      i++;
    }
    if (i === e0) return NaN;
    scale += eneg ? -e : e;
  }
  if (i !== end) return slowNumber(bytes, start, end);
  if (digits >= 15 || scale < -22 || scale > 22) return slowNumber(bytes, start, end);
  const v = scale < 0 ? mant / POW10[-scale]! : mant * POW10[scale]!;
  return neg ? -v : v;
}

function slowNumber(bytes: Uint8Array, start: number, end: number): number {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  const lower = s.toLowerCase();
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (s.trim() === '') return NaN;
  const v = Number(s);
  return v;
}

/** True when the token spells NaN explicitly (so a NaN result is a value, not a parse failure). */
export function isNanToken(bytes: Uint8Array, start: number, end: number): boolean {
  let s = '';
  for (let i = start; i < end && i < start + 5; i++) s += String.fromCharCode(bytes[i]!);
  return /^[+-]?nan$/i.test(s);
}
