import { computeFsc } from '../../analysis/fsc/suite.js';
import { localResolution, type LocresMethod } from '../../analysis/locres/locres.js';
import { readLocres, type LocresReading } from '../../analysis/locres/reading.js';
import { InputError } from '../../errors.js';
import { writeMrcParts } from '../../io/mrc/write.js';
import { writeStar } from '../../io/star/write.js';
import type { Compute } from '../../parallel/compute.js';
import type { ProgressContext } from '../../util/progress.js';
import { jsonText, uniqueWarnings, type JobResult } from '../job.js';
import { loadHalfMaps, volumeLike, type HalfMapInputs } from '../inputs/maps.js';
import { RLN } from '../../io/star/labels.js';

export interface LocresJobInput extends HalfMapInputs {
  method?: LocresMethod;
  /** Outer diameter of the soft window, Å; absent = the method's default. */
  windowA?: number;
  stepA?: number;
}

export interface LocresPointOut {
  /** Window centre in voxels (0-based) and in Å from the box centre. */
  xVoxel: number;
  yVoxel: number;
  zVoxel: number;
  xA: number;
  yA: number;
  zA: number;
  resolutionA: number;
  /** Old spellings of xVoxel, yVoxel, zVoxel (kept for scripts; see docs/conventions.md). */
  x: number;
  y: number;
  z: number;
}

export interface LocresJobResult extends LocresReading {
  windowA: number;
  stepA: number;
  method: LocresMethod;
  randomizeFromA: number | null;
  /** Old name of randomizeFromA. */
  randomizeAtA: number | null;
  points: LocresPointOut[];
}

/** `cryodx locres`: local resolution as relion_postprocess --locres, its reading and its maps. */
export function locresJob(
  inp: LocresJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): JobResult<LocresJobResult> {
  const method = inp.method ?? 'relion';
  if (method !== 'relion' && method !== 'blocres')
    throw new InputError(`the locres method is relion or blocres, got "${String(method)}"`);
  const h = loadHalfMaps(inp, compute);
  const n = h.half1.nx;
  const px = h.pixelSizeA;
  const boxA = n * px;
  if (inp.windowA !== undefined && !(inp.windowA >= 4 * px && inp.windowA <= boxA)) {
    throw new InputError(
      `--window-a ${inp.windowA} Å must lie between 4 pixels (${(4 * px).toFixed(1)} Å) and the box ` +
        `(${boxA.toFixed(1)} Å)`,
    );
  }
  if (inp.stepA !== undefined && !(inp.stepA >= px && inp.stepA <= boxA / 2)) {
    throw new InputError(
      `--step-a ${inp.stepA} Å must lie between one pixel (${px.toFixed(2)} Å) and half the box ` +
        `(${(boxA / 2).toFixed(1)} Å)`,
    );
  }
  const fsc = computeFsc(h.half1, h.half2, { pixelSizeA: px, mask: h.mask }, undefined, compute);
  const w = inp.windowA;
  const lr = localResolution(
    h.half1,
    h.half2,
    {
      pixelSizeA: px,
      method,
      ...(w !== undefined
        ? { windowRadiusA: w / 6, edgeA: w / 3, stepA: inp.stepA ?? w / 3 }
        : inp.stepA !== undefined
          ? { stepA: inp.stepA }
          : {}),
    },
    fsc.result.resolutionA,
    progress,
    compute,
  );
  const reading = readLocres(lr.locres, n, px, fsc.mask, fsc.result.resolutionA);
  const c = Math.floor(n / 2);
  const warnings = uniqueWarnings([
    ...h.warnings,
    ...fsc.result.warnings.filter((x) => x.code.startsWith('mask')),
    ...lr.warnings,
    ...reading.warnings,
  ]);
  const result: LocresJobResult = {
    ...reading,
    windowA: lr.windowA,
    stepA: lr.stepA,
    method: lr.method,
    randomizeFromA: lr.randomizeFromA,
    randomizeAtA: lr.randomizeFromA,
    points: lr.points.map((p) => ({
      xVoxel: p.x,
      yVoxel: p.y,
      zVoxel: p.z,
      xA: (p.x - c) * px,
      yA: (p.y - c) * px,
      zA: (p.z - c) * px,
      resolutionA: p.resolutionA,
      x: p.x,
      y: p.y,
      z: p.z,
    })),
    warnings,
  };
  const vol = (d: Float32Array): ReturnType<typeof volumeLike> => volumeLike(h.half1, px, d);
  const pts = lr.points;
  return {
    result,
    outputs: [
      {
        name: 'locres.mrc',
        parts: writeMrcParts(vol(lr.locres), {
          labels: [`cryodx locres (${lr.method}): local resolution in A, window ${lr.windowA.toFixed(1)} A`],
        }),
      },
      {
        name: 'locres_filtered.mrc',
        parts: writeMrcParts(vol(lr.filtered), { labels: ['cryodx locres: locally filtered average'] }),
      },
      {
        name: 'locres_points.star',
        text: writeStar([
          {
            name: 'locres',
            loop: {
              columns: [RLN.coordinateX, RLN.coordinateY, RLN.coordinateZ, RLN.localResolution],
              values: [pts.map((p) => p.x), pts.map((p) => p.y), pts.map((p) => p.z), pts.map((p) => p.resolutionA)],
            },
          },
        ]),
      },
      { name: 'locres.json', text: jsonText(result) },
    ],
    warnings,
  };
}
