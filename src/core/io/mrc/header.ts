/**
 * The MRC2014 header as one declarative table (https://www.ccpem.ac.uk/mrc_format/mrc2014.php).
 * Reader, writer and validator all derive from it. Field names follow the standard; the comment
 * gives the meaning and unit.
 */
export type FieldType = 'i32' | 'f32' | 'bytes';

export interface FieldSpec {
  name: keyof MrcHeader;
  offset: number;
  type: FieldType;
  /** Byte length for 'bytes' fields. */
  length?: number;
  doc: string;
}

export interface MrcHeader {
  nx: number;
  ny: number;
  nz: number;
  mode: number;
  nxstart: number;
  nystart: number;
  nzstart: number;
  mx: number;
  my: number;
  mz: number;
  cellaX: number;
  cellaY: number;
  cellaZ: number;
  cellbAlpha: number;
  cellbBeta: number;
  cellbGamma: number;
  mapc: number;
  mapr: number;
  maps: number;
  dmin: number;
  dmax: number;
  dmean: number;
  ispg: number;
  nsymbt: number;
  extra1: Uint8Array;
  exttyp: Uint8Array;
  nversion: number;
  extra2: Uint8Array;
  originX: number;
  originY: number;
  originZ: number;
  map: Uint8Array;
  machst: Uint8Array;
  rms: number;
  nlabl: number;
  labels: Uint8Array;
}

export const HEADER_BYTES = 1024;
export const LABEL_BYTES = 80;
export const LABEL_COUNT = 10;

export const HEADER_FIELDS: readonly FieldSpec[] = [
  { name: 'nx', offset: 0, type: 'i32', doc: 'number of columns (fastest-changing axis in the file)' },
  { name: 'ny', offset: 4, type: 'i32', doc: 'number of rows' },
  { name: 'nz', offset: 8, type: 'i32', doc: 'number of sections (slowest axis; images in a stack)' },
  { name: 'mode', offset: 12, type: 'i32', doc: 'data type: 0 int8, 1 int16, 2 float32, 6 uint16, 12 float16' },
  { name: 'nxstart', offset: 16, type: 'i32', doc: 'index of the first column, in voxels' },
  { name: 'nystart', offset: 20, type: 'i32', doc: 'index of the first row, in voxels' },
  { name: 'nzstart', offset: 24, type: 'i32', doc: 'index of the first section, in voxels' },
  { name: 'mx', offset: 28, type: 'i32', doc: 'sampling intervals along X of the unit cell' },
  { name: 'my', offset: 32, type: 'i32', doc: 'sampling intervals along Y' },
  { name: 'mz', offset: 36, type: 'i32', doc: 'sampling intervals along Z' },
  { name: 'cellaX', offset: 40, type: 'f32', doc: 'cell length along X, Å (voxel size = cellaX / mx)' },
  { name: 'cellaY', offset: 44, type: 'f32', doc: 'cell length along Y, Å' },
  { name: 'cellaZ', offset: 48, type: 'f32', doc: 'cell length along Z, Å' },
  { name: 'cellbAlpha', offset: 52, type: 'f32', doc: 'cell angle alpha, degrees' },
  { name: 'cellbBeta', offset: 56, type: 'f32', doc: 'cell angle beta, degrees' },
  { name: 'cellbGamma', offset: 60, type: 'f32', doc: 'cell angle gamma, degrees' },
  { name: 'mapc', offset: 64, type: 'i32', doc: 'axis (1=X, 2=Y, 3=Z) that columns run along' },
  { name: 'mapr', offset: 68, type: 'i32', doc: 'axis that rows run along' },
  { name: 'maps', offset: 72, type: 'i32', doc: 'axis that sections run along' },
  { name: 'dmin', offset: 76, type: 'f32', doc: 'minimum density (unknown when dmax < dmin)' },
  { name: 'dmax', offset: 80, type: 'f32', doc: 'maximum density' },
  { name: 'dmean', offset: 84, type: 'f32', doc: 'mean density (unknown when below min(dmin, dmax))' },
  { name: 'ispg', offset: 88, type: 'i32', doc: 'space group: 0 image or stack, 1 volume, 401 volume stack' },
  { name: 'nsymbt', offset: 92, type: 'i32', doc: 'extended header length, bytes' },
  { name: 'extra1', offset: 96, type: 'bytes', length: 8, doc: 'extra space' },
  {
    name: 'exttyp',
    offset: 104,
    type: 'bytes',
    length: 4,
    doc: 'extended header type (CCP4, MRCO, SERI, AGAR, FEI1, FEI2, HDF5)',
  },
  { name: 'nversion', offset: 108, type: 'i32', doc: 'format version, 20140 for MRC2014' },
  { name: 'extra2', offset: 112, type: 'bytes', length: 84, doc: 'extra space' },
  { name: 'originX', offset: 196, type: 'f32', doc: 'origin X, Å' },
  { name: 'originY', offset: 200, type: 'f32', doc: 'origin Y, Å' },
  { name: 'originZ', offset: 204, type: 'f32', doc: 'origin Z, Å' },
  { name: 'map', offset: 208, type: 'bytes', length: 4, doc: "'MAP ' file type identifier" },
  {
    name: 'machst',
    offset: 212,
    type: 'bytes',
    length: 4,
    doc: 'machine stamp: 0x44 0x44 little-endian, 0x11 0x11 big-endian',
  },
  { name: 'rms', offset: 216, type: 'f32', doc: 'RMS deviation from the mean (unknown when negative)' },
  { name: 'nlabl', offset: 220, type: 'i32', doc: 'number of labels in use' },
  {
    name: 'labels',
    offset: 224,
    type: 'bytes',
    length: LABEL_COUNT * LABEL_BYTES,
    doc: '10 text labels of 80 characters',
  },
];

