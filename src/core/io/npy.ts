import { asBytes, decodeAscii, maybeGunzip } from './bytes.js';
import { describeRange, firstOutside, type FieldRange } from './fields.js';
import { FormatError } from '../errors.js';

/**
 * NumPy .npy structured arrays, the container of cryoSPARC's .cs files
 * (format: numpy.lib.format, versions 1.0–3.0). Only C-ordered 1D record arrays are read.
 */
export interface NpyField {
  name: string;
  /** NumPy type string without the byte-order mark, e.g. 'f4', 'u8', 'S64'. */
  type: string;
  littleEndian: boolean;
  /** Byte offset of the field within a record. */
  offset: number;
  /** Bytes of one element. */
  itemBytes: number;
  /** Elements per record (product of the sub-array shape; 1 for scalars). */
  count: number;
  shape: number[];
}

export interface NpyTable {
  rows: number;
  recordBytes: number;
  fields: NpyField[];
  field(name: string): NpyField;
  has(name: string): boolean;
  /**
   * All elements of a numeric field as doubles, row-major (rows × count). 64-bit integers above 2^53 lose precision.
   * With a range, NaN, ±inf and values outside it are an error naming the field and record.
   */
  numbers(name: string, range?: FieldRange): Float64Array;
  /** A bytes or unicode field as strings (NUL padding removed). */
  strings(name: string): string[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

export function readNpy(input: ArrayBuffer | ArrayBufferView, source = 'NumPy input'): NpyTable {
  const bytes = maybeGunzip(asBytes(input), source);
  if (!isNpy(bytes) && decodeAscii(bytes.subarray(0, 16)).includes('CSDAT')) {
    throw new FormatError('this is cryoSPARC’s compressed dataset format, not a NumPy record array', {
      source,
      offset: 0,
      expected: '"\\x93NUMPY"',
      hint:
        'Export the particles from cryoSPARC in NumPy format (cryosparc-tools can re-save a Dataset as ' +
        '.cs/.npy), or convert with pyem csparc2star and give cryodx the STAR file',
    });
  }
  if (!isNpy(bytes)) {
    throw new FormatError('not a NumPy .npy file', {
      source,
      offset: 0,
      found: JSON.stringify(decodeAscii(bytes.subarray(0, 6))),
      expected: '"\\x93NUMPY" (cryoSPARC .cs files are NumPy record arrays)',
    });
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) {
    throw new FormatError('the file ends inside the NumPy header', {
      source,
      offset: bytes.length,
      found: `${bytes.length} bytes`,
      expected: `at least ${headerStart} bytes`,
      hint: 'The file is truncated: copy or export it again',
    });
  }
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerStart + headerLen > bytes.length) {
    throw new FormatError('the file ends inside the NumPy header', {
      source,
      offset: headerStart,
      found: `${bytes.length - headerStart} header bytes`,
      expected: `${headerLen} (the header length it gives)`,
      hint: 'The file is truncated: copy or export it again',
    });
  }
  const header = decodeAscii(bytes.subarray(headerStart, headerStart + headerLen));
  const parsed = parsePyLiteral(header, source);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FormatError('the NumPy header is not a dictionary', {
      source,
      offset: headerStart,
      found: JSON.stringify(header.slice(0, 40)),
      expected: "{'descr': …, 'fortran_order': …, 'shape': …}",
    });
  }
  const dict = parsed as Record<string, unknown>;
  if (dict['fortran_order'] === true)
    throw new FormatError('Fortran-ordered arrays are not supported', {
      source,
      field: 'fortran_order',
      found: 'True',
      expected: 'False',
    });
  const shape = dict['shape'] as number[];
  if (!Array.isArray(shape) || shape.length !== 1 || !isCount(shape[0])) {
    throw new FormatError('expected a 1D record array', {
      source,
      field: 'shape',
      found: JSON.stringify(shape),
      expected: '(N,)',
    });
  }
  const fields = parseDescr(dict['descr'], source);
  const recordBytes = fields.reduce((m, f) => Math.max(m, f.offset + f.itemBytes * f.count), 0);
  const dataStart = headerStart + headerLen;
  const rows = shape[0]!;
  if (rows > 0 && recordBytes === 0) {
    throw new FormatError('records of 0 bytes', { source, field: 'descr', expected: 'at least one field' });
  }
  if (bytes.length < dataStart + rows * recordBytes) {
    throw new FormatError('data is truncated', {
      source,
      offset: dataStart,
      found: `${bytes.length - dataStart} bytes`,
      expected: `${rows * recordBytes} bytes for ${rows} records of ${recordBytes} bytes`,
    });
  }
  return makeTable(view, dataStart, rows, recordBytes, fields, source);
}

