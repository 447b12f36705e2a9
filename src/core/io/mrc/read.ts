import { asBytes, decodeAscii, maybeGunzip } from '../bytes.js';
import { FormatError, type Warning } from '../../errors.js';
import type { Vec3, Volume } from '../../model/volume.js';
import { halfToFloat } from './float16.js';
import { HEADER_BYTES, MODES, UNSUPPORTED_MODES, labelsToStrings, readHeaderFields, type MrcHeader } from './header.js';
import { scanValues, type ValueScan } from '../../util/stats.js';

export type ByteOrder = 'little' | 'big';
export type MrcKind = 'volume' | 'image' | 'image-stack' | 'volume-stack';

export interface MrcFile {
  header: MrcHeader;
  byteOrder: ByteOrder;
  /** How the byte order was decided: from the machine stamp, or guessed from the header. */
  byteOrderFrom: 'machine-stamp' | 'guessed';
  /** File order of the axes, e.g. [1, 2, 3] for x fastest (MAPC, MAPR, MAPS). */
  axisOrder: Vec3;
  kind: MrcKind;
  extendedHeaderBytes: number;
  extendedHeaderType: string;
  labels: string[];
  /** Data resolved to x fastest, as float32. */
  volume: Volume;
  /** NaN and ±∞ values in the data (also a warning): callers that refuse them need not scan again. */
  nonFiniteValues: number;
  /** The one pass over the values (non-finite count, range), for whoever checks the map (app/maps). */
  values: ValueScan;
  warnings: Warning[];
}

export interface ReadMrcOptions {
  /** File name for messages, and for telling a stack (.mrcs) from a volume. */
  source?: string;
}

/**
 * Reads an MRC2014 / CCP4 map, image or stack from bytes (gzip is detected and inflated).
 * A float32 file in x-fastest order whose data are aligned is viewed, not copied.
 */
export function readMrc(input: ArrayBuffer | ArrayBufferView, options: ReadMrcOptions = {}): MrcFile {
  const source = options.source ?? 'MRC input';
  const bytes = maybeGunzip(asBytes(input), source);
  const warnings: Warning[] = [];
  const { header, littleEndian, from } = readHeader(bytes, source, warnings);
  checkMapId(header, source, warnings);
  validateStructure(header, source);
  const mode = MODES[header.mode]!;
  const axisOrder: Vec3 = [header.mapc, header.mapr, header.maps];
  const dataOffset = HEADER_BYTES + header.nsymbt;
  const count = header.nx * header.ny * header.nz;
  const needed = dataOffset + count * mode.bytes;
  if (bytes.length < needed) {
    throw new FormatError('data block is truncated', {
      source,
      offset: dataOffset,
      found: `${bytes.length - dataOffset} bytes of data`,
      expected: `${count * mode.bytes} bytes for ${header.nx}×${header.ny}×${header.nz} ${mode.name} values`,
      hint: 'The file was cut short (interrupted copy or download?); copy it again',
    });
  }
  if (bytes.length > needed) {
    warnings.push({
      code: 'trailing-bytes',
      message: `${source}: ${bytes.length - needed} bytes after the data block were ignored`,
    });
  }
  const fileData = decodeData(bytes, dataOffset, count, header.mode, littleEndian);
  const volume = toVolume(header, fileData, axisOrder, source, warnings);
  const values = checkValues(volume.data, source, warnings);
  return {
    header,
    byteOrder: littleEndian ? 'little' : 'big',
    byteOrderFrom: from,
    axisOrder,
    kind: classify(header, source),
    extendedHeaderBytes: header.nsymbt,
    extendedHeaderType: decodeAscii(header.exttyp).replace(/\0/g, '').trim(),
    labels: labelsToStrings(header.labels, header.nlabl),
    volume,
    nonFiniteValues: values.nonFinite,
    values,
    warnings,
  };
}

