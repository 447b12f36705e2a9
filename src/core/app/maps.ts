import { checkHalves, resolveMask, type MaskChoice } from '../analysis/fsc/suite.js';
import { FormatError, InputError, type Warning } from '../errors.js';
import { describeRange, PIXEL_A } from '../io/fields.js';
import { readMrc } from '../io/mrc/read.js';
import { createVolume, type Volume } from '../model/volume.js';
import type { NamedBytes } from './job.js';

/**
 * The rules every map input follows, decided once for the CLI and the browser: a 3D map with finite
 * values, cubic voxels, the pixel size from the option or the headers (headers that disagree are an
 * error), half maps and mask on one grid.
 */
export interface LoadedMap {
  name: string;
  volume: Volume;
  warnings: Warning[];
}

/**
 * The largest |voxel value| a map may hold: no density, mask or local-resolution map comes near it, and
 * sums of squares over a 512³ box and its Fourier transform stay far inside float32's range (3.4e38).
 */
export const MAX_DENSITY = 1e10;

export function readMap(input: NamedBytes, role = 'map'): LoadedMap {
  const f = readMrc(input.bytes, { source: input.name });
  if (f.kind === 'image-stack' || f.kind === 'image') {
    throw new InputError(
      `${input.name}: is a 2D ${f.kind === 'image' ? 'image' : 'image stack'}, expected a 3D ${role}`,
    );
  }
  const d = f.volume.data;
  let bad = 0;
  let huge = 0;
  let top = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isFinite(v)) bad++;
    else if (Math.abs(v) > MAX_DENSITY) {
      huge++;
      top = Math.max(top, Math.abs(v));
    }
  }
  if (bad) {
    throw new FormatError(`${bad} voxels are NaN or infinite`, {
      source: input.name,
      expected: 'finite values',
      hint: 'The file is damaged or was written by a failed job; re-run the reconstruction',
    });
  }
  if (huge) {
    throw new FormatError(`${huge} voxels lie beyond any density scale`, {
      source: input.name,
      found: `values up to ${top.toPrecision(3)}`,
      expected: `|value| ≤ ${MAX_DENSITY.toExponential(0)}`,
      hint: 'The file is damaged or its data type is misread; re-run the reconstruction or check the MRC mode',
    });
  }
  return { name: input.name, volume: f.volume, warnings: f.warnings };
}

export interface PixelSize {
  pixelSizeA: number;
  from: 'option' | 'header';
  warnings: Warning[];
}

/** Pixel sizes the headers give (null where a header has none), after checking voxels are cubic. */
export function headerPixelSizes(maps: LoadedMap[]): (number | null)[] {
  return maps.map((m) => {
    const p = m.volume.pixelSizeA;
    if (p && (Math.abs(p[0] - p[1]) > 1e-4 * p[0] || Math.abs(p[0] - p[2]) > 1e-4 * p[0])) {
      throw new FormatError('voxels are not cubic', {
        source: m.name,
        found: `${p.join(' × ')} Å`,
        expected: 'the same size along x, y and z',
      });
    }
    return p ? p[0] : null;
  });
}

/**
 * The pixel size an analysis uses: the option overrides the headers (with a warning where they
 * differ); without it the headers must agree, and a missing one is an error (never a silent 1.0).
 */
export function resolvePixelSize(
  maps: LoadedMap[],
  angpixA: number | null | undefined,
  option = '--angpix',
): PixelSize {
  const warnings: Warning[] = [];
  const headers = headerPixelSizes(maps);
  if (angpixA !== undefined && angpixA !== null) {
    if (!(angpixA >= PIXEL_A.min && angpixA <= PIXEL_A.max))
      throw new InputError(`${option} takes a pixel size from ${PIXEL_A.min} to ${PIXEL_A.max} Å, got ${angpixA}`);
    headers.forEach((p, i) => {
      if (p && Math.abs(p - angpixA) > 1e-3 * angpixA) {
        warnings.push({
          code: 'angpix-override',
          message: `${maps[i]!.name}: header pixel size ${p} Å overridden by ${option} ${angpixA}`,
        });
      }
    });
    return { pixelSizeA: angpixA, from: 'option', warnings };
  }
  const known = headers.flatMap((p, i) => (p !== null ? [{ p, i }] : []));
  for (const { p, i } of known)
    if (!(p >= PIXEL_A.min && p <= PIXEL_A.max))
      throw new FormatError('pixel size out of range', {
        source: maps[i]!.name,
        found: `${p} Å`,
        expected: describeRange(PIXEL_A),
        hint: `The header is damaged: give the pixel size with ${option}`,
      });
  const first = known[0];
  if (!first)
    throw new InputError(
      `${maps.map((m) => m.name).join(', ')}: no pixel size in the headers; give it with ${option} A`,
    );
  for (const { p, i } of known) {
    if (Math.abs(p - first.p) > 1e-3 * first.p) {
      throw new FormatError('half maps have different pixel sizes', {
        source: maps[i]!.name,
        found: `${p} Å`,
        expected: `${first.p} Å as in ${maps[first.i]!.name}`,
        hint: `Give the right one with ${option} if a header is wrong`,
      });
    }
  }
  if (known.length < maps.length) {
    warnings.push({
      code: 'pixel-size-partial',
      message: `pixel size ${first.p} Å taken from ${maps[first.i]!.name}; another header has none`,
    });
  }
  return { pixelSizeA: first.p, from: 'header', warnings };
}

