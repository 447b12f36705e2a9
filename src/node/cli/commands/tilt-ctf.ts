import type { Command } from 'commander';
import { join } from 'node:path';
import { prepareTiltSeries, tiltCtfJob, type TiltCtfJobResult } from '../../../core/app/jobs/tilt-ctf.js';
import { InputError } from '../../files.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { fitTilts } from '../../parallel/tilt-pool.js';
import { VERSION } from '../version.js';
import { printJson, warn } from '../output.js';
import { addCtfOptions, ctfOptionsOf, finiteNumber, inputPaths, positiveNumber, type CtfFlags } from '../options.js';
import { RLN } from '../../../core/io/star/labels.js';
import { threadCompute } from '../../compute.js';

interface TiltCtfFlags extends CtfFlags {
  tlt?: string;
  mdoc?: string;
  tomoStar?: string;
  xf?: string;
  tiltAxisDeg?: number;
  angpix: number;
  dosePerTilt?: number;
  method: string;
  handedness: string;
  particles?: string;
  fitAxis?: boolean;
  json?: boolean;
  out: string;
}

export function registerTiltCtf(program: Command): void {
  const cmd = program
    .command('tilt-ctf')
    .description(
      'per-tilt CTF of a tilt series from the whole tilted image (or tiles near the axis), series consistency, ' +
        'per-particle defocus, exposure weights from the data',
    )
    .argument('<tiltseries>', 'tilt-series stack (.mrc / .st), one tilt per section')
    .option('--tlt <file>', 'IMOD .tlt / .rawtlt tilt angles')
    .option('--mdoc <file>', 'SerialEM .mdoc (tilt angles, dose, order, tilt axis, pixel size)')
    .option('--tomo-star <file>', 'RELION 5 tilt-series STAR (tilt angles, axis, pre-exposure)')
    .option('--xf <file>', 'IMOD .xf: the tilt-axis angle from its rotation when no other source gives it')
    .option(
      '--tilt-axis-deg <deg>',
      'tilt-axis angle, counterclockwise from the image Y axis (IMOD / SerialEM)',
      finiteNumber('--tilt-axis-deg'),
    )
    .requiredOption('--angpix <A>', 'pixel size of the stack in Å', positiveNumber('--angpix'));
  addCtfOptions(cmd, { defocusRangeA: '5000:80000', fitRangeA: '30:8' })
    .option(
      '--dose-per-tilt <e>',
      'exposure per tilt image, e/Å² (default: from the mdoc / STAR)',
      positiveNumber('--dose-per-tilt'),
    )
    .option(
      '--method <whole-image|axis-strip>',
      'the reported estimate (both are computed and compared)',
      'whole-image',
    )
    .option(
      '--handedness <1|-1>',
      'sign of the defocus gradient: +1 means height towards the source adds underfocus',
      '1',
    )
    .option(
      '--particles <file>',
      `particles in the tomogram frame: RELION 5 STAR (${RLN.centeredCoordinateXAngst}, Y, Z) or CSV x, y, z in Å`,
    )
    .option('--fit-axis', 'also search the tilt-axis angle and a tilt offset on the most tilted image (~30 s more)')
    .option('--json', 'print one JSON object to stdout')
    .option(
      '--out <dir>',
      'output folder: tilt_ctf.json, tilt_series_ctf.star, tilt_ctf.txt (CTFFIND 5 rows), ' +
        'particle_tilt_defocus.star, figures',
      'tilt_ctf',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx tilt-ctf TS_01.mrc --mdoc TS_01.mrc.mdoc --angpix 1.35 --out TS_01_ctf\n  cryodx ' +
        'tilt-ctf TS_01.st --tlt TS_01.tlt --tilt-axis-deg 85.3 --dose-per-tilt 3 --angpix 2.7 --particles ' +
        'picks.star --json',
    )
    .action(async (stackPath: string, opts: TiltCtfFlags) => run(stackPath, opts));
}

async function run(stackPath: string, opts: TiltCtfFlags): Promise<void> {
  if (opts.handedness !== '1' && opts.handedness !== '-1')
    throw new InputError(`--handedness takes 1 or -1, got "${opts.handedness}"`);
  const optional = async (p: string | undefined) => readNamedOptional(p);
  const [tlt, mdoc, tomoStar, xf, particles] = await Promise.all(
    [opts.tlt, opts.mdoc, opts.tomoStar, opts.xf, opts.particles].map(optional),
  );
  const prepared = prepareTiltSeries(
    {
      stack: await readNamed(stackPath),
      ...(tlt ? { tlt } : {}),
      ...(mdoc ? { mdoc } : {}),
      ...(tomoStar ? { tomoStar } : {}),
      ...(xf ? { xf } : {}),
      ...(particles ? { particles } : {}),
      ...(opts.tiltAxisDeg !== undefined ? { tiltAxisDeg: opts.tiltAxisDeg } : {}),
      pixelSizeA: opts.angpix,
      ...(opts.dosePerTilt !== undefined ? { dosePerTiltEPerA2: opts.dosePerTilt } : {}),
      method: opts.method,
      handedness: Number(opts.handedness),
      ctf: ctfOptionsOf(opts),
      fitAxis: !!opts.fitAxis,
    },
    threadCompute(),
  );
  const quiet = opts.json || !process.stderr.isTTY;
  const n = prepared.input.tiltsDeg.length;
  let pairs;
  try {
    pairs = await fitTilts(prepared, (k) => {
      if (!quiet) process.stderr.write(`\rfitted ${k}/${n} tilts`);
    });
  } catch (e) {
    throw e instanceof RangeError ? new InputError(e.message) : e;
  }
  if (!quiet) process.stderr.write('\n');
  const job = await tiltCtfJob(prepared, pairs, VERSION);
  await writeOutputs(
    opts.out,
    job.outputs,
    inputPaths(stackPath, opts.tlt, opts.mdoc, opts.tomoStar, opts.xf, opts.particles),
  );
  if (opts.json) return printJson(job.result);
  printSummary(job.result, opts.out);
  job.warnings.forEach((w) => warn(w.message));
}

function printSummary(r: TiltCtfJobResult, dir: string): void {
  const lines = [
    `${r.tilts.length} tilts, ${r.method} (comparison: ${r.tilts[0]!.comparison.method}), handedness ` +
      `${r.handedness}, tilt axis ${r.tiltAxisDeg.toFixed(1)}°`,
    ' tilt°  pre e/Å²  defocus µm (other)   fit Å   B Å²   weight  dose  cos   flags',
  ];
  for (const t of r.tilts) {
    const m = (t.defocusUA + t.defocusVA) / 20000,
      o = (t.comparison.defocusUA + t.comparison.defocusVA) / 20000;
    lines.push(
      `${t.tiltDeg.toFixed(1).padStart(6)} ${t.preExposureEPerA2.toFixed(1).padStart(8)}  ${m.toFixed(3)} ` +
        `(${o.toFixed(3)}) ${t.fitResolutionA.toFixed(1).padStart(7)} ${t.bfactorA2.toFixed(0).padStart(6)}   ` +
        `${t.weight.toFixed(2)}   ${t.doseWeight.toFixed(2)}  ${t.cosWeight.toFixed(2)}  ${t.flags.join('; ')}`,
    );
  }
  lines.push(
    `Wrote ${join(dir, 'tilt_series_ctf.star')} (${RLN.ctfBfactor} / ${RLN.ctfScalefactor} per tilt), tilt_ctf.json, ` +
      `tilt_ctf.txt and ` +
      `figures${r.particles.length ? `, particle_tilt_defocus.star (${r.particles.length} particles)` : ''}`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}
