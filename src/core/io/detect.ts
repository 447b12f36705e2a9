import { decodeAscii, isGzip } from './bytes.js';
import { isNpy } from './npy.js';
import { looksLikeStar } from './star/read.js';

export type FileFormat =
  | 'mrc'
  | 'star'
  | 'npy'
  | 'ctffind'
  | 'ctffind-avrot'
  | 'tlt'
  | 'xf'
  | 'mdoc'
  | 'fsc-xml'
  | 'picks'
  | 'model'
  | 'tilt-series';

const BY_EXTENSION: ReadonlyArray<[RegExp, FileFormat]> = [
  [/\.(mrc|mrcs|map|ccp4|st|ali|rec|mrc2014)$/i, 'mrc'],
  [/\.star$/i, 'star'],
  [/\.(cs|npy)$/i, 'npy'],
  [/_avrot\.txt$/i, 'ctffind-avrot'],
  [/\.(tlt|rawtlt)$/i, 'tlt'],
  [/\.xf$/i, 'xf'],
  [/\.mdoc$/i, 'mdoc'],
  [/\.xml$/i, 'fsc-xml'],
  [/\.(box|cbox)$/i, 'picks'],
  [/\.(pdb|ent|cif|mmcif)$/i, 'model'],
];

/**
 * The format of a file from its name (a trailing .gz is looked through) and, where the name says
 * nothing, from its first bytes. Returns null when neither tells.
 */
export function detectFormat(name: string, head: Uint8Array): FileFormat | null {
  const base = name.replace(/\.gz$/i, '');
  const head512 = decodeAscii(head.subarray(0, 4096));
  // Tilt-series metadata: Warp/M XML, AreTomo3 outputs, IMOD tiltalign logs (read by tomo-report).
  if (/\.xml$/i.test(base) && /<TiltSeries[\s>]/.test(head512)) return 'tilt-series';
  if (/(\.aln|_TLT\.txt|_CTF\.txt)$/i.test(base) && !/^# Output from CTFFind/im.test(head512)) return 'tilt-series';
  if (/\.csv$/i.test(base) && /^\s*Tilt_Series\s*,/i.test(head512)) return 'tilt-series';
  if (/^\s*view\s+rotation\s+tilt/im.test(head512)) return 'tilt-series';
  for (const [re, fmt] of BY_EXTENSION) if (re.test(base)) return fmt;
  if (isGzip(head)) return null;
  if (isNpy(head)) return 'npy';
  if (looksLikeStar(head)) return 'star';
  const text = decodeAscii(head.subarray(0, 2048));
  if (/^# Output from CTFFind/im.test(text))
    return /spatial frequency/i.test(text) || /rotational average/i.test(text) ? 'ctffind-avrot' : 'ctffind';
  if (head.length >= 1024 && decodeAscii(head.subarray(208, 211)) === 'MAP') return 'mrc';
  if (/^\s*image_name\s+x_coord\s+y_coord/.test(text)) return 'picks';
  if (/^\s*(<\?xml[^>]*>\s*)?<fsc[\s>]/.test(text)) return 'fsc-xml';
  if (/^(HEADER|ATOM {2}|REMARK|TITLE )/m.test(text) && /^ATOM {2}/m.test(text)) return 'model';
  return null;
}
