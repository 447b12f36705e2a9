import { FormatError, InputError } from '../errors.js';
import { scanValues, type ValueScan } from '../util/stats.js';
import type { Vec3, Volume } from './volume.js';

/**
 * Readers report, the app checks once, analyses trust the type. A CheckedMap's values are finite and within any
 * density scale, and its pixel size is the one the command decided (model/pixel-size.ts); CheckedHalves adds
 * one cubic grid for both halves. Only the functions below make them, from the reader's scan of the values, so
 * an analysis that takes them has nothing left to scan.
 */
declare const CHECKED: unique symbol;

export type CheckedMap = Volume & { readonly pixelSizeA: Vec3; readonly [CHECKED]: true };

export interface CheckedHalves {
  half1: CheckedMap;
  half2: CheckedMap;
  /** The files' names, for messages. */
  names: [string, string];
  pixelSizeA: number;
}

/**
 * The largest |voxel value| a map may hold: no density, mask or local-resolution map comes near it, and
 * sums of squares over a 512³ box and its Fourier transform stay far inside float32's range (3.4e38).
 */
export const MAX_DENSITY = 1e10;

/**
 * Checks one map's values from the reader's scan (scanned here only when the map was made in memory, with no
 * reader before it) and marks it checked with its pixel size.
 */
export function checkMap(source: string, volume: Volume, pixelSizeA: number, scan?: ValueScan | null): CheckedMap {
  checkValues(source, volume.data, scan ?? scanValues(volume.data));
  volume.pixelSizeA = [pixelSizeA, pixelSizeA, pixelSizeA];
  return volume as CheckedMap;
}

/** The values' part of the check, from a scan (a dropped file is judged by it before any pixel size is known). */
export function checkValues(source: string, data: Float32Array, s: ValueScan): void {
  if (s.nonFinite)
    throw new FormatError(`${s.nonFinite} voxels are NaN or infinite`, {
      source,
      found: `${s.nonFinite} of ${data.length} voxels (first at index ${s.firstNonFinite})`,
      expected: 'finite values',
      hint: 'The file is damaged or was written by a failed job; re-run the reconstruction',
    });
  const top = Math.max(Math.abs(s.min), Math.abs(s.max));
  if (top > MAX_DENSITY)
    throw new FormatError(`${countBeyond(data)} voxels lie beyond any density scale`, {
      source,
      found: `values up to ${top.toPrecision(3)}`,
      expected: `|value| ≤ ${MAX_DENSITY.toExponential(0)}`,
      hint: 'The file is damaged or its data type is misread; re-run the reconstruction or check the MRC mode',
    });
}

/** Only on the way to an error: how many voxels the message names. */
function countBeyond(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (Math.abs(data[i]!) > MAX_DENSITY) n++;
  return n;
}

/** A map made here from checked maps (an average, a sharpened map) is checked by construction. */
export function derivedMap(volume: Volume, pixelSizeA: number): CheckedMap {
  volume.pixelSizeA = [pixelSizeA, pixelSizeA, pixelSizeA];
  return volume as CheckedMap;
}

/**
 * Two half maps one FSC can be computed from: the same cubic box of at least 8 voxels, each with values that vary,
 * and not the same map twice. The scans are the reader's (see checkMap).
 */
export function checkHalves(
  names: [string, string],
  volumes: [Volume, Volume],
  pixelSizeA: number,
  scans: [ValueScan | null, ValueScan | null] = [null, null],
): CheckedHalves {
  const [a, b] = volumes;
  checkGrid(names, a, b);
  const s1 = scans[0] ?? scanValues(a.data),
    s2 = scans[1] ?? scanValues(b.data);
  const half1 = checkMap(names[0], a, pixelSizeA, s1);
  const half2 = checkMap(names[1], b, pixelSizeA, s2);
  for (const [name, s] of [
    [names[0], s1],
    [names[1], s2],
  ] as const)
    if (s.min === s.max)
      throw new InputError(
        `${name}: every voxel is ${s.min}, a map with no variance has no FSC; give a reconstructed half map`,
      );
  if (sameValues(a.data, b.data))
    throw new InputError(
      `${names[0]} and ${names[1]} are identical voxel for voxel: the FSC of a map with itself is 1 at every ` +
        'resolution; give the two independently refined half maps',
    );
  return { half1, half2, names, pixelSizeA };
}

/** The same box for both, cubic (as RELION requires) and large enough for shells. */
export function checkGrid(names: [string, string], a: Volume, b: Volume): void {
  if (a.nx !== b.nx || a.ny !== b.ny || a.nz !== b.nz)
    throw new FormatError('half maps have different shapes', {
      source: `${names[0]} and ${names[1]}`,
      found: `${a.nx}×${a.ny}×${a.nz} and ${b.nx}×${b.ny}×${b.nz}`,
      expected: 'the same box',
      hint: 'Use the two half maps of one refinement',
    });
  if (a.nx !== a.ny || a.nx !== a.nz)
    throw new FormatError('half maps are not cubic', {
      source: names[0],
      found: `${a.nx}×${a.ny}×${a.nz}`,
      expected: 'a cubic box (as RELION requires)',
      hint: 'Pad or crop the maps to a cube',
    });
  if (a.nx < 8)
    throw new FormatError('box is too small for an FSC', {
      source: names[0],
      found: `${a.nx}`,
      expected: 'at least 8 voxels',
    });
}

/** Two independent half maps differ in their first few voxels: this stops there, not a scan. */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