/** The 1024-byte header of an MRC file or stack, in its byte order (the file must hold at least that). */
export function readHeader(
  bytes: Uint8Array,
  source: string,
  warnings: Warning[],
): { header: MrcHeader; littleEndian: boolean; from: 'machine-stamp' | 'guessed' } {
  if (bytes.length < HEADER_BYTES) {
    throw new FormatError('file is too short to hold an MRC header', {
      source,
      found: `${bytes.length} bytes`,
      expected: `at least ${HEADER_BYTES}`,
      hint: 'The file is truncated or not an MRC file',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const { littleEndian, from } = detectByteOrder(view, source, warnings);
  return { header: readHeaderFields(view, littleEndian), littleEndian, from };
}

/** The data mode's size and name, or the error for a mode cryodx does not read. */
export function supportedMode(h: MrcHeader, source: string): { bytes: number; name: string } {
  const mode = MODES[h.mode];
  if (mode) return mode;
  const what = UNSUPPORTED_MODES[h.mode];
  throw new FormatError(what ? `mode ${h.mode} (${what}) is not supported` : 'unknown data mode', {
    source,
    field: 'mode',
    offset: 12,
    found: String(h.mode),
    expected: 'one of 0 (int8), 1 (int16), 2 (float32), 6 (uint16), 12 (float16)',
    hint: what ? 'Convert the file to float32 (mode 2) first' : 'The header is corrupt or this is not an MRC file',
  });
}

export function detectByteOrder(
  view: DataView,
  source: string,
  warnings: Warning[],
): { littleEndian: boolean; from: 'machine-stamp' | 'guessed' } {
  const m0 = view.getUint8(212);
  const m1 = view.getUint8(213);
  if (m0 === 0x44 && (m1 === 0x44 || m1 === 0x41)) return { littleEndian: true, from: 'machine-stamp' };
  if (m0 === 0x11 && m1 === 0x11) return { littleEndian: false, from: 'machine-stamp' };
  // Old or sloppy writers leave the stamp empty: pick the order in which the mode is valid.
  const plausible = (le: boolean): boolean => {
    const mode = view.getInt32(12, le);
    const nx = view.getInt32(0, le);
    return (mode in MODES || mode in UNSUPPORTED_MODES) && nx > 0 && nx < 1 << 20;
  };
  const le = plausible(true) || !plausible(false);
  warnings.push({
    code: 'machine-stamp',
    message:
      `${source}: machine stamp 0x${hex(m0)} 0x${hex(m1)} is not valid; read as ` +
      `${le ? 'little' : 'big'}-endian from the header values`,
  });
  return { littleEndian: le, from: 'guessed' };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function checkMapId(header: MrcHeader, source: string, warnings: Warning[]): void {
  const id = decodeAscii(header.map);
  if (id === 'MAP ') return;
  // MotionCor2 writes 'MAP\0'; tolerated on purpose (mrcfile does the same).
  if (id === 'MAP\0') return;
  warnings.push({
    code: 'map-id',
    message:
      `${source}: map identifier at byte 208 is ${JSON.stringify(id)}, not 'MAP ' (older CCP4/MRC file?); ` +
      `read anyway`,
  });
}

function validateStructure(h: MrcHeader, source: string): void {
  for (const [field, v] of [
    ['nx', h.nx],
    ['ny', h.ny],
    ['nz', h.nz],
  ] as const) {
    if (!(v > 0)) {
      throw new FormatError('dimension must be positive', {
        source,
        field,
        offset: field === 'nx' ? 0 : field === 'ny' ? 4 : 8,
        found: String(v),
        expected: '> 0',
        hint: 'The header is corrupt or this is not an MRC file',
      });
    }
  }
  supportedMode(h, source);
  const axes = [h.mapc, h.mapr, h.maps].slice().sort();
  if (axes[0] !== 1 || axes[1] !== 2 || axes[2] !== 3) {
    throw new FormatError('axis order is not a permutation of 1, 2, 3', {
      source,
      field: 'mapc/mapr/maps',
      offset: 64,
      found: `${h.mapc}, ${h.mapr}, ${h.maps}`,
      expected: 'a permutation of 1, 2, 3',
    });
  }
  for (const [field, v, offset] of [
    ['originX', h.originX, 196],
    ['originY', h.originY, 200],
    ['originZ', h.originZ, 204],
  ] as const) {
    if (!(Math.abs(v) <= 1e9))
      throw new FormatError('origin is not a finite number of Å', {
        source,
        field,
        offset,
        found: String(v),
        expected: 'a finite number (0 when unknown)',
        hint: 'The header is damaged: write the map again, or reset its origin (e.g. relion_image_handler --shift_com)',
      });
  }
  if (h.nsymbt < 0) {
    throw new FormatError('extended header length is negative', {
      source,
      field: 'nsymbt',
      offset: 92,
      found: String(h.nsymbt),
      expected: '≥ 0',
    });
  }
}

function decodeData(bytes: Uint8Array, offset: number, count: number, mode: number, le: boolean): Float32Array {
  const abs = bytes.byteOffset + offset;
  const native = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  if (mode === 2 && le === native && abs % 4 === 0) return new Float32Array(bytes.buffer, abs, count);
  const view = new DataView(bytes.buffer, abs, count * MODES[mode]!.bytes);
  const out = new Float32Array(count);
  switch (mode) {
    case 0:
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 1:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, le);
      break;
    case 2:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, le);
      break;
    case 6:
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, le);
      break;
    case 12:
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, le));
      break;
    default:
      throw new Error(`unreachable mode ${mode}`);
  }
  return out;
}

