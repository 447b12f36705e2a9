import type { Command } from 'commander';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { reportJob, type ReportJobInput } from '../../../core/app/report/report.js';
import { reportInput, type ReportFiles, type ReportOptions } from '../../../core/app/report/input.js';
import type { MaskSpec } from '../../../core/app/inputs/maps.js';
import { parsePostprocessSpec } from '../../../core/app/report/processing-files.js';
import { pickerFiles, projectSource } from '../../project.js';
import { fitTilts } from '../../parallel/tilt-pool.js';
import type { Report } from '../../../core/report/report.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { processCompute } from '../../compute.js';
import { terminalProgress } from '../../progress.js';
import { printJson, warn } from '../output.js';
import { addMaskOptions, finiteNumber, inputPaths, maskSpec, num, positiveNumber, type MaskFlags } from '../options.js';
import { InputError } from '../../files.js';
import { openParticleEngine } from '../../reconstruct/engine.js';
import { VERSION } from '../version.js';

interface ReportFlags extends MaskFlags {
  half1?: string;
  half2?: string;
  particles?: string;
  ctf?: string[];
  angpix?: number;
  /** Absent when not typed: the project's refinement then decides (commander parses --sym D2 and --sym=D2). */
  sym?: string;
  mw?: number;
  csRefined?: number;
  zernikeZ40?: number;
  csNominal?: number;
  voltageKv: number;
  tiltSeries?: string;
  tlt?: string;
  mdoc?: string;
  tomoStar?: string;
  tiltAxisDeg?: number;
  tiltAngpix?: number;
  dosePerTilt?: number;
  out: string;
  json?: boolean;
  project?: string;
  motion?: string[];
  bfactors?: string;
  classes?: string[];
  picks?: string[];
  ctfRefine?: string[];
  postprocess?: string[];
  particleDiameterA?: number;
  micrographAngpix?: number;
  model?: string;
  pae?: string;
  measure?: boolean;
  controls: number;
  repeats: number;
  projectDir?: string;
  maps?: boolean;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description(
      'run every analysis the inputs allow, rank the likely causes with their evidence, and write report.html, ' +
        'report.json and figures',
    );
  cmd.option('--half1 <map>', 'first half map').option('--half2 <map>', 'second half map');
  addMaskOptions(cmd)
    .option('--particles <file>', 'particles with angles (RELION STAR or cryoSPARC .cs)')
    .option('--ctf <files...>', 'CTF results: CTFFIND .txt files or a RELION micrographs_ctf.star')
    .option('--angpix <A>', 'pixel size in Å (overrides the headers)', positiveNumber('--angpix'))
    .option('--sym <group>', 'point group of the particle (C1, Cn, Dn, T, O, I; default C1, or the project’s)')
    .option('--mw <kDa>', 'molecular weight, for the particle-scaled FSC', positiveNumber('--mw'))
    .option(
      '--cs-refined <mm>',
      'Cs found by CTF refinement (with --cs-nominal: the microscope cause is measured)',
      positiveNumber('--cs-refined'),
    )
    .option(
      '--zernike-z40 <A>',
      "instead of --cs-refined: RELION's fourth-order even Zernike term Z40 (Å)",
      finiteNumber('--zernike-z40'),
    )
    .option('--cs-nominal <mm>', 'the microscope’s Cs (Krios: 2.7)', positiveNumber('--cs-nominal'))
    .option('--voltage-kv <kV>', 'acceleration voltage (for --zernike-z40)', positiveNumber('--voltage-kv'), 300)
    .option(
      '--tilt-series <stack>',
      'a tilt-series stack: its per-tilt CTF table joins the report (with --tlt, --mdoc or --tomo-star)',
    )
    .option('--tlt <file>', 'IMOD .tlt tilt angles of --tilt-series')
    .option('--mdoc <file>', 'SerialEM .mdoc of --tilt-series')
    .option('--tomo-star <file>', 'RELION 5 tilt-series STAR of --tilt-series')
    .option(
      '--tilt-axis-deg <deg>',
      'tilt-axis angle of --tilt-series, from the image Y axis',
      finiteNumber('--tilt-axis-deg'),
    )
    .option('--tilt-angpix <A>', 'pixel size of --tilt-series in Å', positiveNumber('--tilt-angpix'))
    .option('--dose-per-tilt <e>', 'exposure per tilt of --tilt-series, e/Å²', positiveNumber('--dose-per-tilt'))
    .option(
      '--project <dir>',
      'a RELION (3.1–5) or cryoSPARC project or job folder, or a .zip of one: every input below is found there ' +
        '(explicit flags win)',
    )
    .option('--motion <files...>', 'corrected_micrographs.star (+ per-micrograph motion STARs) or MotionCor2 logs')
    .option('--bfactors <file>', "Bayesian polishing's bfactors.star (per-frame B-factors)")
    .option(
      '--classes <files...>',
      'a classification: run_itNNN_model.star (+ _optimiser.star, _data.star, a Select job’s particles.star) or a ' +
        'cryoSPARC .cs with class posteriors',
    )
    .option('--picks <dir|file>', 'one picker’s coordinates (repeat for a second picker)', collect, [] as string[])
    .option(
      '--ctf-refine <files...>',
      "CTF refinement's particles_ctf_refine.star (beam tilt, aberrations, magnification)",
    )
    .option(
      '--postprocess <files...>',
      'RELION postprocess.star files in processing order (the last = the current map); append :N for its particle ' +
        'count and :polished or :ctf-refined for the step before its refinement',
    )
    .option('--model <file>', 'a model placed in the maps (PDB or mmCIF): map–model FSC, overfitting, per residue')
    .option('--pae <json>', 'AlphaFold PAE for the model: domains and hinges in the construct advice')
    .option(
      '--particle-diameter-a <A>',
      'particle size in Å (pick matching, ice)',
      positiveNumber('--particle-diameter-a'),
    )
    .option(
      '--micrograph-angpix <A>',
      'pixel size of the micrographs the picks are on',
      positiveNumber('--micrograph-angpix'),
    )
    .option(
      '--measure',
      'measure what each fix buys on the particle images (ResLog and what-if reconstructions: minutes to hours)',
    )
    .option(
      '--controls <n>',
      'with --measure: random-removal draws per group',
      num('--controls', { integer: true, min: 2, max: 20 }),
      3,
    )
    .option(
      '--repeats <n>',
      'with --measure: random orders per ResLog size',
      num('--repeats', { integer: true, min: 1, max: 20 }),
      1,
    )
    .option('--project-dir <dir>', 'with --measure: the folder the particle image paths are relative to')
    .option('--maps', 'with --measure: also write the full and each what-if map and measured/whatif.cxc (ChimeraX)')
    .option('--out <dir>', 'output folder', 'cryodx-report')
    .option('--json', 'print report.json to stdout as well')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx report --half1 run_half1_class001_unfil.mrc --half2 run_half2_class001_unfil.mrc ' +
        '--auto-mask --particles run_data.star --ctf CtfFind/job003/micrographs_ctf.star --out report/\n  cryodx ' +
        'report --particles P3_J45_particles.cs --sym D2\n' +
        '  cryodx report --project /data/relion_project --out report/\n' +
        '  cryodx report --project /data/relion_project --measure --out report/',
    )
    .action(async (opts: ReportFlags) => {
      const files = await reportFiles(opts);
      const input = await reportInput({
        files,
        options: reportOptions(opts, await maskSpec(opts)),
        project: opts.project ? await projectSource(opts.project) : null,
        version: VERSION,
      });
      if (input.tiltSeries) input.fitTilts = (p) => fitTilts(p);
      const engine = opts.measure ? await measureEngine(input, opts) : null;
      if (engine) input.measure = engine.measure;
      const report = await runReportCommand(
        input,
        opts.out,
        inputPaths(
          opts.half1,
          opts.half2,
          opts.mask,
          opts.particles,
          opts.ctf,
          opts.tiltSeries,
          opts.tlt,
          opts.mdoc,
          opts.tomoStar,
          opts.motion,
          opts.bfactors,
          opts.classes,
          opts.ctfRefine,
          opts.postprocess?.map((p) => parsePostprocessSpec(p).path),
          opts.model,
          opts.pae,
        ),
      ).finally(() => engine?.close());
      if (opts.json) return printJson(report);
      printVerdict(report, opts.out);
    });
}

