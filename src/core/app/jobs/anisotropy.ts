import { anisotropy, type AnisotropyResult } from '../../analysis/anisotropy/anisotropy.js';
import { InputError } from '../../errors.js';
import { writeMrcParts } from '../../io/mrc/write.js';
import { writeStar } from '../../io/star/write.js';
import { createVolume } from '../../model/volume.js';
import type { Compute } from '../../parallel/compute.js';
import type { ProgressContext } from '../../util/progress.js';
import { jsonText, uniqueWarnings, type JobResult } from '../job.js';
import { loadHalfMaps, type HalfMapInputs } from '../inputs/maps.js';
import { RLN } from '../../io/star/labels.js';

export interface AnisotropyJobInput extends HalfMapInputs {
  coneAngleDeg?: number;
  directions?: number;
}

/** A cone axis: x, y, z are the components of a unit vector (no unit), as in 3DFSC. */
export type AnisotropyJobResult = Omit<AnisotropyResult, 'conicalFsc' | 'shells' | 'directions'> & {
  directions: { x: number; y: number; z: number; resolutionA: number | null }[];
};

/** `cryodx anisotropy`: conical FSCs, sphericity, cFAR and the 3D FSC volume, with the FSC suite's mask. */
export function anisotropyJob(
  inp: AnisotropyJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): JobResult<AnisotropyJobResult> {
  const cone = inp.coneAngleDeg ?? 20;
  const count = inp.directions ?? 500;
  if (!(cone > 0 && cone <= 90)) throw new InputError(`--cone-angle takes a half-angle from 0 to 90°, got ${cone}`);
  if (!(Number.isInteger(count) && count >= 10 && count <= 20000))
    throw new InputError(`--directions takes a number from 10 to 20000, got ${count}`);
  const h = loadHalfMaps(inp, compute);
  const out = anisotropy(
    h.half1,
    h.half2,
    { pixelSizeA: h.pixelSizeA, coneAngleDeg: cone, directions: count, mask: h.mask?.data ?? null },
    progress,
    compute,
  );
  const r = out.result;
  const warnings = uniqueWarnings([...h.warnings, ...r.warnings]);
  const result: AnisotropyJobResult = {
    sphericity: r.sphericity,
    sphericityNoiseFloor: r.sphericityNoiseFloor,
    cfar: r.cfar,
    directionalResolutionA: r.directionalResolutionA,
    bestDirection: r.bestDirection,
    worstDirection: r.worstDirection,
    globalResolutionA: r.globalResolutionA,
    coneAngleDeg: r.coneAngleDeg,
    directions: r.directions.map((d) => ({ x: d.x, y: d.y, z: d.z, resolutionA: d.resolutionA })),
    warnings,
  };
  const v = h.half1;
  const k = 1 / (v.nx * h.pixelSizeA);
  const d = r.directions;
  return {
    result,
    outputs: [
      {
        name: '3dfsc.mrc',
        parts: writeMrcParts(createVolume(v.nx, v.ny, v.nz, [k, k, k], out.fsc3d), {
          labels: ['cryodx 3D FSC: voxel = conical FSC of its nearest axis; voxel size in 1/A'],
        }),
      },
      {
        name: 'directions.star',
        text: writeStar([
          {
            name: 'directions',
            loop: {
              columns: ['cryodxAxisX', 'cryodxAxisY', 'cryodxAxisZ', RLN.angstromResolution],
              values: [d.map((x) => x.x), d.map((x) => x.y), d.map((x) => x.z), d.map((x) => x.resolutionA ?? 999)],
            },
          },
        ]),
      },
      { name: 'anisotropy.json', text: jsonText(result) },
    ],
    warnings,
  };
}
