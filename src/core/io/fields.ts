/**
 * Physical ranges of numeric input fields: one check for every reader, so NaN, ±inf and values no
 * instrument or program writes are refused where they enter, with the field's name.
 */

/** A numeric field's physical range: finite, within [min, max] (ends included), in the field's unit. */
export interface FieldRange {
  min: number;
  max: number;
  /** The unit of min and max, for the message ("Å"). */
  unit?: string;
  hint?: string;
}

/** Index of the first value that is not finite or lies outside the range, or −1. */
export function firstOutside(values: ArrayLike<number>, range: FieldRange): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= range.min && v <= range.max)) return i;
  }
  return -1;
}

export function describeRange(range: FieldRange): string {
  if (range.min === -Number.MAX_VALUE && range.max === Number.MAX_VALUE) return 'a finite number';
  const u = range.unit ? ` ${range.unit}` : '';
  return `a finite number from ${range.min}${u} to ${range.max}${u}`;
}

/** Any finite number: for fields with no narrower physical range. */
export const FINITE: FieldRange = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };

/** Defocus in Å: |ΔF| up to 100 µm covers every single-particle and tomography setting. */
export const DEFOCUS_A: FieldRange = { min: -1e6, max: 1e6, unit: 'Å' };

/** Pixel size in Å: from 0.01 Å (no detector samples finer) to 1000 Å. */
export const PIXEL_A: FieldRange = { min: 0.01, max: 1000, unit: 'Å' };

/** A B-factor in Å² (map sharpening, per-frame, atomic): |B| up to 10⁴ Å². */
export const BFACTOR_A2: FieldRange = { min: -1e4, max: 1e4, unit: 'Å²' };

/** An atom's B-factor in Å²: from 0 to 1000 (the PDB format's F6.2 column holds at most 999.99). */
export const ATOMIC_B_A2: FieldRange = { min: 0, max: 1000, unit: 'Å²' };

/** An atom's occupancy: a fraction from 0 to 1. */
export const OCCUPANCY: FieldRange = { min: 0, max: 1 };