/**
 * `--measure`: the particle stacks read from disk (relative to --project-dir, the project, the working directory or
 * the STAR's folder, as `cryodx reconstruct` resolves them) and inserted on worker threads kept for every pass.
 */
async function measureEngine(
  input: ReportJobInput,
  opts: ReportFlags,
): Promise<{ measure: NonNullable<ReportJobInput['measure']>; close: () => Promise<void> }> {
  if (!input.particles)
    throw new InputError(
      '--measure needs the refinement’s particles: give --particles, or --project with a refinement',
    );
  let starPath = opts.particles ?? input.particles.name;
  let projectDir = opts.projectDir;
  if (!opts.particles && opts.project) {
    if (!(await stat(opts.project)).isDirectory())
      throw new InputError(
        `--measure reads the particle stacks from the project folder; ${opts.project} is a zip: unzip it and give ` +
          'the folder',
      );
    starPath = join(opts.project, input.particles.name);
    projectDir ??= opts.project;
  }
  const engine = openParticleEngine({ particlesPath: starPath, projectDir });
  return {
    measure: {
      ...engine.input,
      controls: opts.controls,
      repeats: opts.repeats,
      ...(opts.maps ? { writeMaps: true } : {}),
    },
    close: engine.close,
  };
}

function collect(v: string, list: string[]): string[] {
  return [...list, v];
}

