import { inflateSync } from 'fflate';
import { FormatError } from '../errors.js';
import { crc32 } from './compression.js';

/**
 * A zip archive read by random access: the central directory first, then only the entries asked for. A project
 * zipped with its particle stacks can be larger than a tab may hold, so the archive is never read whole (fflate's
 * unzip would need it in memory); fflate inflates each entry. Zip64 (archives and entries over 4 GB) is read.
 * Symbolic links stored as links (`zip -y`, RELION's job aliases) are listed as such, never followed.
 */
export interface RandomAccess {
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface ZipEntry {
  /** '/'-separated, as stored. */
  path: string;
  kind: 'file' | 'directory' | 'symlink';
  size: number;
  compressedSize: number;
  method: number;
  crc: number;
  /** Where the entry's local header starts. */
  offset: number;
}

const EOCD = 0x06054b50,
  ZIP64_LOCATOR = 0x07064b50,
  ZIP64_EOCD = 0x06064b50,
  CENTRAL = 0x02014b50,
  LOCAL = 0x04034b50;

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Every entry of the archive, from its central directory. */
export async function zipEntries(src: RandomAccess, name: string): Promise<ZipEntry[]> {
  const fail = (problem: string, offset?: number): FormatError =>
    new FormatError(problem, { source: name, ...(offset !== undefined ? { offset } : {}), expected: 'a zip archive' });
  // The end record is the last 22 bytes plus a comment of up to 65535.
  const tailStart = Math.max(0, src.size - 22 - 0xffff);
  const tail = await src.read(tailStart, src.size);
  let at = tail.length - 22;
  while (at >= 0 && view(tail).getUint32(at, true) !== EOCD) at--;
  if (at < 0) throw fail('no end-of-central-directory record');
  const e = view(tail);
  let count = e.getUint16(at + 10, true);
  let cdSize = e.getUint32(at + 12, true);
  let cdOffset = e.getUint32(at + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = at - 20;
    if (loc < 0 || e.getUint32(loc, true) !== ZIP64_LOCATOR) throw fail('zip64 end record without its locator');
    const recAt = Number(e.getBigUint64(loc + 8, true));
    const rec = view(await src.read(recAt, recAt + 56));
    if (rec.getUint32(0, true) !== ZIP64_EOCD) throw fail('zip64 end record missing', recAt);
    count = Number(rec.getBigUint64(32, true));
    cdSize = Number(rec.getBigUint64(40, true));
    cdOffset = Number(rec.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > src.size) throw fail('central directory beyond the end of the file (truncated?)', cdOffset);
  const cd = await src.read(cdOffset, cdOffset + cdSize);
  return centralDirectory(cd, count, cdOffset, fail);
}

function centralDirectory(
  cd: Uint8Array,
  count: number,
  base: number,
  fail: (p: string, o?: number) => FormatError,
): ZipEntry[] {
  const d = view(cd);
  const utf8 = new TextDecoder('utf-8');
  const out: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || d.getUint32(p, true) !== CENTRAL) throw fail('damaged central directory', base + p);
    const madeBy = d.getUint16(p + 4, true);
    const flags = d.getUint16(p + 8, true);
    const method = d.getUint16(p + 10, true);
    const crc = d.getUint32(p + 16, true);
    let compressedSize = d.getUint32(p + 20, true);
    let size = d.getUint32(p + 24, true);
    const nameLen = d.getUint16(p + 28, true),
      extraLen = d.getUint16(p + 30, true),
      commentLen = d.getUint16(p + 32, true);
    const external = d.getUint32(p + 38, true);
    let offset = d.getUint32(p + 42, true);
    const path = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // Zip64: the sizes and offset that overflowed 32 bits are in extra field 0x0001, in this order.
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const x = view(extra);
    for (let q = 0; q + 4 <= extra.length;) {
      const id = x.getUint16(q, true),
        len = x.getUint16(q + 2, true);
      if (id === 1) {
        let r = q + 4;
        const next = (): number => {
          const v = Number(x.getBigUint64(r, true));
          r += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (offset === 0xffffffff) offset = next();
      }
      q += 4 + len;
    }
    if (flags & 1) throw fail(`${path}: encrypted entries cannot be read`, base + p);
    const unixMode = madeBy >> 8 === 3 ? external >>> 16 : 0;
    const kind = (unixMode & 0o170000) === 0o120000 ? 'symlink' : path.endsWith('/') ? 'directory' : 'file';
    out.push({ path, kind, size, compressedSize, method, crc, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** One entry's bytes, inflated and checked against its CRC-32. */
export async function readZipEntry(src: RandomAccess, e: ZipEntry, name: string): Promise<Uint8Array> {
  const where = `${name}: ${e.path}`;
  const head = view(await src.read(e.offset, e.offset + 30));
  if (head.byteLength < 30 || head.getUint32(0, true) !== LOCAL)
    throw new FormatError('no local header where the central directory points', { source: where, offset: e.offset });
  const start = e.offset + 30 + head.getUint16(26, true) + head.getUint16(28, true);
  const raw = await src.read(start, start + e.compressedSize);
  if (raw.length < e.compressedSize)
    throw new FormatError('entry cut short (truncated archive?)', { source: where, offset: start });
  let out: Uint8Array;
  if (e.method === 0) out = raw;
  else if (e.method === 8) out = inflateSync(raw, { out: new Uint8Array(e.size) });
  else
    throw new FormatError('unsupported compression method', {
      source: where,
      found: `method ${e.method}`,
      expected: 'stored (0) or deflate (8)',
    });
  if (out.length !== e.size || crc32(out) !== e.crc)
    throw new FormatError('damaged entry (length or CRC-32 does not match)', { source: where });
  return out;
}

/** A File or Blob as random access (the browser), reading only the byte ranges asked for. */
export function blobAccess(blob: Blob): RandomAccess {
  return { size: blob.size, read: async (s, e) => new Uint8Array(await blob.slice(s, e).arrayBuffer()) };
}
