import { apparentParameters, calibrate, csFromZernike, type Calibration } from '../analysis/ctf/calibration.js';
import { InputError } from '../errors.js';
import { jsonText, type JobResult } from './job.js';

export interface CalibrateJobInput {
  csNominalMm: number;
  angpixA: number;
  voltageKv?: number;
  csRefinedMm?: number;
  /** RELION's fourth-order even Zernike term Z₄⁰ (Å), instead of csRefinedMm. */
  zernikeZ40?: number;
  defocusA?: number;
  resolutionA?: number;
  /** Forward direction: the true pixel size, to see what a refinement at angpixA would find. */
  angpixTrueA?: number;
}

export interface ForwardCalibration {
  direction: 'forward';
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
  if (inp.angpixTrueA !== undefined) {
    const defocusTrueA = inp.defocusA ?? 10000;
    const f = apparentParameters(inp.angpixA, inp.angpixTrueA, defocusTrueA, inp.csNominalMm);
    result = {
      direction: 'forward',
      angpixNominalA: inp.angpixA,
      angpixTrueA: inp.angpixTrueA,
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
      angpixA: inp.angpixA,
      voltageKv,
      ...(inp.defocusA !== undefined ? { defocusA: inp.defocusA } : {}),
      ...(inp.resolutionA !== undefined ? { resolutionA: inp.resolutionA } : {}),
    });
    result = { ...c, direction: 'inverse', csRefinedMm, warnings: [] };
  }
  return { result, outputs: [{ name: 'calibrate.json', text: jsonText(result) }], warnings: [] };
}
