import { asBytes, decodeText } from './bytes.js';
import { FormatError } from './errors.js';
import type { CtfEstimate, CtfSettings } from '../model/ctf.js';

export interface CtffindResult {
  version: string | null;
  inputFile: string | null;
  settings: CtfSettings;
  estimates: CtfEstimate[];
}

/**
 * CTFFIND 4 (7 columns) and CTFFIND 5 (10 columns: + tilt axis, tilt angle, thickness) output
 * text. Column meanings from CTFFIND's own header lines ("# Columns: #1 - micrograph number; ...").
 */
export function readCtffind(input: ArrayBuffer | ArrayBufferView | string, source = 'CTFFIND output'): CtffindResult {
  const text = typeof input === 'string' ? input : decodeText(asBytes(input));
  const lines = text.split(/\r?\n/);
  let version: string | null = null;
  let inputFile: string | null = null;
  const settings: CtfSettings = { pixelSizeA: null, voltageKv: null, csMm: null, amplitudeContrast: null };
  const estimates: CtfEstimate[] = [];
  let columns = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      version ??= /CTFFind version ([\w.-]+)/i.exec(line)?.[1] ?? null;
      inputFile ??= /Input file:\s*([^;]+?)\s*(;|$)/i.exec(line)?.[1] ?? null;
      settings.pixelSizeA ??= num(/Pixel size:\s*([-\d.eE+]+)/i.exec(line));
      settings.voltageKv ??= num(/acceleration voltage:\s*([-\d.eE+]+)/i.exec(line));
      settings.csMm ??= num(/spherical aberration:\s*([-\d.eE+]+)/i.exec(line));
      settings.amplitudeContrast ??= num(/amplitude contrast:\s*([-\d.eE+]+)/i.exec(line));
      return;
    }
    const parts = line.split(/\s+/);
    const values = parts.map(Number);
    const bad = values.findIndex((v, k) => Number.isNaN(v) && !/^nan$/i.test(parts[k]!));
    if (bad >= 0) throw new FormatError('value is not a number', { source, line: i + 1, field: `column ${bad + 1}`, found: JSON.stringify(parts[bad]), expected: 'a number' });
    if (values.length !== 7 && values.length !== 10) {
      throw new FormatError('wrong number of columns', { source, line: i + 1, found: `${values.length}`, expected: '7 (CTFFIND 4) or 10 (CTFFIND 5)' });
    }
    if (columns && values.length !== columns) throw new FormatError('column count changes between rows', { source, line: i + 1, found: `${values.length}`, expected: `${columns}` });
    columns = values.length;
    const v = (k: number): number => values[k]!;
    estimates.push({
      micrograph: `${v(0)}`,
      defocusUA: v(1),
      defocusVA: v(2),
      astigmatismAngleDeg: v(3),
      phaseShiftRad: v(4),
      crossCorrelation: v(5),
      fitResolutionA: v(6),
      tiltAxisDeg: columns === 10 ? v(7) : null,
      tiltAngleDeg: columns === 10 ? v(8) : null,
      thicknessA: columns === 10 ? v(9) : null,
    });
  });
  // Name rows after the input file: the file itself when there is one row, 'file:N' for a stack.
  for (const e of estimates) e.micrograph = inputFile ? (estimates.length === 1 ? inputFile : `${inputFile}:${e.micrograph}`) : `micrograph ${e.micrograph}`;
  if (estimates.length === 0) throw new FormatError('no result rows', { source, expected: 'at least one line of 7 or 10 numbers after the # header' });
  return { version, inputFile, settings, estimates };
}

function num(m: RegExpExecArray | null): number | null {
  return m ? Number(m[1]) : null;
}

/** One micrograph's curves from a CTFFIND `_avrot.txt` file (6 rows per micrograph). */
export interface CtffindAvrot {
  spatialFrequencyInvA: Float64Array;
  /** Rotational average of the spectrum, without astigmatism correction. */
  averageNoAstigmatism: Float64Array;
  /** Rotational average of the spectrum (astigmatism taken into account). */
  average: Float64Array;
  ctfFit: Float64Array;
  crossCorrelation: Float64Array;
  /** Two sigma of the expected cross-correlation of noise. */
  twoSigma: Float64Array;
}

export function readCtffindAvrot(input: ArrayBuffer | ArrayBufferView | string, source = 'CTFFIND _avrot.txt'): CtffindAvrot[] {
  const text = typeof input === 'string' ? input : decodeText(asBytes(input));
  const rows: { line: number; values: Float64Array }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    const values = Float64Array.from(parts, Number);
    const bad = values.findIndex((v, k) => Number.isNaN(v) && !/^nan$/i.test(parts[k]!));
    if (bad >= 0) throw new FormatError('value is not a number', { source, line: i + 1, field: `value ${bad + 1}`, found: JSON.stringify(parts[bad]), expected: 'a number' });
    rows.push({ line: i + 1, values });
  });
  if (rows.length === 0 || rows.length % 6 !== 0) {
    throw new FormatError('wrong number of data rows', { source, found: `${rows.length}`, expected: 'a multiple of 6 (six curves per micrograph)' });
  }
  const out: CtffindAvrot[] = [];
  for (let k = 0; k < rows.length; k += 6) {
    const n = rows[k]!.values.length;
    for (let j = 1; j < 6; j++) {
      if (rows[k + j]!.values.length !== n) throw new FormatError('rows of one micrograph differ in length', { source, line: rows[k + j]!.line, found: `${rows[k + j]!.values.length} values`, expected: `${n}` });
    }
    const r = (j: number): Float64Array => rows[k + j]!.values;
    out.push({ spatialFrequencyInvA: r(0), averageNoAstigmatism: r(1), average: r(2), ctfFit: r(3), crossCorrelation: r(4), twoSigma: r(5) });
  }
  return out;
}