/** How the user asked to mask: a file, an automatic mask, a sphere, or none. */
export type MaskSpec =
  | { kind: 'none' }
  | { kind: 'user'; file: NamedBytes }
  | { kind: 'auto'; threshold?: number }
  | { kind: 'sphere'; radiusA: number; edgeA?: number };

export interface HalfMapInputs {
  half1: NamedBytes;
  half2: NamedBytes;
  mask?: MaskSpec;
  /** Pixel size in Å overriding the headers. */
  angpixA?: number | null;
}

export interface LoadedHalves {
  half1: LoadedMap;
  half2: LoadedMap;
  pixelSizeA: number;
  mask: MaskChoice;
  maskFile: LoadedMap | null;
  warnings: Warning[];
}

/**
 * Degenerate half maps refused before any analysis: a half with one value throughout (no variance: its
 * FSC is 0/0) and two identical halves (the same file twice: an FSC of 1 that means nothing).
 */
export function checkHalvesDiffer(half1: LoadedMap, half2: LoadedMap): void {
  for (const h of [half1, half2]) {
    const d = h.volume.data;
    const v0 = d[0]!;
    let i = 1;
    while (i < d.length && d[i] === v0) i++;
    if (i === d.length)
      throw new InputError(
        `${h.name}: every voxel is ${v0}, a map with no variance has no FSC; give a reconstructed half map`,
      );
  }
  const a = half1.volume.data;
  const b = half2.volume.data;
  let same = a.length === b.length;
  for (let i = 0; same && i < a.length; i++) same = a[i] === b[i];
  if (same)
    throw new InputError(
      `${half1.name} and ${half2.name} are identical voxel for voxel: the FSC of a map with itself is 1 at every ` +
        'resolution; give the two independently refined half maps',
    );
}

/** Reads both half maps (and a mask file), checks them together and settles the pixel size. */
export function loadHalfMaps(inp: HalfMapInputs): LoadedHalves {
  const half1 = readMap(inp.half1, 'half map');
  const half2 = readMap(inp.half2, 'half map');
  checkHalves(half1.volume, half2.volume, [half1.name, half2.name]);
  const spec = inp.mask ?? { kind: 'none' };
  const maskFile = spec.kind === 'user' ? readMap(spec.file, 'mask') : null;
  const px = resolvePixelSize([half1, half2], inp.angpixA);
  checkHalvesDiffer(half1, half2);
  const warnings = [...half1.warnings, ...half2.warnings, ...px.warnings, ...(maskFile?.warnings ?? [])];
  const mask = maskChoiceOf(spec, maskFile);
  if (mask.kind === 'sphere' && !(mask.radiusA > 0))
    throw new InputError(`the sphere radius must be positive, got ${mask.radiusA}`);
  return { half1, half2, pixelSizeA: px.pixelSizeA, mask, maskFile, warnings };
}

export function maskChoiceOf(spec: MaskSpec, file: LoadedMap | null): MaskChoice {
  switch (spec.kind) {
    case 'user':
      return { kind: 'user', mask: file!.volume, source: spec.file.name };
    case 'auto':
      return { kind: 'auto', ...(spec.threshold !== undefined ? { threshold: spec.threshold } : {}) };
    case 'sphere':
      return { kind: 'sphere', radiusA: spec.radiusA, edgeA: spec.edgeA ?? 10 };
    default:
      return { kind: 'none' };
  }
}

/** The mask array a choice stands for (checked against the half maps), for analyses that need it alone. */
export function maskArray(h: LoadedHalves): { mask: Float32Array | null; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const { mask } = resolveMask(h.half1.volume, h.half2.volume, { pixelSizeA: h.pixelSizeA, mask: h.mask }, warnings);
  return { mask, warnings };
}

/** A new map on the half maps' grid and origin (outputs). */
export function volumeLike(ref: Volume, pixelSizeA: number, data: Float32Array): Volume {
  const v = createVolume(ref.nx, ref.ny, ref.nz, [pixelSizeA, pixelSizeA, pixelSizeA], data);
  v.originA = ref.originA;
  return v;
}

/**
 * What a page or a form shows beside the pixel-size field before a run, by the same rule the run
 * applies: the header value when the headers agree, a problem when they disagree or say nothing.
 */
export function pixelSizeAdvice(
  headerSizesA: (number | null)[],
  typedA: number | null,
): { valueA: number | null; note: string } {
  const known = headerSizesA.filter((p): p is number => p !== null);
  const first = known[0];
  if (typedA !== null) {
    return {
      valueA: typedA,
      note: first !== undefined && Math.abs(typedA - first) > 1e-3 * first ? `Overrides the header's ${first} Å.` : '',
    };
  }
  if (first === undefined)
    return { valueA: null, note: headerSizesA.length ? 'No pixel size in the headers: type it in.' : '' };
  if (known.some((p) => Math.abs(p - first) > 1e-3 * first)) {
    return {
      valueA: null,
      note: `The headers disagree (${known.join(', ')} Å): the run stops unless you type the right one.`,
    };
  }
  return { valueA: first, note: '' };
}
