import type { Command } from 'commander';
import { apparentParameters, calibrate, csFromZernike } from '../../../core/ctf/calibration.js';
import { InputError } from '../../files.js';
import { fmt, printJson } from '../output.js';
import { positiveNumber } from '../options.js';

interface CalibrateFlags {
  csRefined?: number;
  zernikeZ40?: number;
  csNominal: number;
  angpix: number;
  angpixTrue?: number;
  voltageKv: number;
  defocusA?: number;
  resolutionA?: number;
  json?: boolean;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('the Cs / pixel-size coupling: the pixel size a refined Cs implies, the matching defocus, and whether the Cs difference matters at your resolution')
    .option('--cs-refined <mm>', 'Cs found by CTF refinement', positiveNumber('--cs-refined'))
    .option('--zernike-z40 <A>', "instead of --cs-refined: RELION's fourth-order even Zernike term Z40 (Å)", (v) => Number(v))
    .requiredOption('--cs-nominal <mm>', 'the microscope’s Cs (Krios: 2.7)', positiveNumber('--cs-nominal'))
    .requiredOption('--angpix <A>', 'the pixel size the data were processed at', positiveNumber('--angpix'))
    .option('--angpix-true <A>', 'forward direction: the true pixel size, to see what a refinement at --angpix would find', positiveNumber('--angpix-true'))
    .option('--voltage-kv <kV>', 'acceleration voltage', positiveNumber('--voltage-kv'), 300)
    .option('--defocus-a <A>', 'a defocus the refinement reported (rescaled to the implied pixel size)', positiveNumber('--defocus-a'))
    .option('--resolution-a <A>', 'the resolution to judge the phase error at', positiveNumber('--resolution-a'))
    .option('--json', 'print one JSON object to stdout')
    .addHelpText('after', '\nExamples:\n  cryodx calibrate --cs-refined 3.0 --cs-nominal 2.7 --angpix 0.83 --resolution-a 1.8\n  cryodx calibrate --cs-refined 3.39 --cs-nominal 2.7 --angpix 0.54 --defocus-a 5606\n  cryodx calibrate --cs-nominal 2.7 --angpix 0.54 --angpix-true 0.51 --defocus-a 5000')
    .action((opts: CalibrateFlags) => {
      if (opts.angpixTrue !== undefined) {
        const f = apparentParameters(opts.angpix, opts.angpixTrue, opts.defocusA ?? 10000, opts.csNominal);
        const out = { angpixNominalA: opts.angpix, angpixTrueA: opts.angpixTrue, defocusTrueA: opts.defocusA ?? 10000, defocusApparentA: f.defocusA, csNominalMm: opts.csNominal, csApparentMm: f.csMm };
        if (opts.json) return printJson(out);
        process.stdout.write(`At ${opts.angpix} Å instead of the true ${opts.angpixTrue} Å a CTF refinement finds defocus ${fmt(f.defocusA, 5)} Å for ${out.defocusTrueA} Å and Cs ${fmt(f.csMm, 3)} mm for ${opts.csNominal} mm.\n`);
        return;
      }
      if ((opts.csRefined === undefined) === (opts.zernikeZ40 === undefined)) throw new InputError('give the refined Cs (--cs-refined mm) or RELION’s Z40 term (--zernike-z40 Å), one of them');
      const csRefinedMm = opts.csRefined ?? csFromZernike(opts.csNominal, opts.zernikeZ40!, opts.voltageKv);
      const c = calibrate({ csRefinedMm, csNominalMm: opts.csNominal, angpixA: opts.angpix, voltageKv: opts.voltageKv, ...(opts.defocusA !== undefined ? { defocusA: opts.defocusA } : {}), ...(opts.resolutionA !== undefined ? { resolutionA: opts.resolutionA } : {}) });
      if (opts.json) return printJson({ ...c, csRefinedMm });
      process.stdout.write([
        `Implied pixel size ${c.pixelSizeImpliedA.toFixed(4)} Å (${c.pixelSizeErrorPercent > 0 ? '+' : ''}${c.pixelSizeErrorPercent.toFixed(2)} % error at ${opts.angpix} Å)`,
        ...(c.defocusCorrectedA !== null ? [`Defocus ${opts.defocusA} Å at the implied pixel size: ${c.defocusCorrectedA.toFixed(0)} Å`] : []),
        ...(c.phaseErrorDeg !== null ? [`Phase error up to ${opts.resolutionA} Å: ${c.phaseErrorDeg.toFixed(1)}° after defocus compensation (${c.phaseErrorUncompensatedDeg!.toFixed(1)}° uncompensated)`] : []),
        c.verdict,
      ].join('\n') + '\n');
    });
}
