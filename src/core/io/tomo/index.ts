import { asBytes, decodeText, maybeGunzip } from '../bytes.js';
import { FormatError } from '../../errors.js';
import type { TiltSource } from '../../model/tomo.js';
import { readStar } from '../star/read.js';
import {
  isAretomoMetrics,
  isImodAlignLog,
  isWarpTiltSeriesXml,
  readAretomoAln,
  readAretomoMetrics,
  readCtfTable,
  readImodAlignLog,
  readMdocSource,
  readTiltAngles,
  readWarpXml,
  readXfSource,
} from './formats.js';
import { readRelionTomo } from './relion.js';

export * from './formats.js';
export * from './placeholders.js';
export * from './relion.js';

export type TomoFileKind =
  | 'relion-star'
  | 'warp-xml'
  | 'aretomo-ctf'
  | 'aretomo-aln'
  | 'aretomo-metrics'
  | 'tilt-angles'
  | 'imod-xf'
  | 'imod-align-log'
  | 'mdoc';

/** Which tilt-series format a file is, from its name and its first lines; null when none. */
export function detectTomoFile(name: string, text: string): TomoFileKind | null {
  const base = (name.split(/[\\/]/).pop() ?? name).replace(/\.gz$/i, '');
  if (/\.star$/i.test(base)) return 'relion-star';
  if (/\.xml$/i.test(base)) return isWarpTiltSeriesXml(text) ? 'warp-xml' : null;
  if (/\.aln$/i.test(base)) return 'aretomo-aln';
  if (/\.mdoc$/i.test(base)) return 'mdoc';
  if (/\.xf$/i.test(base)) return 'imod-xf';
  if (/\.(tlt|rawtlt)$/i.test(base) || /_TLT\.txt$/i.test(base)) return 'tilt-angles';
  if (/\.csv$/i.test(base)) return isAretomoMetrics(text) ? 'aretomo-metrics' : null;
  if (isImodAlignLog(text)) return 'imod-align-log';
  if (/\.txt$/i.test(base)) return 'aretomo-ctf';
  return null;
}

export interface TomoFileRead {
  kind: TomoFileKind;
  sources: TiltSource[];
  /** Per-series STARs a tomograms.star names, as written. */
  references: { series: string; path: string }[];
}

/** Every tilt series one file describes. */
export function readTomoFile(name: string, input: ArrayBuffer | ArrayBufferView): TomoFileRead {
  const bytes = maybeGunzip(asBytes(input), name);
  const text = decodeText(bytes);
  const kind = detectTomoFile(name, text);
  if (kind === null)
    throw new FormatError('not a tilt-series file cryodx reads', {
      source: name,
      expected:
        'RELION tomography STAR, Warp/M tilt-series XML, AreTomo3 _CTF.txt / .aln / _TLT.txt / ' +
        'TiltSeries_Metrics.csv, ' +
        'IMOD .tlt / .xf / taSolution.log / align.log, SerialEM .mdoc, or CTFFIND output',
    });
  switch (kind) {
    case 'relion-star': {
      const r = readRelionTomo(readStar(bytes, { source: name }));
      return { kind, sources: r.sources, references: r.references };
    }
    case 'warp-xml':
      return { kind, sources: [readWarpXml(text, name)], references: [] };
    case 'aretomo-ctf':
      return { kind, sources: [readCtfTable(text, name)], references: [] };
    case 'aretomo-aln':
      return { kind, sources: [readAretomoAln(text, name)], references: [] };
    case 'aretomo-metrics':
      return { kind, sources: readAretomoMetrics(text, name), references: [] };
    case 'tilt-angles':
      return { kind, sources: [readTiltAngles(text, name)], references: [] };
    case 'imod-xf':
      return { kind, sources: [readXfSource(text, name)], references: [] };
    case 'imod-align-log':
      return { kind, sources: [readImodAlignLog(text, name)], references: [] };
    case 'mdoc':
      return { kind, sources: [readMdocSource(text, name)], references: [] };
  }
}
export * from './summary.js';
