import type { Command } from 'commander';
import { ctfReportJob, type Distribution } from '../../../core/app/jobs/ctf-report.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';

interface CtfReportFlags {
  mapResolutionA?: number;
  particleSizeA?: number;
  json?: boolean;
  out?: string;
}

export function registerCtfReport(program: Command): void {
  program
    .command('ctf-report')
    .description(
      "judge a whole dataset's CTF: distributions of defocus, astigmatism, fit resolution and thickness, outliers, " +
        'and findings with remedies',
    )
    .argument('<results...>', 'RELION micrographs_ctf.star, or CTFFIND 4 / 5 output .txt files')
    .option(
      '--map-resolution-a <A>',
      "the map's resolution: count micrographs whose CTF fits worse than it",
      positiveNumber('--map-resolution-a'),
    )
    .option(
      '--particle-size-a <A>',
      'longest particle dimension, to judge the ice against 1.1–1.5× of it',
      positiveNumber('--particle-size-a'),
    )
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write ctf_report.json and histograms (SVG) to this folder')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx ctf-report CtfFind/job003/micrographs_ctf.star --map-resolution-a 3.8\n  cryodx ' +
        'ctf-report ctffind/*.txt --particle-size-a 120 --out ctf_triage --json',
    )
    .action(async (paths: string[], opts: CtfReportFlags) => {
      const job = await ctfReportJob({
        results: await Promise.all(paths.map(readNamed)),
        ...(opts.mapResolutionA !== undefined ? { mapResolutionA: opts.mapResolutionA } : {}),
        ...(opts.particleSizeA !== undefined ? { particleSizeA: opts.particleSizeA } : {}),
      });
      if (opts.out) await writeOutputs(opts.out, job.outputs, paths);
      const triage = job.result;
      if (opts.json) return printJson(triage);
      triage.warnings.forEach((w) => warn(w.message));
      const d = triage.distributions;
      const line = (name: string, x: Distribution | null, unit: string, scale = 1, digits = 2): string =>
        x
          ? `  ${name.padEnd(16)} median ${(x.median / scale).toFixed(digits)} ${unit} (5–95 %: ` +
            `${(x.p5 / scale).toFixed(digits)}–${(x.p95 / scale).toFixed(digits)})`
          : `  ${name.padEnd(16)} not in these results`;
      const out = triage.outliers;
      const ab = triage.aberrations.map(
        (a) =>
          `  optics group ${a.group} at ${fmt(a.resolutionA)} Å: beam tilt ${fmt(a.beamTiltMrad)} mrad (coma ` +
          `${fmt(a.comaPhaseDeg, 3)}°), ` +
          `odd aberrations ${fmt(a.oddPhaseDeg, 3)}°, higher even ${fmt(a.evenHigherOrderPhaseDeg, 3)}°, ` +
          `magnification anisotropy ${fmt(a.magAnisotropyPercent, 3)} % (scale ${fmt(a.magScalePercent, 3)} %)`,
      );
      process.stdout.write(
        [
          `${triage.micrographs} micrographs`,
          line('defocus', d.defocusUA, 'µm', 10000),
          line('astigmatism', d.astigmatismA, 'Å', 1, 0),
          line('fit resolution', d.fitResolutionA, 'Å'),
          line('thickness', d.thicknessA, 'nm', 10, 0),
          ...(ab.length ? ['CTF refinement (phase each aberration would leave uncorrected):', ...ab] : []),
          triage.findings.length ? 'Findings:' : 'No CTF problem found at the thresholds used.',
          ...triage.findings.map((f) => `  [${f.severity}] ${f.statement} (${f.threshold})\n    → ${f.remedy}`),
          ...(out.length
            ? [
                `Outliers (${out.length}):`,
                ...out.slice(0, 20).map((o) => `  ${o.micrograph}: ${o.reasons.join('; ')}`),
                ...(out.length > 20 ? [`  … ${out.length - 20} more (--json or --out for all)`] : []),
              ]
            : []),
        ].join('\n') + '\n',
      );
    });
}
