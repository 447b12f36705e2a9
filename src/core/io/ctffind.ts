import { finiteOut } from '../util/finite.js';
import { asBytes, decodeText } from './bytes.js';
import { DEFOCUS_A, FINITE, describeRange, firstOutside } from './fields.js';
import { FormatError } from '../errors.js';
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
    if (bad >= 0)
      throw new FormatError('value is not a number', {
        source,
        line: i + 1,
        field: `column ${bad + 1}`,
        found: JSON.stringify(parts[bad]),
        expected: 'a number',
      });
    if (values.length !== 7 && values.length !== 10) {
      throw new FormatError('wrong number of columns', {
        source,
        line: i + 1,
        found: `${values.length}`,
        expected: '7 (CTFFIND 4) or 10 (CTFFIND 5)',
      });
    }
    if (columns && values.length !== columns)
      throw new FormatError('column count changes between rows', {
        source,
        line: i + 1,
        found: `${values.length}`,
        expected: `${columns}`,
      });
    columns = values.length;
    const v = (k: number): number => values[k]!;
    for (const [k, name, range] of [
      [1, 'defocus 1', DEFOCUS_A],
      [2, 'defocus 2', DEFOCUS_A],
      [3, 'astigmatism azimuth', FINITE],
    ] as const) {
      if (firstOutside([v(k)], range) === 0)
        throw new FormatError('value out of range', {
          source,
          line: i + 1,
          field: `column ${k + 1} (${name})`,
          found: parts[k]!,
          expected: describeRange(range),
        });
    }
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
  for (const e of estimates)
    e.micrograph = inputFile
      ? estimates.length === 1
        ? inputFile
        : `${inputFile}:${e.micrograph}`
      : `micrograph ${e.micrograph}`;
  if (estimates.length === 0)
    throw new FormatError('no result rows', {
      source,
      expected: 'at least one line of 7 or 10 numbers after the # header',
    });
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

export function readCtffindAvrot(
  input: ArrayBuffer | ArrayBufferView | string,
  source = 'CTFFIND _avrot.txt',
): CtffindAvrot[] {
  const text = typeof input === 'string' ? input : decodeText(asBytes(input));
  const rows: { line: number; values: Float64Array }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    const values = Float64Array.from(parts, Number);
    const bad = values.findIndex((v, k) => Number.isNaN(v) && !/^nan$/i.test(parts[k]!));
    if (bad >= 0)
      throw new FormatError('value is not a number', {
        source,
        line: i + 1,
        field: `value ${bad + 1}`,
        found: JSON.stringify(parts[bad]),
        expected: 'a number',
      });
    rows.push({ line: i + 1, values });
  });
  if (rows.length === 0 || rows.length % 6 !== 0) {
    throw new FormatError('wrong number of data rows', {
      source,
      found: `${rows.length}`,
      expected: 'a multiple of 6 (six curves per micrograph)',
    });
  }
  const out: CtffindAvrot[] = [];
  for (let k = 0; k < rows.length; k += 6) {
    const n = rows[k]!.values.length;
    for (let j = 1; j < 6; j++) {
      if (rows[k + j]!.values.length !== n)
        throw new FormatError('rows of one micrograph differ in length', {
          source,
          line: rows[k + j]!.line,
          found: `${rows[k + j]!.values.length} values`,
          expected: `${n}`,
        });
    }
    const r = (j: number): Float64Array => rows[k + j]!.values;
    out.push({
      spatialFrequencyInvA: r(0),
      averageNoAstigmatism: r(1),
      average: r(2),
      ctfFit: r(3),
      crossCorrelation: r(4),
      twoSigma: r(5),
    });
  }
  return out;
}

/** Settings CTFFIND prints in its header, for a file another program can read back. */
export interface CtffindHeader {
  inputFile: string;
  pixelSizeA: number;
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  boxPx: number;
  fitLowResolutionA: number;
  fitHighResolutionA: number;
  defocusMinA: number;
  defocusMaxA: number;
}

/**
 * CTFFIND 5's output text: its header lines (the ones readCtffind and other tools parse) and
 * one row of 10 columns per micrograph; tilt axis and tilt angle are 0 for an untilted fit.
 */
export function formatCtffind(h: CtffindHeader, rows: CtfEstimate[], version: string): string {
  const f = (v: number, d: number): string => (Number.isFinite(v) ? v.toFixed(d) : 'nan');
  const lines = [
    `# Output from CTFFind version 5-compatible (${version}), written by cryodx`,
    `# Input file: ${h.inputFile} ; Number of micrographs: ${rows.length}`,
    `# Pixel size: ${h.pixelSizeA.toFixed(3)} Angstroms ; acceleration voltage: ${h.voltageKv.toFixed(1)} keV ; ` +
      `spherical aberration: ${h.csMm.toFixed(2)} mm ; amplitude contrast: ${h.amplitudeContrast.toFixed(2)}`,
    `# Box size: ${h.boxPx} pixels ; min. res.: ${h.fitLowResolutionA.toFixed(1)} Angstroms ; max. res.: ` +
      `${h.fitHighResolutionA.toFixed(1)} Angstroms ; min. def.: ${h.defocusMinA.toFixed(1)} um; max. def. ` +
      `${h.defocusMaxA.toFixed(1)} um`,
    '# Columns: #1 - micrograph number; #2 - defocus 1 [Angstroms]; #3 - defocus 2; #4 - azimuth of astigmatism; ' +
      '#5 - additional phase shift [radians]; #6 - cross correlation; #7 - spacing (in Angstroms) up to which CTF ' +
      'rings were fit successfully; #8 - Estimated tilt axis angle; #9 - Estimated tilt angle ; #10 Estimated ' +
      'sample thickness (in Angstroms)',
  ];
  rows.forEach((e, i) => {
    lines.push(
      [
        f(i + 1, 6),
        finiteOut('CTFFIND writer', `${e.micrograph} defocus 1`, e.defocusUA).toFixed(6),
        finiteOut('CTFFIND writer', `${e.micrograph} defocus 2`, e.defocusVA).toFixed(6),
        finiteOut('CTFFIND writer', `${e.micrograph} azimuth`, e.astigmatismAngleDeg).toFixed(6),
        f(e.phaseShiftRad, 6),
        f(e.crossCorrelation, 6),
        f(e.fitResolutionA, 6),
        f(e.tiltAxisDeg ?? 0, 6),
        f(e.tiltAngleDeg ?? 0, 6),
        f(e.thicknessA ?? 0, 6),
      ].join(' '),
    );
  });
  return lines.join('\n') + '\n';
}
