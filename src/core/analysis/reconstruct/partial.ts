import { FormatError } from '../../errors.js';
import { InsertionGrid, type GridShape } from './grid.js';

/**
 * Partial sums: the inserted data and weights of some of the particles, one grid per target (half set),
 * before symmetry and gridding. Sums of partial sums equal the sums of all particles (to float rounding), so
 * shards on a cluster, and subsets of a ResLog, finish without reading any image again. The file is a text line
 * "cryodx-partial-sums 1 {json}\n" and then each grid's data and weights as little-endian float32.
 */
export interface PartialHeader {
  shape: GridShape;
  /** Particles in each grid. */
  particles: number[];
  /** What the sums came from, to refuse merging sums of different inputs. */
  source: string;
  subset: string;
  ctf: boolean;
  pixelSizeA: number;
  /** The particle range [start, end) of the STAR this shard inserted. */
  range: [number, number];
}

const MAGIC = 'cryodx-partial-sums 1 ';

export function encodePartials(header: Omit<PartialHeader, 'particles'>, grids: InsertionGrid[]): Uint8Array[] {
  const full: PartialHeader = { ...header, particles: grids.map((g) => g.particles) };
  let text = MAGIC + JSON.stringify(full) + '\n';
  // Pad the header so the float32 data start 4-byte aligned (read as views, not copies).
  while (new TextEncoder().encode(text).length % 4) text = text.replace(/\n$/, ' \n');
  const parts: Uint8Array[] = [new TextEncoder().encode(text)];
  for (const g of grids) parts.push(bytesOf(g.data), bytesOf(g.weight));
  return parts;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function decodePartials(bytes: Uint8Array, source: string): { header: PartialHeader; grids: InsertionGrid[] } {
  const nl = bytes.indexOf(10);
  const line = new TextDecoder().decode(bytes.subarray(0, nl < 0 ? Math.min(bytes.length, 4096) : nl));
  if (!line.startsWith(MAGIC))
    throw new FormatError('not a cryodx partial-sums file', { source, expected: `a first line "${MAGIC.trim()} …"` });
  let header: PartialHeader;
  try {
    header = JSON.parse(line.slice(MAGIC.length)) as PartialHeader;
  } catch {
    throw new FormatError('partial-sums header is not valid JSON', {
      source,
      hint: 'The file is damaged; run that shard again',
    });
  }
  let at = nl + 1;
  const grids = header.particles.map((count) => {
    const probe = new InsertionGrid(header.shape, new Float32Array(0), new Float32Array(0), true);
    const dataBytes = probe.voxels * 8,
      weightBytes = probe.voxels * 4;
    if (at + dataBytes + weightBytes > bytes.length)
      throw new FormatError('partial-sums file is truncated', { source, hint: 'Run that shard again' });
    const copy = (n: number): Float32Array => {
      const out = new Float32Array(n / 4);
      new Uint8Array(out.buffer).set(bytes.subarray(at, at + n));
      at += n;
      return out;
    };
    const data = copy(dataBytes);
    const weight = copy(weightBytes);
    const g = new InsertionGrid(header.shape, data, weight);
    g.particles = count;
    return g;
  });
  return { header, grids };
}

/** Sums partial sums of the same input; refuses sums of different shapes, inputs or half-set choices. */
export function sumPartials(
  parts: { header: PartialHeader; grids: InsertionGrid[] }[],
  names: string[],
): InsertionGrid[] {
  const first = parts[0]!;
  parts.forEach((p, i) => {
    const h = p.header;
    if (
      JSON.stringify(h.shape) !== JSON.stringify(first.header.shape) ||
      h.source !== first.header.source ||
      h.subset !== first.header.subset ||
      h.ctf !== first.header.ctf ||
      p.grids.length !== first.grids.length
    )
      throw new FormatError('partial sums of a different reconstruction', {
        source: names[i]!,
        found: `${h.source}, subset ${h.subset}, box ${h.shape.oriSize}`,
        expected:
          `${first.header.source}, subset ${first.header.subset}, ` +
          `box ${first.header.shape.oriSize} as ${names[0]}`,
      });
  });
  const sums = first.grids;
  for (const p of parts.slice(1)) p.grids.forEach((g, k) => sums[k]!.add(g));
  return sums;
}
