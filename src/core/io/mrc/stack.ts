import { FormatError } from '../../errors.js';
import { halfToFloat } from './float16.js';
import { HEADER_BYTES } from './header.js';
import { readHeader, supportedMode } from './read.js';

/**
 * An image stack known from its header alone, so that particle images can be read one at a time
 * (a byte range each) instead of loading stacks of many GB whole.
 */
export interface StackLayout {
  source: string;
  nx: number;
  ny: number;
  /** Images in the stack (nz of the header). */
  count: number;
  mode: number;
  littleEndian: boolean;
  /** Byte offset of the first image's data. */
  dataOffset: number;
  /** Bytes per image. */
  imageBytes: number;
  /** Pixel size from the cell (X), null when the header gives none. */
  pixelSizeA: number | null;
}

/** The layout of a stack from its first 1024 bytes (and its size on disk, to catch truncation). */
export function stackLayout(head: Uint8Array, fileBytes: number, source: string): StackLayout {
  const { header: h, littleEndian } = readHeader(head, source, []);
  const mode = supportedMode(h, source);
  if (!(h.nx > 0 && h.ny > 0 && h.nz > 0) || h.nsymbt < 0 || h.nx > 1 << 16 || h.ny > 1 << 16) {
    throw new FormatError('header does not describe an image stack', {
      source,
      found: `${h.nx}×${h.ny}×${h.nz}, extended header ${h.nsymbt} bytes`,
      hint: 'The file is corrupt or not an MRC stack',
    });
  }
  if (h.mapc !== 1 || h.mapr !== 2) {
    throw new FormatError('stack axes are permuted', {
      source,
      field: 'mapc/mapr/maps',
      found: `${h.mapc}, ${h.mapr}, ${h.maps}`,
      expected: '1, 2, 3 (x fastest, as every particle stack is written)',
    });
  }
  const imageBytes = h.nx * h.ny * mode.bytes;
  const dataOffset = HEADER_BYTES + h.nsymbt;
  const needed = dataOffset + imageBytes * h.nz;
  if (fileBytes < needed) {
    throw new FormatError('stack is truncated', {
      source,
      found: `${fileBytes} bytes`,
      expected: `${needed} bytes for ${h.nz} images of ${h.nx}×${h.ny} ${mode.name}`,
      hint: 'The file was cut short (interrupted copy or extraction?); copy or extract it again',
    });
  }
  const cell = h.cellaX,
    mx = h.mx;
  const pixelSizeA = cell > 0 && mx > 0 && Number.isFinite(cell) ? Number((cell / mx).toPrecision(7)) : null;
  return { source, nx: h.nx, ny: h.ny, count: h.nz, mode: h.mode, littleEndian, dataOffset, imageBytes, pixelSizeA };
}

/** Byte range [start, end) of image `index` (0-based) in a stack. */
export function imageRange(layout: StackLayout, index: number): [number, number] {
  const start = layout.dataOffset + index * layout.imageBytes;
  return [start, start + layout.imageBytes];
}

/** Decodes one image's bytes (as imageRange gives them) into `out` (nx·ny float32, x fastest). */
export function decodeImage(layout: StackLayout, bytes: Uint8Array, out: Float32Array): Float32Array {
  const n = layout.nx * layout.ny;
  const le = layout.littleEndian;
  const view = new DataView(bytes.buffer, bytes.byteOffset, layout.imageBytes);
  switch (layout.mode) {
    case 0:
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 1:
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, le);
      break;
    case 2:
      if (le && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, n));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, le);
      break;
    case 6:
      for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, le);
      break;
    case 12:
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, le));
      break;
    default:
      throw new Error(`unreachable mode ${layout.mode}`);
  }
  return out;
}
