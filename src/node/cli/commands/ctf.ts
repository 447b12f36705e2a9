import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CTF_FIT_DEFAULTS } from '../../../core/ctf/fit.js';
import { ctfToStar } from '../../../core/io/ctf-star.js';
import { formatCtffind } from '../../../core/io/ctffind.js';
import { writeMrc } from '../../../core/io/mrc/write.js';
import { writeStar } from '../../../core/io/star/write.js';
import { createVolume } from '../../../core/model/volume.js';
import { ctfFitChartSpec } from '../../../core/report/figures/charts.js';
import { imagePng } from '../../../core/report/png.js';
import { outputStems, type MicrographFit, type MicrographFitOptions } from '../../ctf-run.js';
import { InputError, writeOutputAtomic } from '../../files.js';
import { fitMicrographs } from '../../parallel/ctf-pool.js';
import { renderSvg } from '../../render.js';
import { VERSION } from '../version.js';
import { fmt, printJson, warn } from '../output.js';
import { checkAmplitudeContrast, parseRange, positiveNumber } from '../options.js';

interface CtfFlags {
  angpix?: number;
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  defocusRangeA: string;
  fitRangeA: string;
  box: number;
  phaseShift?: boolean;
  thickness?: boolean;
  json?: boolean;
  out: string;
}


export function registerCtf(program: Command): void {
  program
    .command('ctf')
    .description("fit each micrograph's CTF (defocus U/V, astigmatism azimuth, phase shift, fit resolution, CTFFIND5-style thickness); several micrographs run on worker threads")
    .argument('<micrographs...>', 'motion-corrected micrographs (MRC); a movie stack is summed')
    .option('--angpix <A>', 'pixel size in Å (default: the MRC header)', positiveNumber('--angpix'))
    .option('--voltage-kv <kV>', 'acceleration voltage', positiveNumber('--voltage-kv'), CTF_FIT_DEFAULTS.voltageKv)
    .option('--cs-mm <mm>', 'spherical aberration', positiveNumber('--cs-mm'), CTF_FIT_DEFAULTS.csMm)
    .option('--amplitude-contrast <w>', 'amplitude contrast fraction', (v) => Number(v), CTF_FIT_DEFAULTS.amplitudeContrast)
    .option('--defocus-range-a <min:max>', 'defocus search range in Å', `${CTF_FIT_DEFAULTS.defocusMinA}:${CTF_FIT_DEFAULTS.defocusMaxA}`)
    .option('--fit-range-a <low:high>', 'resolution range of the fit in Å (CTFFIND: 30:5)', `${CTF_FIT_DEFAULTS.fitLowResolutionA}:${CTF_FIT_DEFAULTS.fitHighResolutionA}`)
    .option('--box <px>', 'tile size of the averaged spectrum', positiveNumber('--box'), 512)
    .option('--phase-shift', 'also fit a phase shift (phase plate)')
    .option('--thickness', 'also estimate the sample thickness (CTFFIND5)')
    .option('--json', 'print the results as a JSON array to stdout')
    .option('--out <dir>', 'output folder: per micrograph NAME.txt (CTFFIND), NAME_avrot.txt, NAME_diag.mrc/.png, NAME_fit.svg; micrographs_ctf.star, ctf.json', 'ctf')
    .addHelpText('after', '\nExamples:\n  cryodx ctf MotionCorr/job002/Movies/*.mrc --angpix 0.83 --out CtfFind\n  cryodx ctf mic.mrc --angpix 1.06 --voltage-kv 200 --thickness --json\n  cryodx ctf vpp_mic.mrc --angpix 1.1 --phase-shift --defocus-range-a 3000:15000')
    .action(async (paths: string[], opts: CtfFlags) => {
      const [dMin, dMax] = parseRange(opts.defocusRangeA, '--defocus-range-a');
      const [low, high] = parseRange(opts.fitRangeA, '--fit-range-a');
      checkAmplitudeContrast(opts.amplitudeContrast);
      if (dMax <= dMin) throw new InputError(`--defocus-range-a must go from low to high defocus, got ${opts.defocusRangeA}`);
      if (high >= low) throw new InputError(`--fit-range-a goes from low to high resolution (e.g. 30:5), got ${opts.fitRangeA}`);
      const options: MicrographFitOptions = {
        ...(opts.angpix !== undefined ? { angpix: opts.angpix } : {}),
        voltageKv: opts.voltageKv, csMm: opts.csMm, amplitudeContrast: opts.amplitudeContrast,
        defocusMinA: dMin, defocusMaxA: dMax, fitLowResolutionA: low, fitHighResolutionA: high, boxPx: opts.box,
        findPhaseShift: !!opts.phaseShift, findThickness: !!opts.thickness,
      };
      const quiet = opts.json || !process.stderr.isTTY;
      let fits: MicrographFit[];
      try {
        fits = await fitMicrographs(paths, options, (n) => { if (!quiet) process.stderr.write(`\rfitted ${n}/${paths.length}`); });
      } catch (e) {
        throw e instanceof RangeError ? new InputError(e.message) : e;
      }
      if (!quiet) process.stderr.write('\n');
      await writeOutputs(paths, fits, opts, options);
      const rows = fits.map((f) => ({ ...f.estimate, pixelSizeA: f.pixelSizeA, warnings: f.warnings.map((w) => w.message) }));
      const json = rows.map(({ micrograph, defocusUA, defocusVA, astigmatismAngleDeg, phaseShiftRad, crossCorrelation, fitResolutionA, thicknessA, pixelSizeA, warnings }) => ({ micrograph, defocusUA, defocusVA, astigmatismAngleDeg, phaseShiftRad, crossCorrelation, fitResolutionA, thicknessA, pixelSizeA, warnings }));
      if (opts.json) return printJson(json);
      for (const r of json) {
        process.stdout.write(`${r.micrograph}: defocus ${fmt(r.defocusUA, 6)} / ${fmt(r.defocusVA, 6)} Å at ${r.astigmatismAngleDeg.toFixed(1)}°${opts.phaseShift ? `, phase shift ${r.phaseShiftRad.toFixed(3)} rad` : ''}, fit to ${r.fitResolutionA.toFixed(2)} Å (CC ${r.crossCorrelation.toFixed(3)})${r.thicknessA !== null ? `, thickness ${(r.thicknessA / 10).toFixed(0)} nm` : ''}\n`);
      }
      process.stdout.write(`Wrote ${join(opts.out, 'micrographs_ctf.star')}, ctf.json and per-micrograph CTFFIND text, diagnostic images and fit plots in ${opts.out}/\n`);
      fits.flatMap((f) => f.warnings).forEach((w) => warn(w.message));
    });
}

