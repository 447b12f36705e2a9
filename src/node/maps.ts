import { FormatError, type Warning } from '../core/io/errors.js';
import { readMrc } from '../core/io/mrc/read.js';
import type { Volume } from '../core/model/volume.js';
import { InputError, readInput } from './files.js';

export interface LoadedMap {
  path: string;
  volume: Volume;
  warnings: Warning[];
}

export async function loadMap(path: string): Promise<LoadedMap> {
  const f = readMrc(await readInput(path), { source: path });
  if (f.kind === 'image-stack' || f.kind === 'image') throw new InputError(`${path}: is a 2D ${f.kind === 'image' ? 'image' : 'image stack'}, expected a 3D map`);
  return { path, volume: f.volume, warnings: f.warnings };
}

export interface PixelSize {
  pixelSizeA: number;
  from: 'command line' | 'header';
  warnings: Warning[];
}

/**
 * The pixel size the analysis uses: --angpix overrides the header; with neither it is an error
 * (never a silent 1.0); half maps whose headers disagree are an error unless --angpix settles it.
 */
export function resolvePixelSize(maps: LoadedMap[], angpix: number | undefined): PixelSize {
  const warnings: Warning[] = [];
  const headers = maps.map((m) => m.volume.pixelSizeA);
  for (const [i, p] of headers.entries()) {
    if (p && (Math.abs(p[0] - p[1]) > 1e-4 * p[0] || Math.abs(p[0] - p[2]) > 1e-4 * p[0])) {
      throw new FormatError('voxels are not cubic', { source: maps[i]!.path, found: `${p.join(' × ')} Å`, expected: 'the same size along x, y and z' });
    }
  }
  if (angpix !== undefined) {
    if (!(angpix > 0)) throw new InputError(`--angpix must be a positive number of Å, got ${angpix}`);
    headers.forEach((p, i) => {
      if (p && Math.abs(p[0] - angpix) > 1e-3 * angpix) warnings.push({ code: 'angpix-override', message: `${maps[i]!.path}: header pixel size ${p[0]} Å overridden by --angpix ${angpix}` });
    });
    return { pixelSizeA: angpix, from: 'command line', warnings };
  }
  const known = headers.map((p, i) => ({ p, i })).filter((x) => x.p !== null);
  if (known.length === 0) throw new InputError(`${maps.map((m) => m.path).join(', ')}: no pixel size in the headers; give it with --angpix A`);
  const first = known[0]!.p![0];
  for (const { p, i } of known) {
    if (Math.abs(p![0] - first) > 1e-3 * first) throw new FormatError('half maps have different pixel sizes', { source: maps[i]!.path, found: `${p![0]} Å`, expected: `${first} Å as in ${maps[known[0]!.i]!.path}`, hint: 'Give the right one with --angpix if a header is wrong' });
  }
  if (known.length < maps.length) warnings.push({ code: 'pixel-size-partial', message: `pixel size ${first} Å taken from ${maps[known[0]!.i]!.path}; the other header has none` });
  return { pixelSizeA: first, from: 'header', warnings };
}
