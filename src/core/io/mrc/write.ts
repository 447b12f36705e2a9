import { NonFiniteOutputError } from '../../util/finite.js';
import { densityStats, type DensityStats, type Volume } from '../../model/volume.js';
import { FormatError } from '../../errors.js';
import { floatToHalf, halfToFloat } from './float16.js';
import {
  HEADER_BYTES,
  LABEL_COUNT,
  MACHST_LITTLE,
  MODES,
  stringsToLabels,
  writeHeaderFields,
  type MrcHeader,
} from './header.js';

export interface WriteMrcOptions {
  /** Output data mode (default 2, float32). Integer modes round and refuse out-of-range values. */
  mode?: 0 | 1 | 2 | 6 | 12;
  /** Up to 10 labels of 80 characters. */
  labels?: string[];
  /** ISPG: 1 for a volume (default when nz > 1), 0 for an image or stack. */
  ispg?: number;
  /**
   * Tests only: write NaN / ±inf voxels as they are (to make damaged inputs). cryodx's own outputs never set
   * it: a non-finite voxel there is a bug in an analysis, refused with an internal error.
   */
  allowNonFinite?: boolean;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const INT_RANGE: Record<number, [number, number]> = { 0: [-128, 127], 1: [-32768, 32767], 6: [0, 65535] };

/**
 * Writes a standard little-endian MRC2014 file: axis order 1,2,3, 'MAP ', machine stamp 0x44 0x44,
 * statistics computed from the data as written, no extended header.
 */
export function writeMrc(volume: Volume, options: WriteMrcOptions = {}): Uint8Array {
  const mode = options.mode ?? 2;
  const { nx, ny, nz } = volume;
  const count = nx * ny * nz;
  const bytesPer = MODES[mode]!.bytes;
  const out = new Uint8Array(HEADER_BYTES + count * bytesPer);
  const stored = encodeData(volume.data, mode, new DataView(out.buffer, HEADER_BYTES));
  writeHeader(new DataView(out.buffer), volume, mode, densityStats(stored), options);
  return out;
}

/**
 * writeMrc in two parts, the header and the data, which written one after the other are the same file.
 * Float32 on a little-endian machine (the usual case) is stored as it lies in memory, so the data part
 * is a view of the map itself: a 64 MB map is not copied to be written. Other modes: one part.
 */
export function writeMrcParts(volume: Volume, options: WriteMrcOptions = {}): Uint8Array[] {
  const mode = options.mode ?? 2;
  if (mode !== 2 || !LITTLE_ENDIAN_HOST) return [writeMrc(volume, options)];
  const header = new Uint8Array(HEADER_BYTES);
  writeHeader(new DataView(header.buffer), volume, mode, densityStats(volume.data), options);
  const d = volume.data;
  return [header, new Uint8Array(d.buffer, d.byteOffset, d.byteLength)];
}

function writeHeader(
  view: DataView,
  volume: Volume,
  mode: number,
  stats: DensityStats,
  options: WriteMrcOptions,
): void {
  const { nx, ny, nz } = volume;
  if (stats.nonFinite && !options.allowNonFinite)
    throw new NonFiniteOutputError('MRC writer', `${stats.nonFinite} voxels of the ${nx}×${ny}×${nz} map`, NaN);
  const px = volume.pixelSizeA ?? [0, 0, 0];
  const labels = (options.labels ?? ['cryodx']).slice(0, LABEL_COUNT);
  const header: MrcHeader = {
    nx,
    ny,
    nz,
    mode,
    nxstart: volume.startVoxel[0],
    nystart: volume.startVoxel[1],
    nzstart: volume.startVoxel[2],
    mx: nx,
    my: ny,
    mz: nz,
    cellaX: px[0] * nx,
    cellaY: px[1] * ny,
    cellaZ: px[2] * nz,
    cellbAlpha: 90,
    cellbBeta: 90,
    cellbGamma: 90,
    mapc: 1,
    mapr: 2,
    maps: 3,
    dmin: stats.min,
    dmax: stats.max,
    dmean: stats.mean,
    ispg: options.ispg ?? (nz > 1 ? 1 : 0),
    nsymbt: 0,
    extra1: new Uint8Array(8),
    exttyp: new Uint8Array(4),
    nversion: 20140,
    extra2: new Uint8Array(84),
    originX: volume.originA[0],
    originY: volume.originA[1],
    originZ: volume.originA[2],
    map: Uint8Array.of(0x4d, 0x41, 0x50, 0x20),
    machst: MACHST_LITTLE,
    rms: stats.rms,
    nlabl: labels.length,
    labels: stringsToLabels(labels),
  };
  writeHeaderFields(view, header, true);
}

/** Encodes into the output and returns the values as stored (rounded), for the header stats. */
function encodeData(data: Float32Array, mode: number, view: DataView): Float32Array {
  if (mode === 2) {
    if (LITTLE_ENDIAN_HOST) new Float32Array(view.buffer, view.byteOffset, data.length).set(data);
    else for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
    return data;
  }
  const stored = new Float32Array(data.length);
  if (mode === 12) {
    for (let i = 0; i < data.length; i++) {
      const h = floatToHalf(data[i]!);
      view.setUint16(2 * i, h, true);
      stored[i] = halfToFloat(h);
    }
    return stored;
  }
  const [lo, hi] = INT_RANGE[mode]!;
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(data[i]!);
    if (!(v >= lo && v <= hi)) {
      throw new FormatError(`value cannot be stored as ${MODES[mode]!.name}`, {
        source: 'MRC writer',
        field: `voxel ${i}`,
        found: String(data[i]),
        expected: `a finite value in [${lo}, ${hi}]`,
        hint: 'Write float32 (mode 2) or rescale the data',
      });
    }
    stored[i] = v;
    if (mode === 0) view.setInt8(i, v);
    else if (mode === 1) view.setInt16(2 * i, v, true);
    else view.setUint16(2 * i, v, true);
  }
  return stored;
}