async function writeOutputs(paths: string[], fits: MicrographFit[], opts: CtfFlags, o: MicrographFitOptions): Promise<void> {
  const dir = opts.out;
  await mkdir(dir, { recursive: true });
  const stems = outputStems(paths);
  for (const [i, f] of fits.entries()) {
    const stem = join(dir, stems[i]!);
    const header = { inputFile: paths[i]!, pixelSizeA: f.pixelSizeA, voltageKv: opts.voltageKv, csMm: opts.csMm, amplitudeContrast: opts.amplitudeContrast, boxPx: f.fit.box, fitLowResolutionA: o.fitLowResolutionA!, fitHighResolutionA: o.fitHighResolutionA!, defocusMinA: o.defocusMinA!, defocusMaxA: o.defocusMaxA! };
    await writeOutputAtomic(`${stem}.txt`, formatCtffind(header, [f.estimate], `cryodx ${VERSION}`), paths);
    const p = f.fit.profile;
    const avrot = [p.spatialFrequencyInvA, p.data, p.data, p.fit, p.correlation, p.threshold].map((row) => row.map((v) => v.toFixed(6)).join(' ')).join('\n');
    await writeOutputAtomic(`${stem}_avrot.txt`, `# cryodx ${VERSION}: CTFFIND-style rows: spatial frequency (1/Å); equi-phase average; equi-phase average; fitted CTF; fit correlation; threshold\n${avrot}\n`, paths);
    const n = f.fit.box;
    await writeOutputAtomic(`${stem}_diag.mrc`, writeMrc(createVolume(n, n, 1, [1 / (n * f.pixelSizeA), 1 / (n * f.pixelSizeA), 1], f.fit.diagnostic), { labels: ['cryodx ctf: left half data, right half fit'] }), paths);
    await writeOutputAtomic(`${stem}_diag.png`, imagePng(f.fit.diagnostic, n, n), paths);
    await writeOutputAtomic(`${stem}_fit.svg`, await renderSvg(ctfFitChartSpec(p, f.fit.fitResolutionA, `${stems[i]}: CTF fit`)), paths);
  }
  const first = fits[0]!;
  await writeOutputAtomic(join(dir, 'micrographs_ctf.star'), writeStar(ctfToStar(fits.map((f) => f.estimate), { pixelSizeA: first.pixelSizeA, voltageKv: opts.voltageKv, csMm: opts.csMm, amplitudeContrast: opts.amplitudeContrast })), paths);
  await writeOutputAtomic(join(dir, 'ctf.json'), JSON.stringify(fits.map((f) => ({ ...f.estimate, pixelSizeA: f.pixelSizeA, warnings: f.warnings.map((w) => w.message) })), null, 1), paths);
}