/** The flags' options as the core's (a mask file is a file, read with the others). */
function reportOptions(opts: ReportFlags, mask: MaskSpec | undefined): ReportOptions {
  return {
    pixelSizeA: opts.angpix ?? null,
    ...(opts.sym !== undefined ? { symmetry: opts.sym } : {}),
    ...(mask && mask.kind !== 'user' ? { maskChoice: mask } : {}),
    ...(opts.mw ? { mwKDa: opts.mw } : {}),
    cs: {
      ...(opts.csNominal !== undefined ? { nominalMm: opts.csNominal } : {}),
      ...(opts.csRefined !== undefined ? { refinedMm: opts.csRefined } : {}),
      ...(opts.zernikeZ40 !== undefined ? { zernikeZ40: opts.zernikeZ40 } : {}),
      voltageKv: opts.voltageKv,
    },
    ...(opts.particleDiameterA !== undefined ? { particleDiameterA: opts.particleDiameterA } : {}),
    ...(opts.micrographAngpix !== undefined ? { micrographPixelSizeA: opts.micrographAngpix } : {}),
    tilt: {
      ...(opts.tiltAngpix !== undefined ? { pixelSizeA: opts.tiltAngpix } : {}),
      ...(opts.tiltAxisDeg !== undefined ? { tiltAxisDeg: opts.tiltAxisDeg } : {}),
      ...(opts.dosePerTilt !== undefined ? { dosePerTiltEPerA2: opts.dosePerTilt } : {}),
    },
  };
}

/** Every file the flags name, read (picks folders listed). */
async function reportFiles(opts: ReportFlags): Promise<ReportFiles> {
  const many = (paths: string[] | undefined) => (paths?.length ? Promise.all(paths.map(readNamed)) : undefined);
  const [half1, half2, mask, particles, bfactors, model, pae] = await Promise.all(
    [opts.half1, opts.half2, opts.mask, opts.particles, opts.bfactors, opts.model, opts.pae].map(readNamedOptional),
  );
  const [ctf, motion, classes, ctfRefine] = await Promise.all(
    [opts.ctf, opts.motion, opts.classes, opts.ctfRefine].map(many),
  );
  const out: ReportFiles = {
    ...(half1 ? { half1 } : {}),
    ...(half2 ? { half2 } : {}),
    ...(mask ? { mask } : {}),
    ...(particles ? { particles } : {}),
    ...(ctf ? { ctf } : {}),
    ...(motion ? { motion } : {}),
    ...(bfactors ? { bfactors } : {}),
    ...(classes ? { classes } : {}),
    ...(ctfRefine ? { ctfRefine } : {}),
    ...(model ? { model } : {}),
    ...(pae ? { pae } : {}),
  };
  if (opts.picks?.length)
    out.picks = await Promise.all(
      opts.picks.map(async (p) => ({ name: p, files: await Promise.all((await pickerFiles(p)).map(readNamed)) })),
    );
  if (opts.postprocess?.length)
    out.postprocessStars = await Promise.all(
      opts.postprocess.map(async (spec) => {
        const s = parsePostprocessSpec(spec);
        return {
          file: await readNamed(s.path),
          ...(s.particles !== undefined ? { particles: s.particles } : {}),
          ...(s.after ? { after: s.after } : {}),
        };
      }),
    );
  if (opts.tiltSeries) {
    const [tlt, mdoc, tomoStar] = await Promise.all([opts.tlt, opts.mdoc, opts.tomoStar].map(readNamedOptional));
    out.tiltSeries = {
      stack: await readNamed(opts.tiltSeries),
      ...(tlt ? { tlt } : {}),
      ...(mdoc ? { mdoc } : {}),
      ...(tomoStar ? { tomoStar } : {}),
    };
  }
  return out;
}

/** Runs the report job with a progress bar and writes its files; shared with `demo`. */
export async function runReportCommand(input: ReportJobInput, out: string, inputs: string[]): Promise<Report> {
  const compute = await processCompute();
  const progress = terminalProgress('report');
  let job;
  try {
    job = await reportJob(input, progress.ctx, compute);
  } finally {
    progress.stop();
  }
  await writeOutputs(out, job.outputs, inputs);
  job.warnings.forEach((w) => warn(w.message));
  return job.result.report;
}

export function printVerdict(report: Report, out: string): void {
  const top = report.verdict.top.map((t, i) => `  ${i + 1}. ${t.title} (${t.strength}): ${t.summary}`);
  const tomo = (report.tomography?.series ?? []).map(
    (s) =>
      `  tilt series ${s.name}: ${s.tilts ?? 0} tilts, ${s.failedTilts.length} failed or excluded` +
      (s.dosePerTiltEPerA2 !== undefined ? `, ${s.dosePerTiltEPerA2.toFixed(2)} e/Å² per tilt` : ''),
  );
  process.stdout.write(
    [report.verdict.headline, ...top, ...tomo, `Report: ${join(out, 'report.html')} (and report.json, figures/)`].join(
      '\n',
    ) + '\n',
  );
}