function makeTable(
  view: DataView,
  dataStart: number,
  rows: number,
  recordBytes: number,
  fields: NpyField[],
  source: string,
): NpyTable {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const field = (name: string): NpyField => {
    const f = byName.get(name);
    if (!f)
      throw new FormatError('field is missing', {
        source,
        field: name,
        found: `fields ${fields.map((x) => x.name).join(', ')}`,
        expected: name,
      });
    return f;
  };
  return {
    rows,
    recordBytes,
    fields,
    field,
    has: (name) => byName.has(name),
    numbers(name, range) {
      const f = field(name);
      const get = numberGetter(f, source);
      const out = new Float64Array(rows * f.count);
      for (let r = 0; r < rows; r++) {
        const base = dataStart + r * recordBytes + f.offset;
        for (let k = 0; k < f.count; k++) out[r * f.count + k] = get(view, base + k * f.itemBytes, f.littleEndian);
      }
      const bad = range ? firstOutside(out, range) : -1;
      if (bad >= 0) {
        const r = Math.floor(bad / Math.max(1, f.count));
        throw new FormatError(`value out of range in record ${r + 1}`, {
          source,
          field: name,
          offset: dataStart + r * recordBytes + f.offset,
          found: String(out[bad]),
          expected: describeRange(range!),
          ...(range!.hint ? { hint: range!.hint } : {}),
        });
      }
      return out;
    },
    strings(name) {
      const f = field(name);
      if (f.type[0] !== 'S' && f.type[0] !== 'U')
        throw new FormatError('field is not text', { source, field: name, found: f.type, expected: 'S<n> or U<n>' });
      const out = new Array<string>(rows);
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      for (let r = 0; r < rows; r++) {
        const base = dataStart + r * recordBytes + f.offset;
        out[r] =
          f.type[0] === 'S'
            ? decodeBytesField(bytes, base, f.itemBytes)
            : decodeUnicodeField(view, base, f.itemBytes / 4, f.littleEndian, () => {
                throw new FormatError(`a character that is not Unicode in record ${r + 1}`, {
                  source,
                  field: name,
                  offset: base,
                  expected: 'code points up to U+10FFFF',
                });
              });
      }
      return out;
    },
  };
}

const utf8 = new TextDecoder('utf-8');

function decodeBytesField(bytes: Uint8Array, base: number, len: number): string {
  let end = base;
  while (end < base + len && bytes[end] !== 0) end++;
  return utf8.decode(bytes.subarray(base, end));
}

function decodeUnicodeField(view: DataView, base: number, chars: number, le: boolean, bad: () => never): string {
  let s = '';
  for (let i = 0; i < chars; i++) {
    const c = view.getUint32(base + 4 * i, le);
    if (c === 0) break;
    if (c > 0x10ffff) bad();
    s += String.fromCodePoint(c);
  }
  return s;
}

type Getter = (v: DataView, at: number, le: boolean) => number;

