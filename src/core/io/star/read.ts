import { asBytes, decodeAscii, maybeGunzip } from '../bytes.js';
import { FormatError } from '../../errors.js';
import { StarLoop } from './loop.js';
import { DQUOTE, HASH, SQUOTE, lineEndFrom, newCursor, nextToken, type TokenCursor } from './tokens.js';

export interface StarBlock {
  name: string;
  /** Key–value pairs ("_rlnFinalResolution 3.35"), in file order, names without the '_'. */
  pairs: Map<string, string>;
  /** The block's loop_ table, if it has one. */
  loop: StarLoop | null;
  /** 1-based line of the data_ header. */
  line: number;
}

export interface StarDocument {
  source: string;
  blocks: StarBlock[];
}

export interface ReadStarOptions {
  source?: string;
}

/**
 * Reads a RELION STAR file (3.0 to 5): data_ blocks holding key–value pairs and/or one loop_ table.
 * One row per line, as RELION writes and reads them; errors name the line.
 */
export function readStar(input: ArrayBuffer | ArrayBufferView | string, options: ReadStarOptions = {}): StarDocument {
  const source = options.source ?? 'STAR input';
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : maybeGunzip(asBytes(input), source);
  try {
    return new Parser(bytes, source).parse();
  } catch (e) {
    // RELION 3.1 writes job.star option texts with a literal TAB inside a value ("…__\t__…") and reads
    // them back as one value: read such TABs as part of their value and try once more.
    const mended =
      e instanceof FormatError && e.message.includes('wrong number of values') ? tabsInsideValues(bytes) : null;
    if (!mended) throw e;
    return new Parser(mended, source).parse();
  }
}

const TAB = 0x09;

/** A copy with every TAB that sits between two non-blank bytes made an underscore, or null if there is none. */
function tabsInsideValues(bytes: Uint8Array): Uint8Array | null {
  const blank = (b: number | undefined): boolean =>
    b === undefined || b === 0x20 || b === TAB || b === 0x0a || b === 0x0d;
  let copy: Uint8Array | null = null;
  for (let i = bytes.indexOf(TAB); i >= 0; i = bytes.indexOf(TAB, i + 1)) {
    if (!blank(bytes[i - 1]) && !blank(bytes[i + 1])) (copy ??= bytes.slice())[i] = 0x5f;
  }
  return copy;
}

type State = 'top' | 'block' | 'loop-header' | 'loop-rows';

