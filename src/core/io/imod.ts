import { asBytes, decodeText } from './bytes.js';
import { FormatError } from '../errors.js';

function text(input: ArrayBuffer | ArrayBufferView | string): string {
  return typeof input === 'string' ? input : decodeText(asBytes(input));
}

function numbersOnLine(line: string, lineNo: number, source: string, expected: number | null): number[] {
  const parts = line.trim().split(/\s+/);
  const values = parts.map(Number);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new FormatError('value is not a number', {
      source,
      line: lineNo,
      field: `value ${bad + 1}`,
      found: JSON.stringify(parts[bad]),
      expected: 'a number',
    });
  if (expected !== null && values.length !== expected)
    throw new FormatError('wrong number of values', {
      source,
      line: lineNo,
      found: `${values.length}`,
      expected: `${expected}`,
    });
  return values;
}

/** IMOD .tlt / .rawtlt: one tilt angle (degrees) per line, in stack order. */
export function readTlt(input: ArrayBuffer | ArrayBufferView | string, source = 'tilt angle file'): Float64Array {
  const out: number[] = [];
  text(input)
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      out.push(numbersOnLine(line, i + 1, source, 1)[0]!);
    });
  if (out.length === 0) throw new FormatError('no tilt angles', { source, expected: 'one angle in degrees per line' });
  return Float64Array.from(out);
}

/** One line of an IMOD .xf file: x' = a11·x + a12·y + dx, y' = a21·x + a22·y + dy (shifts in pixels). */
export interface XfTransform {
  a11: number;
  a12: number;
  a21: number;
  a22: number;
  dxPx: number;
  dyPx: number;
}

export function readXf(input: ArrayBuffer | ArrayBufferView | string, source = 'IMOD .xf file'): XfTransform[] {
  const out: XfTransform[] = [];
  text(input)
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const [a11, a12, a21, a22, dxPx, dyPx] = numbersOnLine(line, i + 1, source, 6) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      out.push({ a11, a12, a21, a22, dxPx, dyPx });
    });
  if (out.length === 0) throw new FormatError('no transforms', { source, expected: 'six numbers per line' });
  return out;
}

/**
 * Rotation (degrees) of an .xf transform: for a tilt series, the in-plane rotation that puts the tilt axis vertical.
 */
export function xfRotationDeg(t: XfTransform): number {
  return (Math.atan2(t.a21 - t.a12, t.a11 + t.a22) * 180) / Math.PI;
}

export interface MdocSection {
  /** Section header, e.g. 'ZValue = 0' → kind 'ZValue', index 0. */
  kind: string;
  index: number;
  fields: Record<string, string>;
  line: number;
}

export interface Mdoc {
  global: Record<string, string>;
  sections: MdocSection[];
  /** Free-text title lines ("[T = ...]"). */
  titles: string[];
}

/** SerialEM .mdoc: "key = value" lines, "[ZValue = n]" sections, "[T = text]" titles. */
export function readMdoc(input: ArrayBuffer | ArrayBufferView | string, source = 'SerialEM .mdoc'): Mdoc {
  const global: Record<string, string> = {};
  const sections: MdocSection[] = [];
  const titles: string[] = [];
  let current: Record<string, string> = global;
  text(input)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      const head = /^\[\s*(\w+)\s*=\s*(.*?)\s*\]$/.exec(line);
      if (head) {
        if (head[1] === 'T') {
          titles.push(head[2]!);
          return;
        }
        const index = Number(head[2]);
        if (!Number.isInteger(index))
          throw new FormatError('section index is not an integer', {
            source,
            line: i + 1,
            found: JSON.stringify(head[2]),
            expected: 'e.g. [ZValue = 0]',
          });
        const section: MdocSection = { kind: head[1]!, index, fields: {}, line: i + 1 };
        sections.push(section);
        current = section.fields;
        return;
      }
      const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
      if (!kv)
        throw new FormatError('line is neither "key = value" nor a [section]', {
          source,
          line: i + 1,
          found: JSON.stringify(line),
        });
      current[kv[1]!] = kv[2]!;
    });
  return { global, sections, titles };
}

/** A numeric mdoc field of every ZValue section, in ZValue order; null where a section lacks it. */
export function mdocNumbers(mdoc: Mdoc, key: string): (number | null)[] {
  return mdoc.sections
    .filter((s) => s.kind === 'ZValue')
    .sort((a, b) => a.index - b.index)
    .map((s) => {
      const v = s.fields[key];
      if (v === undefined) return null;
      const x = Number(v.trim().split(/\s+/)[0]);
      return Number.isFinite(x) ? x : null;
    });
}