function numberGetter(f: NpyField, source: string): Getter {
  switch (f.type) {
    case 'f4':
      return (v, a, le) => v.getFloat32(a, le);
    case 'f8':
      return (v, a, le) => v.getFloat64(a, le);
    case 'i1':
      return (v, a) => v.getInt8(a);
    case 'u1':
    case 'b1':
      return (v, a) => v.getUint8(a);
    case 'i2':
      return (v, a, le) => v.getInt16(a, le);
    case 'u2':
      return (v, a, le) => v.getUint16(a, le);
    case 'i4':
      return (v, a, le) => v.getInt32(a, le);
    case 'u4':
      return (v, a, le) => v.getUint32(a, le);
    case 'i8':
      return (v, a, le) => Number(v.getBigInt64(a, le));
    case 'u8':
      return (v, a, le) => Number(v.getBigUint64(a, le));
    default:
      throw new FormatError('field is not numeric', {
        source,
        field: f.name,
        found: f.type,
        expected: 'an integer or float type',
      });
  }
}

/** A non-negative whole number that indexes a file (a row count or a sub-array dimension). */
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
}

function parseDescr(descr: unknown, source: string): NpyField[] {
  if (!Array.isArray(descr))
    throw new FormatError('not a structured (record) array', {
      source,
      field: 'descr',
      found: JSON.stringify(descr),
      expected: 'a list of (name, type) fields',
    });
  const fields: NpyField[] = [];
  let offset = 0;
  for (const entry of descr) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string')
      throw new FormatError('a field that is not a (name, type) pair', {
        source,
        field: 'descr',
        found: JSON.stringify(entry),
        expected: "('name', '<f4') or ('name', '<f4', (2,))",
      });
    const [name, typeStr, sub] = entry as [string, string, number[] | undefined];
    if (typeof typeStr !== 'string')
      throw new FormatError('nested record fields are not supported', { source, field: String(name) });
    if (sub !== undefined && (!Array.isArray(sub) || !sub.every(isCount) || sub.reduce((a, b) => a * b, 1) > 1 << 20))
      throw new FormatError('a field shape that is not a list of counts', {
        source,
        field: name,
        found: JSON.stringify(sub),
        expected: 'non-negative integers, such as (2,)',
      });
    const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(typeStr);
    if (!m)
      throw new FormatError('unsupported field type', {
        source,
        field: name,
        found: typeStr,
        expected: 'a NumPy scalar type such as <f4, <u8, |S64',
      });
    const kind = m[2]!;
    const size = Number(m[3]);
    if (kind === 'O')
      throw new FormatError('Python object fields cannot be read', { source, field: name, found: typeStr });
    const itemBytes = kind === 'U' ? size * 4 : size;
    const shape = Array.isArray(sub) ? sub : [];
    const count = shape.reduce((a, b) => a * b, 1);
    const type = kind === 'S' || kind === 'U' || kind === 'V' ? `${kind}${size}` : `${kind}${size}`;
    fields.push({ name, type, littleEndian: m[1] !== '>', offset, itemBytes, count, shape });
    offset += itemBytes * count;
  }
  return fields;
}

/** A small parser for the Python literals in an .npy header: dict, list, tuple, str, int, bool. */
export function parsePyLiteral(text: string, source: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new FormatError(`cannot parse the .npy header: ${what}`, {
      source,
      offset: i,
      found: JSON.stringify(text.slice(i, i + 20)),
    });
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') return seq(c);
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?L?)/.exec(text.slice(i));
    if (!m) return fail('unexpected text');
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace(/L$/, ''));
  };
  let depth = 0;
  const seq = (open: string): unknown => {
    const close = open === '{' ? '}' : open === '[' ? ']' : ')';
    if (++depth > 16) fail('nested more than 16 deep');
    i++;
    const items: unknown[] = [];
    const dict = Object.create(null) as Record<string, unknown>;
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        depth--;
        return open === '{' ? dict : items;
      }
      const v = value();
      ws();
      if (open === '{') {
        if (text[i] !== ':') fail("expected ':'");
        i++;
        dict[String(v)] = value();
        ws();
      } else items.push(v);
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail(i >= text.length ? `no closing '${close}'` : `expected ',' or '${close}'`);
    }
  };
  return value();
}