class Parser {
  private pos = 0;
  private line = 0;
  private state: State = 'top';
  private readonly blocks: StarBlock[] = [];
  private block: StarBlock | null = null;
  private columns: string[] = [];
  private rowStarts: number[] = [];
  private rowLines: number[] = [];
  private readonly cur = newCursor();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
  ) {}

  parse(): StarDocument {
    const { bytes } = this;
    while (this.pos < bytes.length) {
      const start = this.pos;
      const end = lineEndFrom(bytes, start);
      this.line++;
      this.pos = end + 1;
      this.handleLine(start, end);
    }
    this.closeLoop();
    return { source: this.source, blocks: this.blocks };
  }

  private handleLine(start: number, end: number): void {
    const { bytes, cur } = this;
    if (!nextToken(bytes, start, end, cur)) return;
    if (this.state !== 'loop-header' && this.state !== 'loop-rows' && hasControlByte(bytes, start, end))
      this.controlByte(start, end);
    const c0 = bytes[cur.start];
    // relion_postprocess --locres writes "kk= … ii= … jj= … local resolution= …" after each block's
    // loop: not STAR, and not a row. A first token ending in '=' ends the loop and is passed over.
    if (!cur.quoted && (this.state === 'loop-rows' || this.state === 'block') && bytes[cur.end - 1] === 0x3d) {
      this.closeLoop();
      return;
    }
    // Most lines are loop rows: only lines starting with d, l, _ or ; can be anything else.
    if (
      !cur.quoted &&
      c0 !== 0x64 &&
      c0 !== 0x6c &&
      c0 !== 0x5f &&
      c0 !== 0x3b &&
      (this.state === 'loop-header' || this.state === 'loop-rows')
    ) {
      return this.addRow(start, end);
    }
    const first = decodeAscii(bytes.subarray(cur.start, cur.end));
    if (!cur.quoted && first.startsWith('data_')) return this.openBlock(first.slice(5), cur.next, end);
    if (!cur.quoted && first === 'loop_') return this.openLoop();
    if (!cur.quoted && first.startsWith('_')) return this.handleName(first.slice(1), cur.next, end);
    if (this.state === 'loop-header' || this.state === 'loop-rows') return this.addRow(start, end);
    if (!cur.quoted && first.startsWith(';')) this.fail('multi-line text fields (;) are not supported', first);
    this.fail(this.block ? 'value without a name' : 'text before the first data_ block', first);
  }

  private openBlock(name: string, after: number, end: number): void {
    this.closeLoop();
    if (nextToken(this.bytes, after, end, this.cur))
      this.fail('unexpected text after the block name', this.tokenText());
    this.block = { name, pairs: new Map(), loop: null, line: this.line };
    this.blocks.push(this.block);
    this.state = 'block';
  }

  private openLoop(): void {
    if (!this.block) this.fail('loop_ before any data_ block', 'loop_');
    this.closeLoop();
    if (this.block!.loop)
      this.fail('a second loop_ in one data_ block', 'loop_', 'one loop per block, as RELION writes');
    this.state = 'loop-header';
    this.columns = [];
    this.rowStarts = [];
    this.rowLines = [];
  }

  private handleName(name: string, after: number, end: number): void {
    if (!this.block) this.fail('a name before any data_ block', `_${name}`);
    if (this.state === 'loop-header') {
      // Anything after the name is RELION's '#n' column number (a comment): ignored.
      if (this.columns.includes(name)) this.fail('duplicate column', `_${name}`);
      this.columns.push(name);
      return;
    }
    if (this.state === 'loop-rows') this.closeLoop();
    if (!nextToken(this.bytes, after, end, this.cur))
      this.fail(`no value for _${name}`, 'end of line', 'a value after the name');
    const value = this.tokenText();
    this.block!.pairs.set(name, value);
    this.state = 'block';
  }

  private addRow(start: number, end: number): void {
    if (this.columns.length === 0) this.fail('loop_ has values but no column names', this.tokenText());
    const n = countTokens(this.bytes, start, end, this.cur);
    if (n < 0) this.controlByte(start, end);
    if (n !== this.columns.length) {
      throw new FormatError('wrong number of values in a loop row', {
        source: this.source,
        line: this.line,
        field: `data_${this.block!.name}`,
        found: `${n} values`,
        expected: `${this.columns.length} (one per column)`,
        hint: 'The file may be truncated or a value may contain an unquoted space',
      });
    }
    this.state = 'loop-rows';
    this.rowStarts.push(start);
    this.rowLines.push(this.line);
  }

  private closeLoop(): void {
    if (this.state !== 'loop-header' && this.state !== 'loop-rows') return;
    this.block!.loop = new StarLoop(
      this.bytes,
      this.columns,
      Uint32Array.from(this.rowStarts),
      Uint32Array.from(this.rowLines),
      this.source,
      this.block!.name,
    );
    this.state = 'block';
  }

  /** A control byte (0x00–0x1F other than TAB, CR, LF) in the line: an error naming its line and column. */
  private controlByte(start: number, end: number): never {
    let p = start;
    while (p < end && (this.bytes[p]! >= 0x20 || this.bytes[p] === 0x09 || this.bytes[p] === 0x0d)) p++;
    throw new FormatError(
      `a control byte 0x${this.bytes[p]!.toString(16).padStart(2, '0')} at column ${p - start + 1}`,
      {
        source: this.source,
        line: this.line,
        expected: 'text (a crashed or interrupted write leaves NUL bytes behind)',
        hint: 'Write the file again, or remove the damaged line',
      },
    );
  }

  private tokenText(): string {
    return decodeAscii(this.bytes.subarray(this.cur.start, this.cur.end));
  }

  private fail(problem: string, found: string, expected?: string): never {
    throw new FormatError(problem, {
      source: this.source,
      line: this.line,
      found: JSON.stringify(found),
      ...(expected ? { expected } : {}),
    });
  }
}

function hasControlByte(bytes: Uint8Array, start: number, end: number): boolean {
  for (let p = start; p < end; p++) {
    const b = bytes[p]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0d) return true;
  }
  return false;
}

/**
 * Tokens on one line, or −1 if the line holds a control byte (0x00–0x1F other than TAB and CR, as a
 * crashed write leaves behind) outside a comment; the unquoted common case is scanned inline (this runs once per row).
 * Every pass of the loop advances by at least one byte, so any input ends.
 */
function countTokens(bytes: Uint8Array, start: number, end: number, cur: TokenCursor): number {
  let n = 0;
  let p = start;
  for (;;) {
    while (p < end && (bytes[p] === 0x20 || bytes[p] === 0x09 || bytes[p] === 0x0d)) p++;
    if (p >= end || bytes[p] === HASH) return n;
    const b = bytes[p]!;
    if (b < 0x20) return -1;
    if (b === SQUOTE || b === DQUOTE) {
      nextToken(bytes, p, end, cur);
      if (hasControlByte(bytes, p, cur.next)) return -1;
      p = cur.next;
    } else {
      while (p < end && bytes[p]! > 0x20) p++;
      if (p < end && bytes[p]! < 0x20 && bytes[p] !== 0x09 && bytes[p] !== 0x0d) return -1;
    }
    n++;
  }
}

/** True if the text begins like a STAR file (for format sniffing). */
export function looksLikeStar(bytes: Uint8Array): boolean {
  const head = decodeAscii(bytes.subarray(0, 4096));
  for (const raw of head.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.charCodeAt(0) === HASH) continue;
    return line.startsWith('data_');
  }
  return false;
}