/** Resolves MAPC/MAPR/MAPS once, so every analysis sees x fastest. */
function toVolume(h: MrcHeader, fileData: Float32Array, order: Vec3, source: string, warnings: Warning[]): Volume {
  const fileDims: Vec3 = [h.nx, h.ny, h.nz];
  const dims: Vec3 = [0, 0, 0];
  const start: Vec3 = [0, 0, 0];
  const fileStart: Vec3 = [h.nxstart, h.nystart, h.nzstart];
  for (let i = 0; i < 3; i++) {
    dims[order[i]! - 1] = fileDims[i]!;
    start[order[i]! - 1] = fileStart[i]!;
  }
  const data = order[0] === 1 && order[1] === 2 && order[2] === 3 ? fileData : permute(fileData, fileDims, order, dims);
  return {
    nx: dims[0],
    ny: dims[1],
    nz: dims[2],
    data,
    pixelSizeA: voxelSize(h, source, warnings),
    originA: [h.originX, h.originY, h.originZ],
    startVoxel: start,
  };
}

function permute(src: Float32Array, fileDims: Vec3, order: Vec3, dims: Vec3): Float32Array {
  const out = new Float32Array(src.length);
  const stride: Vec3 = [1, dims[0], dims[0] * dims[1]];
  const sc = stride[order[0] - 1]!;
  const sr = stride[order[1] - 1]!;
  const ss = stride[order[2] - 1]!;
  let i = 0;
  for (let s = 0; s < fileDims[2]; s++) {
    for (let r = 0; r < fileDims[1]; r++) {
      let o = s * ss + r * sr;
      for (let c = 0; c < fileDims[0]; c++, o += sc) out[o] = src[i++]!;
    }
  }
  return out;
}

function voxelSize(h: MrcHeader, source: string, warnings: Warning[]): Vec3 | null {
  const cell: Vec3 = [h.cellaX, h.cellaY, h.cellaZ];
  const sampling: Vec3 = [h.mx, h.my, h.mz];
  if (cell.every((c) => c === 0)) {
    warnings.push({
      code: 'no-pixel-size',
      message: `${source}: the header gives no cell size, so the pixel size is unknown; pass it explicitly (--angpix)`,
    });
    return null;
  }
  if (sampling.some((m) => !(m > 0)) || cell.some((c) => !(c > 0) || !Number.isFinite(c))) {
    warnings.push({
      code: 'bad-cell',
      message:
        `${source}: cell (${cell.join(', ')}) Å over sampling (${sampling.join(', ')}) does not give a ` +
        `voxel size; pass it explicitly (--angpix)`,
    });
    return null;
  }
  // The cell is float32 (7 significant digits): 1.1 Å stays 1.1, not 1.100000023841858.
  const px = (i: number): number => Number((cell[i]! / sampling[i]!).toPrecision(7));
  return [px(0), px(1), px(2)];
}

function checkValues(data: Float32Array, source: string, warnings: Warning[]): ValueScan {
  const scan = scanValues(data);
  const bad = scan.nonFinite;
  if (bad > 0) {
    warnings.push({ code: 'non-finite', message: `${source}: ${bad} of ${data.length} values are NaN or infinite` });
  }
  return scan;
}

function classify(h: MrcHeader, source: string): MrcKind {
  if (h.ispg === 401) return 'volume-stack';
  if (h.nz === 1) return 'image';
  if (/\.mrcs(\.gz)?$/i.test(source) || (h.ispg === 0 && /\.(st|ali|mrcs)(\.gz)?$/i.test(source))) return 'image-stack';
  if (h.ispg === 0 && !/\.(map|mrc|rec|ccp4)(\.gz)?$/i.test(source)) return 'image-stack';
  return 'volume';
}

/** MRC2014 header statistics, or null where the header marks them unknown. */
export function headerStats(h: MrcHeader): {
  min: number | null;
  max: number | null;
  mean: number | null;
  rms: number | null;
} {
  const known = h.dmax >= h.dmin;
  return {
    min: known ? h.dmin : null,
    max: known ? h.dmax : null,
    mean: h.dmean >= Math.min(h.dmin, h.dmax) ? h.dmean : null,
    rms: h.rms >= 0 ? h.rms : null,
  };
}

/**
 * The size an MRC file must reach, from its first 1024 bytes: header, extended header and data. A file still being
 * written is shorter; null when the bytes are no MRC header (an unknown mode, a negative size).
 */
export function mrcExpectedBytes(head: Uint8Array): number | null {
  if (head.length < HEADER_BYTES) return null;
  const view = new DataView(head.buffer, head.byteOffset, HEADER_BYTES);
  const { littleEndian } = detectByteOrder(view, 'MRC header', []);
  const h = readHeaderFields(view, littleEndian);
  const mode = MODES[h.mode];
  if (!mode || h.nx < 1 || h.ny < 1 || h.nz < 1 || h.nsymbt < 0) return null;
  return HEADER_BYTES + h.nsymbt + h.nx * h.ny * h.nz * mode.bytes;
}