export function readHeaderFields(view: DataView, littleEndian: boolean): MrcHeader {
  const h: Record<string, number | Uint8Array> = {};
  for (const f of HEADER_FIELDS) {
    if (f.type === 'i32') h[f.name] = view.getInt32(f.offset, littleEndian);
    else if (f.type === 'f32') h[f.name] = view.getFloat32(f.offset, littleEndian);
    else h[f.name] = new Uint8Array(view.buffer, view.byteOffset + f.offset, f.length).slice();
  }
  return h as unknown as MrcHeader;
}

export function writeHeaderFields(view: DataView, header: MrcHeader, littleEndian: boolean): void {
  for (const f of HEADER_FIELDS) {
    const v = header[f.name];
    if (f.type === 'i32') view.setInt32(f.offset, v as number, littleEndian);
    else if (f.type === 'f32') view.setFloat32(f.offset, v as number, littleEndian);
    else new Uint8Array(view.buffer, view.byteOffset + f.offset, f.length).set((v as Uint8Array).subarray(0, f.length));
  }
}

/** Data modes: bytes per value and a name. Complex and 4-bit modes are refused on reading. */
export const MODES: Readonly<Record<number, { bytes: number; name: string }>> = {
  0: { bytes: 1, name: 'int8' },
  1: { bytes: 2, name: 'int16' },
  2: { bytes: 4, name: 'float32' },
  6: { bytes: 2, name: 'uint16' },
  12: { bytes: 2, name: 'float16' },
};

export const UNSUPPORTED_MODES: Readonly<Record<number, string>> = {
  3: 'complex int16',
  4: 'complex float32',
  101: '4-bit packed',
};

/** Machine stamps as the standard recommends; readers also accept 0x44 0x41 (little-endian). */
export const MACHST_LITTLE = Uint8Array.of(0x44, 0x44, 0, 0);
export const MACHST_BIG = Uint8Array.of(0x11, 0x11, 0, 0);

export function labelsToStrings(labels: Uint8Array, nlabl: number): string[] {
  const out: string[] = [];
  const n = Math.max(0, Math.min(LABEL_COUNT, nlabl));
  for (let i = 0; i < n; i++) {
    const raw = labels.subarray(i * LABEL_BYTES, (i + 1) * LABEL_BYTES);
    let s = '';
    for (const c of raw) s += c === 0 ? ' ' : String.fromCharCode(c);
    out.push(s.trimEnd());
  }
  return out;
}

export function stringsToLabels(strings: readonly string[]): Uint8Array {
  const out = new Uint8Array(LABEL_COUNT * LABEL_BYTES).fill(0x20);
  strings.slice(0, LABEL_COUNT).forEach((s, i) => {
    for (let j = 0; j < Math.min(LABEL_BYTES, s.length); j++) {
      const c = s.charCodeAt(j);
      out[i * LABEL_BYTES + j] = c < 128 ? c : 0x3f;
    }
  });
  return out;
}
