import type { Command } from 'commander';
import { join } from 'node:path';
import { ctfJob, micrographFitOptions, type MicrographFit } from '../../../core/app/ctf.js';
import { InputError } from '../../files.js';
import { writeOutputs } from '../../job-io.js';
import { fitMicrographs } from '../../parallel/ctf-pool.js';
import { VERSION } from '../version.js';
import { fmt, printJson, warn } from '../output.js';
import { addCtfOptions, ctfOptionsOf, positiveNumber, type CtfFlags } from '../options.js';

interface CtfCommandFlags extends CtfFlags {
  angpix?: number;
  phaseShift?: boolean;
  thickness?: boolean;
  json?: boolean;
  out: string;
}

export function registerCtf(program: Command): void {
  const cmd = program
    .command('ctf')
    .description(
      "fit each micrograph's CTF (defocus U/V, astigmatism azimuth, phase shift, fit resolution, CTFFIND5-style " +
        'thickness); several micrographs run on worker threads',
    )
    .argument('<micrographs...>', 'motion-corrected micrographs (MRC); a movie stack is summed')
    .option('--angpix <A>', 'pixel size in Å (default: the MRC header)', positiveNumber('--angpix'));
  addCtfOptions(cmd, { defocusRangeA: '5000:50000', fitRangeA: '30:5' })
    .option('--phase-shift', 'also fit a phase shift (phase plate)')
    .option('--thickness', 'also estimate the sample thickness (CTFFIND5)')
    .option('--json', 'print the results as a JSON array to stdout')
    .option(
      '--out <dir>',
      'output folder: per micrograph NAME.txt (CTFFIND), NAME_avrot.txt, NAME_diag.mrc/.png, NAME_fit.svg; ' +
        'micrographs_ctf.star, ctf.json',
      'ctf',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx ctf MotionCorr/job002/Movies/*.mrc --angpix 0.83 --out CtfFind\n  cryodx ctf mic.mrc ' +
        '--angpix 1.06 --voltage-kv 200 --thickness --json\n  cryodx ctf vpp_mic.mrc --angpix 1.1 --phase-shift ' +
        '--defocus-range-a 3000:15000',
    )
    .action(async (paths: string[], opts: CtfCommandFlags) => {
      const options = micrographFitOptions({
        ...ctfOptionsOf(opts),
        ...(opts.angpix !== undefined ? { angpixA: opts.angpix } : {}),
        findPhaseShift: !!opts.phaseShift,
        findThickness: !!opts.thickness,
      });
      const quiet = opts.json || !process.stderr.isTTY;
      let fits: MicrographFit[];
      try {
        fits = await fitMicrographs(paths, options, (n) => {
          if (!quiet) process.stderr.write(`\rfitted ${n}/${paths.length}`);
        });
      } catch (e) {
        throw e instanceof RangeError ? new InputError(e.message) : e;
      }
      if (!quiet) process.stderr.write('\n');
      const job = await ctfJob(fits, options, VERSION);
      await writeOutputs(opts.out, job.outputs, paths);
      if (opts.json) return printJson(job.result);
      for (const r of job.result) {
        process.stdout.write(
          `${r.micrograph}: defocus ${fmt(r.defocusUA, 6)} / ${fmt(r.defocusVA, 6)} Å ` +
            `at ${r.astigmatismAngleDeg.toFixed(1)}°` +
            (opts.phaseShift ? `, phase shift ${r.phaseShiftRad.toFixed(3)} rad` : '') +
            `, fit to ${r.fitResolutionA.toFixed(2)} Å (CC ${r.crossCorrelation.toFixed(3)})` +
            (r.thicknessA !== null ? `, thickness ${(r.thicknessA / 10).toFixed(0)} nm` : '') +
            '\n',
        );
      }
      process.stdout.write(
        `Wrote ${join(opts.out, 'micrographs_ctf.star')}, ctf.json and per-micrograph CTFFIND text, diagnostic ` +
          `images and fit plots in ${opts.out}/\n`,
      );
      job.warnings.forEach((w) => warn(w.message));
    });
}
