import fc from 'fast-check';

/**
 * Seeded mutations of a seed file, the kinds a disk, a crashed job or another program leaves behind (issue 34):
 * truncation, bit flips, control bytes, NaN / inf / huge numbers written into a field, a STAR row broken, a line
 * lost or repeated, an MRC header word set to an extreme, a JSON leaf of the wrong type. fast-check generates the
 * descriptions (so a failure shrinks to the smallest one and prints its seed); `mutate` applies them.
 */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'token'; at: number; text: string }
  | { kind: 'line'; at: number; op: 'drop' | 'repeat' | 'split' }
  | { kind: 'header'; word: number; value: number; float: boolean }
  | { kind: 'json'; at: number; value: unknown };

/** Text that breaks numbers and STAR structure when written over a field. */
export const TOKENS = [
  'NaN',
  'nan',
  'inf',
  '-inf',
  'Infinity',
  '1e309',
  '5e303',
  '-1',
  '0',
  '999999',
  '-999999',
  '1e-320',
  '\u0000',
  '"',
  "'",
  '#',
  'data_',
  'loop_',
  '_rlnX',
  '\n',
  ' ',
  '\t',
  '',
  '?',
];

/** Values an MRC header word may be set to: zero, negative, huge, and floats that are not numbers. */
const HEADER_INTS = [0, -1, 1, 2, 3, 4, 7, 12, 13, 65536, 2147483647, -2147483648];
const HEADER_FLOATS = [0, -1, NaN, Infinity, -Infinity, 3e38, 1e-40, 1e9];
const JSON_VALUES: unknown[] = [null, 'x', -1, 1e308, [], {}, true, [null], [[1, 2], [3]], 0];

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  position.map((at) => ({ kind: 'truncate' as const, at })),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('byte' as const),
    at: position,
    value: fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ kind: fc.constant('token' as const), at: position, text: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('line' as const), at: position, op: fc.constantFrom('drop', 'repeat', 'split') }),
  fc.oneof(
    fc.record({
      kind: fc.constant('header' as const),
      word: fc.integer({ min: 0, max: 55 }),
      value: fc.constantFrom(...HEADER_INTS),
      float: fc.constant(false),
    }),
    fc.record({
      kind: fc.constant('header' as const),
      word: fc.integer({ min: 0, max: 55 }),
      value: fc.constantFrom(...HEADER_FLOATS),
      float: fc.constant(true),
    }),
  ),
  fc.record({ kind: fc.constant('json' as const), at: position, value: fc.constantFrom(...JSON_VALUES) }),
);

/** One to three mutations applied in turn. */
export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

const enc = new TextEncoder();

export function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = seed;
  for (const m of mutations) b = mutateOnce(b, m);
  return b;
}

function mutateOnce(b: Uint8Array, m: Mutation): Uint8Array {
  const at = (f: number): number => Math.floor(f * b.length);
  switch (m.kind) {
    case 'truncate':
      return b.slice(0, at(m.at));
    case 'flip': {
      if (!b.length) return b;
      const c = b.slice();
      c[at(m.at)]! ^= 1 << m.bit;
      return c;
    }
    case 'byte': {
      if (!b.length) return b;
      const c = b.slice();
      c[at(m.at)] = m.value;
      return c;
    }
    case 'token': {
      // Replace the whitespace-delimited word at the position (a field's value) with the token.
      let s = at(m.at);
      while (s > 0 && !isSpace(b[s - 1]!)) s--;
      let e = s;
      while (e < b.length && !isSpace(b[e]!)) e++;
      return concat(b.subarray(0, s), enc.encode(m.text), b.subarray(e));
    }
    case 'line': {
      let s = at(m.at);
      while (s > 0 && b[s - 1] !== 0x0a) s--;
      let e = s;
      while (e < b.length && b[e] !== 0x0a) e++;
      const line = b.subarray(s, Math.min(b.length, e + 1));
      if (m.op === 'drop') return concat(b.subarray(0, s), b.subarray(e + 1));
      if (m.op === 'repeat') return concat(b.subarray(0, s), line, line, b.subarray(e + 1));
      const mid = s + Math.floor((e - s) / 2);
      return concat(b.subarray(0, mid), enc.encode('\n'), b.subarray(mid));
    }
    case 'header': {
      if (b.length < 4 * (m.word + 1)) return b;
      const c = b.slice();
      const v = new DataView(c.buffer);
      if (m.float) v.setFloat32(4 * m.word, m.value, true);
      else v.setInt32(4 * m.word, m.value, true);
      return c;
    }
    case 'json':
      return mutateJson(b, m.at, m.value);
  }
}

/** A JSON document with one leaf (the one nearest the position, in document order) replaced by a value. */
function mutateJson(b: Uint8Array, at: number, value: unknown): Uint8Array {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(b));
  } catch {
    return b;
  }
  const leaves: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown): void => {
    if (leaves.length > 5000 || v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      const key = Array.isArray(v) ? Number(k) : k;
      leaves.push([v as Record<string, unknown>, key]);
      walk(x);
    }
  };
  walk(doc);
  if (!leaves.length) return enc.encode(JSON.stringify(value));
  const [parent, key] = leaves[Math.floor(at * leaves.length)]!;
  (parent as Record<string | number, unknown>)[key] = value;
  return enc.encode(JSON.stringify(doc));
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
