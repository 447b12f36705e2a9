import { FormatError, InputError, type Warning } from '../errors.js';
import type { Volume } from './volume.js';

/**
 * The one rule for the pixel size of everything a command reads (half maps, masks, micrographs, tilt series,
 * particle stacks and their optics tables): the option, when given, wins over every header, and each header
 * that disagrees is named once in one warning; without it the inputs that state a size must agree, and none
 * stating one is an error (never a silent 1.0). The chosen size then travels as `pixelSizeA`.
 */

/** Pixel size in Å: from 0.01 Å (no detector samples finer) to 1000 Å. */
export const PIXEL_A = { min: 0.01, max: 1000, unit: 'Å' } as const;

/**
 * Two pixel sizes closer than this (relative) are the same: headers hold float32 cells (7 digits) and programs
 * round to 3–4 decimals, while 0.1 % is already one shell in a thousand at Nyquist.
 */
export const PIXEL_SIZE_TOLERANCE = 1e-3;

export function samePixelSize(a: number, b: number): boolean {
  return Math.abs(a - b) <= PIXEL_SIZE_TOLERANCE * Math.max(a, b);
}

/** A pixel size as one input states it. */
export interface StatedPixelSize {
  /** The file, or the file and the place in it ('run_data.star, optics group 1'). */
  source: string;
  /** What the input is, for messages: 'half map', 'mask', 'micrograph', 'optics group' … */
  role: string;
  /** null when the input states none. */
  pixelSizeA: number | null;
}

/** The option that overrides the headers, and its name as the user typed it. */
export interface PixelSizeOption {
  valueA?: number | null | undefined;
  flag: string;
}

export interface ResolvedPixelSize {
  pixelSizeA: number;
  /** The option's name, or the input the size was taken from. */
  from: string;
  fromOption: boolean;
  warnings: Warning[];
}

export function resolvePixelSize(stated: StatedPixelSize[], option: PixelSizeOption): ResolvedPixelSize {
  const given = option.valueA;
  if (given !== undefined && given !== null) return fromOption(stated, given, option.flag);
  const known = stated.filter((s): s is StatedPixelSize & { pixelSizeA: number } => s.pixelSizeA !== null);
  for (const s of known)
    if (!(s.pixelSizeA >= PIXEL_A.min && s.pixelSizeA <= PIXEL_A.max))
      throw new FormatError('pixel size out of range', {
        source: s.source,
        found: `${s.pixelSizeA} Å`,
        expected: `a pixel size from ${PIXEL_A.min} to ${PIXEL_A.max} Å`,
        hint: `The header is damaged: give the pixel size with ${option.flag}`,
      });
  const first = known[0];
  if (!first) {
    const names = stated.map((s) => s.source).join(', ');
    throw new InputError(`${names}: no pixel size in the ${headers(stated)}; give it with ${option.flag} A`);
  }
  const odd = known.find((s) => !samePixelSize(s.pixelSizeA, first.pixelSizeA));
  if (odd)
    throw new FormatError(`${plural(first.role, odd.role)} have different pixel sizes`, {
      source: odd.source,
      found: `${odd.pixelSizeA} Å`,
      expected: `${first.pixelSizeA} Å as in ${first.source}`,
      hint: `Give the right one with ${option.flag} if a header is wrong`,
    });
  const warnings: Warning[] = [];
  const silent = stated.filter((s) => s.pixelSizeA === null);
  if (silent.length)
    warnings.push({
      code: 'pixel-size-partial',
      message:
        `pixel size ${first.pixelSizeA} Å taken from ${first.source}; ` +
        `${silent.map((s) => s.source).join(', ')} state${silent.length > 1 ? '' : 's'} none`,
    });
  return { pixelSizeA: first.pixelSizeA, from: first.source, fromOption: false, warnings };
}

function fromOption(stated: StatedPixelSize[], valueA: number, flag: string): ResolvedPixelSize {
  if (!(valueA >= PIXEL_A.min && valueA <= PIXEL_A.max))
    throw new InputError(`${flag} takes a pixel size from ${PIXEL_A.min} to ${PIXEL_A.max} Å, got ${valueA}`);
  const differ = stated.filter((s) => s.pixelSizeA !== null && !samePixelSize(s.pixelSizeA, valueA));
  const warnings: Warning[] = differ.length
    ? [
        {
          code: 'angpix-override',
          message:
            `${flag} ${valueA} Å overrides the pixel size stated by ` +
            differ.map((s) => `${s.source} (${s.pixelSizeA} Å)`).join(', '),
        },
      ]
    : [];
  return { pixelSizeA: valueA, from: flag, fromOption: true, warnings };
}

/** 'half maps', or 'mask and half maps' when the odd one out is of another kind. */
function plural(firstRole: string, oddRole: string): string {
  return firstRole === oddRole ? `${firstRole}s` : `${oddRole} and ${firstRole}s`;
}

function headers(stated: StatedPixelSize[]): string {
  return stated.length > 1 ? 'headers' : 'header';
}

/**
 * The pixel size a map's header states, after checking that its voxels are cubic (square for images and stacks,
 * `dims` 2, whose z spacing is the section's, not a pixel's).
 */
export function statedByMap(
  source: string,
  role: string,
  volume: Pick<Volume, 'pixelSizeA'>,
  dims: 2 | 3 = 3,
): StatedPixelSize {
  const p = volume.pixelSizeA;
  const off = (a: number, b: number): boolean => Math.abs(a - b) > 1e-4 * a;
  if (p && (off(p[0], p[1]) || (dims === 3 && off(p[0], p[2]))))
    throw new FormatError(dims === 3 ? 'voxels are not cubic' : 'pixels are not square', {
      source,
      found: `${(dims === 3 ? p : p.slice(0, 2)).join(' × ')} Å`,
      expected: dims === 3 ? 'the same size along x, y and z' : 'the same size along x and y',
    });
  return { source, role, pixelSizeA: p ? p[0] : null };
}

/** The chosen size written into the map, so that every later reader of the Volume sees the same one. */
export function applyPixelSize(volume: Volume, pixelSizeA: number): void {
  volume.pixelSizeA = [pixelSizeA, pixelSizeA, pixelSizeA];
}
