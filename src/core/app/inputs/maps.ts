import { resolveMask, type MaskSpec as MaskSpecOf, type ResolvedMask } from '../../analysis/masks/choice.js';
import { InputError, type Warning } from '../../errors.js';
import { readMrc } from '../../io/mrc/read.js';
import { checkHalves, checkMap, type CheckedHalves } from '../../model/checked-map.js';
import { resolvePixelSize, samePixelSize, statedByMap } from '../../model/pixel-size.js';
import { createVolume, type Volume } from '../../model/volume.js';
import type { ValueScan } from '../../util/stats.js';
import type { Compute } from '../../parallel/compute.js';
import type { NamedBytes } from '../job.js';

export { MAX_DENSITY } from '../../model/checked-map.js';
export { AUTO_MASK, SPHERE_EDGE_A } from '../../analysis/masks/choice.js';

/**
 * The maps a command reads, taken in once for the CLI and the browser: read (the reader scans the values once and
 * reports), the pixel size decided for all of them together (model/pixel-size.ts), checked (model/checked-map.ts)
 * and the mask resolved. Analyses get the checked maps and never look at the values for validity again.
 */
export interface LoadedMap {
  name: string;
  volume: Volume;
  /** The reader's pass over the values. */
  scan: ValueScan;
  warnings: Warning[];
}

/** A map file read as a 3D map (a 2D image or stack is refused); checked once its pixel size is decided. */
export function readMap(input: NamedBytes, role = 'map'): LoadedMap {
  const f = readMrc(input.bytes, { source: input.name });
  if (f.kind === 'image-stack' || f.kind === 'image') {
    throw new InputError(
      `${input.name}: is a 2D ${f.kind === 'image' ? 'image' : 'image stack'}, expected a 3D ${role}`,
    );
  }
  return { name: input.name, volume: f.volume, scan: f.values, warnings: f.warnings };
}

/** How the user asked to mask, with the mask file as bytes (analysis/masks/choice.ts). */
export type MaskSpec = MaskSpecOf<NamedBytes>;

export interface HalfMapInputs {
  half1: NamedBytes;
  half2: NamedBytes;
  mask?: MaskSpec;
  /** The pixel size in Å the user gave (`--angpix`), overriding every map's header. */
  pixelSizeA?: number | null;
}

export interface LoadedHalves extends CheckedHalves {
  mask: ResolvedMask | null;
  /** The mask file's name, when the mask is a file. */
  maskName: string | null;
  warnings: Warning[];
}

/**
 * Both half maps and the mask file: one pixel size for all three (the option over every header alike), the values
 * checked from the reader's scan, the mask resolved on the half maps' grid.
 */
export function loadHalfMaps(inp: HalfMapInputs, compute?: Compute): LoadedHalves {
  const half1 = readMap(inp.half1, 'half map');
  const half2 = readMap(inp.half2, 'half map');
  const spec = inp.mask ?? { kind: 'none' };
  const maskFile = spec.kind === 'user' ? readMap(spec.file, 'mask') : null;
  const stated = [half1, half2].map((m) => statedByMap(m.name, 'half map', m.volume));
  if (maskFile) stated.push(statedByMap(maskFile.name, 'mask', maskFile.volume));
  const px = resolvePixelSize(stated, { valueA: inp.pixelSizeA, flag: '--angpix' });
  const halves = checkHalves([half1.name, half2.name], [half1.volume, half2.volume], px.pixelSizeA, [
    half1.scan,
    half2.scan,
  ]);
  const warnings = [...half1.warnings, ...half2.warnings, ...(maskFile?.warnings ?? []), ...px.warnings];
  if (spec.kind === 'sphere' && !(spec.radiusA > 0))
    throw new InputError(`the sphere radius must be positive, got ${spec.radiusA}`);
  const file = spec.kind === 'user' ? maskFile! : null;
  const mask = resolveMask(
    halves,
    file
      ? { kind: 'user', file: { name: file.name, volume: checkMap(file.name, file.volume, px.pixelSizeA, file.scan) } }
      : (spec as Exclude<MaskSpec, { kind: 'user' }>),
    warnings,
    compute,
  );
  return { ...halves, mask, maskName: maskFile?.name ?? null, warnings };
}

/** A new map on the half maps' grid and origin (outputs). */
export function volumeLike(ref: Volume, pixelSizeA: number, data: Float32Array): Volume {
  const v = createVolume(ref.nx, ref.ny, ref.nz, [pixelSizeA, pixelSizeA, pixelSizeA], data);
  v.originA = ref.originA;
  return v;
}

/**
 * What a page or a form shows beside the pixel-size field before a run, by the rule the run applies
 * (model/pixel-size.ts): the header value when the headers agree, a problem when they disagree or say nothing.
 */
export function pixelSizeAdvice(
  headerSizesA: (number | null)[],
  typedA: number | null,
): { valueA: number | null; note: string } {
  const stated = headerSizesA.map((p, i) => ({ source: `map ${i + 1}`, role: 'map', pixelSizeA: p }));
  const known = headerSizesA.filter((p): p is number => p !== null);
  const first = known[0];
  if (typedA !== null)
    return {
      valueA: typedA,
      note: first !== undefined && !samePixelSize(typedA, first) ? `Overrides the header's ${first} Å.` : '',
    };
  if (first === undefined)
    return { valueA: null, note: headerSizesA.length ? 'No pixel size in the headers: type it in.' : '' };
  try {
    return { valueA: resolvePixelSize(stated, { flag: 'the pixel size' }).pixelSizeA, note: '' };
  } catch {
    return {
      valueA: null,
      note: `The headers disagree (${known.join(', ')} Å): the run stops unless you type the right one.`,
    };
  }
}
