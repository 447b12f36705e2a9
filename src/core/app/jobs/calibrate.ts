import { apparentParameters, calibrate, csFromZernike, type Calibration } from '../../analysis/ctf/calibration.js';
import { InputError } from '../../errors.js';
import { jsonText, type JobResult } from '../job.js';

export interface CalibrateJobInput {
  csNominalMm: number;
  pixelSizeA: number;
  voltageKv?: number;
  csRefinedMm?: number;
  /** RELION's fourth-order even Zernike term Z₄⁰ (Å), instead of csRefinedMm. */
  zernikeZ40?: number;
  defocusA?: number;
  resolutionA?: number;
  /** Forward direction: the true pixel size, to see what a refinement at pixelSizeA would find. */
  pixelSizeTrueA?: number;
}

export interface ForwardCalibration {
  direction: 'forward';
  pixelSizeNominalA: number;
  pixelSizeTrueA: number;
  /** Old names of pixelSizeNominalA and pixelSizeTrueA (kept for scripts; docs/conventions.md). */
  angpixNominalA: number;
  angpixTrueA: number;
  defocusTrueA: number;
  defocusApparentA: number;
  csNominalMm: number;
  csApparentMm: number;
  warnings: [];
}

export type CalibrateJobResult =
  ForwardCalibration | (Calibration & { direction: 'inverse'; csRefinedMm: number; warnings: [] });

/** `cryodx calibrate`: the Cs / pixel-size coupling, either way. */
export function calibrateJob(inp: CalibrateJobInput): JobResult<CalibrateJobResult> {
  const voltageKv = inp.voltageKv ?? 300;
  let result: CalibrateJobResult;
  if (inp.pixelSizeTrueA !== undefined) {
    const defocusTrueA = inp.defocusA ?? 10000;
    const f = apparentParameters(inp.pixelSizeA, inp.pixelSizeTrueA, defocusTrueA, inp.csNominalMm);
    result = {
      direction: 'forward',
      pixelSizeNominalA: inp.pixelSizeA,
      pixelSizeTrueA: inp.pixelSizeTrueA,
      angpixNominalA: inp.pixelSizeA,
      angpixTrueA: inp.pixelSizeTrueA,
      defocusTrueA,
      defocusApparentA: f.defocusA,
      csNominalMm: inp.csNominalMm,
      csApparentMm: f.csMm,
      warnings: [],
    };
  } else {
    if ((inp.csRefinedMm === undefined) === (inp.zernikeZ40 === undefined)) {
      throw new InputError('give the refined Cs (--cs-refined mm) or RELION’s Z40 term (--zernike-z40 Å), one of them');
    }
    const csRefinedMm = inp.csRefinedMm ?? csFromZernike(inp.csNominalMm, inp.zernikeZ40!, voltageKv);
    if (!(csRefinedMm > 0))
      throw new InputError(
        `--zernike-z40 ${inp.zernikeZ40} Å implies a Cs of ${csRefinedMm.toFixed(3)} mm, which is not physical`,
      );
    const c = calibrate({
      csRefinedMm,
      csNominalMm: inp.csNominalMm,
      pixelSizeA: inp.pixelSizeA,
      voltageKv,
      ...(inp.defocusA !== undefined ? { defocusA: inp.defocusA } : {}),
      ...(inp.resolutionA !== undefined ? { resolutionA: inp.resolutionA } : {}),
    });
    result = { ...c, direction: 'inverse', csRefinedMm, warnings: [] };
  }
  return { result, outputs: [{ name: 'calibrate.json', text: jsonText(result) }], warnings: [] };
}
