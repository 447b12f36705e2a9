import type { Command } from 'commander';
import { tomoReportJob, type TomoReportResult } from '../../../core/app/jobs/tomo-report.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { findTomoProject, referenceReader } from '../../tomo-project.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';
import { InputError } from '../../files.js';

interface TomoReportFlags {
  project?: string;
  json?: boolean;
  out?: string;
  targetA?: number;
}

export function registerTomoReport(program: Command): void {
  program
    .command('tomo-report')
    .description(
      'judge tilt series with tilt-aware rules: scheme, tilt axis, dose, per-tilt CTF against what a tilt image ' +
        'can give, failed tilts, alignment residuals, thickness, per-tilt B-factors — each finding with its basis',
    )
    .argument(
      '[files...]',
      'RELION 4/5 tomograms.star and tilt-series STARs, Warp/M XML, AreTomo3 _CTF.txt / .aln / _TLT.txt / ' +
        'TiltSeries_Metrics.csv, IMOD .tlt / .xf / taSolution.log, SerialEM .mdoc',
    )
    .option('--project <dir>', 'a RELION 5 tomography, WarpTools or AreTomo3 project folder: its tilt-series files')
    .option(
      '--target-a <A>',
      'target resolution for the exposure rules (default: the median CTF fit resolution of the kept tilts)',
      positiveNumber('--target-a'),
    )
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write tomo_report.json to this folder')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx tomo-report --project relion5_tomo/\n  cryodx tomo-report ' +
        'CtfFind/job004/tilt_series/TS_01.star taSolution.log --json\n  cryodx tomo-report warp_tiltseries/TS_1.xml ' +
        'TS_1_CTF.txt TiltSeries_Metrics.csv --out tomo',
    )
    .action(async (paths: string[], opts: TomoReportFlags) => {
      if (!paths.length && !opts.project) throw new InputError('tomo-report: give tilt-series files or --project DIR');
      const projectFiles = opts.project ? await findTomoProject(opts.project) : [];
      const all = [...projectFiles, ...paths];
      const job = await tomoReportJob({
        files: await Promise.all(all.map(readNamed)),
        readReferenced: referenceReader(opts.project ?? process.cwd()),
        ...(opts.targetA !== undefined ? { targetResolutionA: opts.targetA } : {}),
      });
      if (opts.out) await writeOutputs(opts.out, job.outputs, all);
      if (opts.json) return printJson(job.result);
      process.stdout.write(render(job.result) + '\n');
      job.result.warnings.forEach((w) => warn(w.message));
    });
}

const failedName = (f: { tiltDeg?: number; index: number }): string =>
  f.tiltDeg !== undefined ? `${fmt(f.tiltDeg)}°` : `image ${f.index + 1}`;

function render(r: TomoReportResult): string {
  const out: string[] = [];
  for (const s of r.series) {
    out.push(
      `series ${s.name}: ${s.tilts ?? 'no per-tilt rows'}${s.tilts ? ' tilts' : ''}` +
        (s.tiltRangeDeg ? `, ${fmt(s.tiltRangeDeg[0])}° to ${fmt(s.tiltRangeDeg[1])}°` : '') +
        (s.scheme !== 'unknown' ? `, ${s.scheme} centred on ${fmt(s.centreDeg)}°` : ''),
    );
    if (s.axes.length)
      out.push(`  tilt axis: ${s.axes.map((a) => `${fmt(a.axisDeg)}° (${a.file.split(/[\\/]/).pop()})`).join(', ')}`);
    if (s.dosePerTiltEPerA2 !== undefined)
      out.push(`  dose: ${s.dosePerTiltEPerA2.toFixed(2)} e/Å² per tilt, ${fmt(s.totalDoseEPerA2)} e/Å² in total`);
    if (s.thicknessA !== undefined) out.push(`  thickness: ${(s.thicknessA / 10).toFixed(0)} nm`);
    if (s.ctfResolutionA !== undefined) out.push(`  series CTF resolution: ${fmt(s.ctfResolutionA)} Å`);
    if (s.keptFraction !== undefined)
      out.push(
        `  kept: ${(100 * s.keptFraction).toFixed(0)} % of tilts` +
          (s.failedTilts.length ? `; failed: ${s.failedTilts.map(failedName).join(', ')}` : ''),
      );
  }
  const shown = r.findings.filter((f) => f.severity !== 'info');
  const info = r.findings.filter((f) => f.severity === 'info');
  out.push(shown.length ? 'Findings:' : 'No tilt-series problem found at the thresholds used.');
  for (const f of shown) out.push(`  [${f.severity}] ${f.statement}\n    basis: ${f.basis}\n    → ${f.remedy}`);
  if (info.length)
    out.push('Measured (no action needed):', ...info.map((f) => `  ${f.statement}\n    basis: ${f.basis}`));
  return out.join('\n');
}
