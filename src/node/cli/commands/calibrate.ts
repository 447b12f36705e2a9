import type { Command } from 'commander';
import { calibrateJob } from '../../../core/app/jobs/calibrate.js';
import { fmt, printJson } from '../output.js';
import { finiteNumber, positiveNumber } from '../options.js';

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
    .description(
      'the Cs / pixel-size coupling: the pixel size a refined Cs implies, the matching defocus, and whether the Cs ' +
        'difference matters at your resolution',
    )
    .option('--cs-refined <mm>', 'Cs found by CTF refinement', positiveNumber('--cs-refined'))
    .option(
      '--zernike-z40 <A>',
      "instead of --cs-refined: RELION's fourth-order even Zernike term Z40 (Å)",
      finiteNumber('--zernike-z40'),
    )
    .requiredOption('--cs-nominal <mm>', 'the microscope’s Cs (Krios: 2.7)', positiveNumber('--cs-nominal'))
    .requiredOption('--angpix <A>', 'the pixel size the data were processed at', positiveNumber('--angpix'))
    .option(
      '--angpix-true <A>',
      'forward direction: the true pixel size, to see what a refinement at --angpix would find',
      positiveNumber('--angpix-true'),
    )
    .option('--voltage-kv <kV>', 'acceleration voltage', positiveNumber('--voltage-kv'), 300)
    .option(
      '--defocus-a <A>',
      'a defocus the refinement reported (rescaled to the implied pixel size)',
      positiveNumber('--defocus-a'),
    )
    .option('--resolution-a <A>', 'the resolution to judge the phase error at', positiveNumber('--resolution-a'))
    .option('--json', 'print one JSON object to stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx calibrate --cs-refined 3.0 --cs-nominal 2.7 --angpix 0.83 --resolution-a 1.8\n  ' +
        'cryodx calibrate --cs-refined 3.39 --cs-nominal 2.7 --angpix 0.54 --defocus-a 5606\n  cryodx calibrate ' +
        '--cs-nominal 2.7 --angpix 0.54 --angpix-true 0.51 --defocus-a 5000',
    )
    .action((opts: CalibrateFlags) => {
      const job = calibrateJob({
        csNominalMm: opts.csNominal,
        pixelSizeA: opts.angpix,
        voltageKv: opts.voltageKv,
        ...(opts.csRefined !== undefined ? { csRefinedMm: opts.csRefined } : {}),
        ...(opts.zernikeZ40 !== undefined ? { zernikeZ40: opts.zernikeZ40 } : {}),
        ...(opts.defocusA !== undefined ? { defocusA: opts.defocusA } : {}),
        ...(opts.resolutionA !== undefined ? { resolutionA: opts.resolutionA } : {}),
        ...(opts.angpixTrue !== undefined ? { pixelSizeTrueA: opts.angpixTrue } : {}),
      });
      const c = job.result;
      if (opts.json) return printJson(c);
      if (c.direction === 'forward') {
        process.stdout.write(
          `At ${c.pixelSizeNominalA} Å instead of the true ${c.pixelSizeTrueA} Å a CTF refinement finds defocus ` +
            `${fmt(c.defocusApparentA, 5)} Å for ${c.defocusTrueA} Å and Cs ${fmt(c.csApparentMm, 3)} mm for ` +
            `${c.csNominalMm} mm.\n`,
        );
        return;
      }
      process.stdout.write(
        [
          `Implied pixel size ${c.pixelSizeImpliedA.toFixed(4)} Å ` +
            `(${c.pixelSizeErrorPercent > 0 ? '+' : ''}${c.pixelSizeErrorPercent.toFixed(2)} % error at ` +
            `${opts.angpix} Å)`,
          ...(c.defocusCorrectedA !== null
            ? [`Defocus ${opts.defocusA} Å at the implied pixel size: ${c.defocusCorrectedA.toFixed(0)} Å`]
            : []),
          ...(c.phaseErrorDeg !== null
            ? [
                `Phase error up to ${opts.resolutionA} Å: ${c.phaseErrorDeg.toFixed(1)}° after defocus ` +
                  `compensation (${c.phaseErrorUncompensatedDeg!.toFixed(1)}° uncompensated)`,
              ]
            : []),
          c.verdict,
        ].join('\n') + '\n',
      );
    });
}
