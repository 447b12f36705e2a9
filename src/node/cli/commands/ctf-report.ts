import type { Command } from 'commander';
import { ctfReportJob, type Distribution } from '../../../core/app/jobs/ctf-report.js';
import { readNamed, writeOutputs } from '../../job-io.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';
import { itemsToExclude } from '../../../core/util/power.js';

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
    .argument(
      '<results...>',
      'RELION micrographs_ctf.star, CTFFIND 4 / 5 output .txt files, or particles (RELION STAR, cryoSPARC .cs: ' +
        'grouped by micrograph)',
    )
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
      const s = triage.summary;
      const none = s.failedRun
        ? '— (the run failed: not summarised)'
        : s.reliableFits === 0
          ? 'no reliable fit'
          : 'not in these results';
      // A spread needs enough fits to mean anything; a handful shows its range.
      const line = (name: string, x: Distribution | null, unit: string, scale = 1, digits = 2): string => {
        if (!x) return `  ${name.padEnd(16)} ${none}`;
        const v = (a: number): string => (a / scale).toFixed(digits);
        const spread = x.count >= 10 ? `5–95 %: ${v(x.p5)}–${v(x.p95)}` : `range ${v(x.min)}–${v(x.max)}`;
        const fits = `${x.count} ${s.unjudgedFits ? '' : 'reliable '}fit${x.count === 1 ? '' : 's'}`;
        return `  ${name.padEnd(16)} median ${v(x.median)} ${unit} (${spread}; ${fits})`;
      };
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
          `${triage.micrographs} micrograph${triage.micrographs === 1 ? '' : 's'}` +
            (triage.particles !== null ? ` (from ${triage.particles} particles, grouped by micrograph)` : '') +
            (s.reliableFits < triage.micrographs
              ? `; ${s.reliableFits} reliable CTF fit${s.reliableFits === 1 ? '' : 's'}`
              : ''),
          line('defocus', d.defocusUA, 'µm', 10000),
          line('astigmatism', d.astigmatismA, 'Å', 1, 0),
          line('fit resolution', d.fitResolutionA, 'Å'),
          line('thickness', d.thicknessA, 'nm', 10, 0),
          ...(triage.particles !== null ? [spreadLine(d.particleDefocusSpreadA ?? null)] : []),
          ...(s.unjudgedFits
            ? [`  ${s.unjudgedFits} fit(s) carry no figure of merit or fit resolution: taken as they are, not judged`]
            : []),
          ...(ab.length ? ['CTF refinement (phase each aberration would leave uncorrected):', ...ab] : []),
          triage.findings.length ? 'Findings:' : noneFound(s.reliableFits),
          ...triage.findings.map(
            (f) => `  [${f.severity}] ${f.statement} (${f.threshold})\n    basis: ${f.power}\n    → ${f.remedy}`,
          ),
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

/** Per-particle defocus within micrographs: the SD per micrograph, summarised over the micrographs. */
function spreadLine(x: Distribution | null): string {
  const name = 'defocus SD'.padEnd(16);
  if (!x) return `  ${name} no micrograph with ≥ 5 particles`;
  const range =
    x.count >= 10 ? `5–95 %: ${x.p5.toFixed(0)}–${x.p95.toFixed(0)}` : `range ${x.min.toFixed(0)}–${x.max.toFixed(0)}`;
  const mics = `${x.count} micrograph${x.count === 1 ? '' : 's'} with ≥ 5 particles`;
  return `  ${name} median ${x.median.toFixed(0)} Å among each micrograph's particles (${range}; ${mics})`;
}

/** "Nothing found", with what so few micrographs could not have shown. */
function noneFound(n: number): string {
  const need = itemsToExclude(0.1);
  return (
    'No CTF problem found at the thresholds used' +
    (n < need
      ? ` (${n} micrograph${n === 1 ? '' : 's'}: too few to exclude a problem in 10 % of a dataset; ${need} needed).`
      : '.')
  );
}
