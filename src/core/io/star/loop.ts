import { FormatError } from '../../errors.js';
import { describeRange, firstOutside, type FieldRange } from '../fields.js';
import { DQUOTE, SQUOTE, isNanToken, lineEndFrom, newCursor, nextToken, parseNumber } from './tokens.js';

export type { FieldRange };

const utf8 = new TextDecoder('utf-8');

/**
 * One loop_ table. Rows stay as byte ranges of the source; a column is decoded when asked for,
 * into a Float64Array or a string array, so memory grows with what an analysis uses.
 */
export class StarLoop {
  readonly columns: readonly string[];
  readonly rows: number;

  constructor(
    private readonly bytes: Uint8Array,
    columns: string[],
    private readonly rowStarts: Uint32Array,
    private readonly rowLines: Uint32Array,
    private readonly source: string,
    readonly blockName: string,
  ) {
    this.columns = columns;
    this.rows = rowStarts.length;
  }

  /** 1-based line of row r in the source, for messages that name a particle's line. */
  lineOf(row: number): number {
    return this.rowLines[row]!;
  }

  has(name: string): boolean {
    return this.columns.includes(stripUnderscore(name));
  }

  /**
   * Numbers of one column; a value that is not a number is an error naming line and column. With a
   * range, NaN, ±inf and values outside [min, max] are errors too (the field's physical range).
   */
  numbers(name: string, range?: FieldRange): Float64Array {
    const v = this.numberColumns([name])[0]!;
    if (range) {
      const r = firstOutside(v, range);
      if (r >= 0) {
        throw new FormatError(`value out of range`, {
          source: this.source,
          line: this.rowLines[r],
          field: `_${stripUnderscore(name)}`,
          found: String(v[r]),
          expected: describeRange(range),
          ...(range.hint ? { hint: range.hint } : {}),
        });
      }
    }
    return v;
  }

  strings(name: string): string[] {
    const idx = this.indexOf(name);
    const out = new Array<string>(this.rows);
    this.scan([idx], (_r, _c, s, e, b) => {
      out[_r] = utf8.decode(b.subarray(s, e));
    });
    return out;
  }

  /** Several numeric columns in one pass over the rows. */
  numberColumns(names: readonly string[]): Float64Array[] {
    const idx = names.map((n) => this.indexOf(n));
    const out = idx.map(() => new Float64Array(this.rows));
    const slot = new Int32Array(this.columns.length).fill(-1);
    idx.forEach((c, k) => (slot[c] = k));
    this.scan(idx, (r, c, s, e, b) => {
      const v = parseNumber(b, s, e);
      if (Number.isNaN(v) && !isNanToken(b, s, e)) {
        throw new FormatError('value is not a number', {
          source: this.source,
          line: this.rowLines[r],
          field: `_${this.columns[c]}`,
          found: JSON.stringify(utf8.decode(b.subarray(s, e))),
          expected: 'a number',
        });
      }
      out[slot[c]!]![r] = v;
    });
    return out;
  }

  /** A column as numbers when every value parses, otherwise as strings. */
  column(name: string): Float64Array | string[] {
    try {
      return this.numbers(name);
    } catch (e) {
      if (e instanceof FormatError) return this.strings(name);
      throw e;
    }
  }

  private indexOf(name: string): number {
    const idx = this.columns.indexOf(stripUnderscore(name));
    if (idx === -1) {
      throw new FormatError('column is missing', {
        source: this.source,
        field: `data_${this.blockName}`,
        found: `columns ${this.columns.map((c) => '_' + c).join(' ')}`,
        expected: `_${stripUnderscore(name)}`,
      });
    }
    return idx;
  }

  private scan(
    wanted: readonly number[],
    visit: (row: number, col: number, start: number, end: number, bytes: Uint8Array) => void,
  ): void {
    const want = new Uint8Array(this.columns.length);
    let last = -1;
    for (const c of wanted) {
      want[c] = 1;
      if (c > last) last = c;
    }
    const cur = newCursor();
    const { bytes } = this;
    const n = bytes.length;
    for (let r = 0; r < this.rows; r++) {
      let p = this.rowStarts[r]!;
      for (let c = 0; c <= last; c++) {
        // Inline tokenizer for the common unquoted case; quoted tokens go through nextToken.
        let b = bytes[p]!;
        while (p < n && (b === 0x20 || b === 0x09 || b === 0x0d)) b = bytes[++p]!;
        let start = p;
        let end: number;
        if (b === SQUOTE || b === DQUOTE) {
          nextToken(bytes, p, lineEndFrom(bytes, p), cur);
          start = cur.start;
          end = cur.end;
          p = cur.next;
        } else {
          while (p < n && bytes[p]! > 0x20) p++;
          end = p;
        }
        if (want[c]) visit(r, c, start, end, bytes);
      }
    }
  }
}

function stripUnderscore(name: string): string {
  return name.startsWith('_') ? name.slice(1) : name;
}
