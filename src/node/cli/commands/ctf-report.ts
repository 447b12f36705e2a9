import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { triageCtf, type Distribution } from '../../../core/analysis/ctf/triage.js';
import { histogramSpec } from '../../../core/report/figures/charts.js';
import { readCtfResults } from '../../ctf-inputs.js';
import { InputError, writeOutputAtomic } from '../../files.js';
import { renderSvg } from '../../render.js';
import { printJson } from '../output.js';
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
    .description("judge a whole dataset's CTF: distributions of defocus, astigmatism, fit resolution and thickness, outliers, and findings with remedies")
    .argument('<results...>', 'RELION micrographs_ctf.star, or CTFFIND 4 / 5 output .txt files')
    .option('--map-resolution-a <A>', "the map's resolution: count micrographs whose CTF fits worse than it", positiveNumber('--map-resolution-a'))
    .option('--particle-size-a <A>', 'longest particle dimension, to judge the ice against 1.1–1.5× of it', positiveNumber('--particle-size-a'))
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'also write ctf_report.json and histograms (SVG) there')
    .addHelpText('after', '\nExamples:\n  cryodx ctf-report CtfFind/job003/micrographs_ctf.star --map-resolution-a 3.8\n  cryodx ctf-report ctffind/*.txt --particle-size-a 120 --out ctf_triage --json')
    .action(async (paths: string[], opts: CtfReportFlags) => {
      const estimates = await readCtfResults(paths);
      if (!estimates.length) throw new InputError(`${paths.join(', ')}: no micrograph CTF results in these files`);
      const triage = triageCtf(estimates, { mapResolutionA: opts.mapResolutionA ?? null, particleSizeA: opts.particleSizeA ?? null });
      if (opts.out) {
        await mkdir(opts.out, { recursive: true });
        await writeOutputAtomic(join(opts.out, 'ctf_report.json'), JSON.stringify(triage, null, 1), paths);
        const figures: [string, number[], string, string][] = [
          ['defocus', estimates.map((e) => (e.defocusUA + e.defocusVA) / 20000), 'mean defocus (µm)', 'Defocus'],
          ['astigmatism', estimates.map((e) => Math.abs(e.defocusUA - e.defocusVA)), 'astigmatism (Å)', 'Astigmatism'],
          ['fit-resolution', estimates.map((e) => e.fitResolutionA), 'CTF fit resolution (Å)', 'CTF fit resolution'],
          ...(triage.distributions.thicknessA ? [['thickness', estimates.filter((e) => e.thicknessA).map((e) => e.thicknessA! / 10), 'thickness (nm)', 'Sample thickness'] as [string, number[], string, string]] : []),
        ];
        for (const [name, values, field, title] of figures) {
          const marker = name === 'fit-resolution' && opts.mapResolutionA ? { value: opts.mapResolutionA, label: 'map' } : undefined;
          await writeOutputAtomic(join(opts.out, `ctf_${name}.svg`), await renderSvg(histogramSpec(values, field, `${title} of ${values.length} micrographs`, marker)), paths);
        }
      }
      if (opts.json) return printJson(triage);
      const d = triage.distributions;
      const line = (name: string, x: Distribution | null, unit: string, scale = 1, digits = 2): string => (x ? `  ${name.padEnd(16)} median ${(x.median / scale).toFixed(digits)} ${unit} (5–95 %: ${(x.p5 / scale).toFixed(digits)}–${(x.p95 / scale).toFixed(digits)})` : `  ${name.padEnd(16)} not in these results`);
      process.stdout.write([
        `${estimates.length} micrographs`,
        line('defocus', d.defocusUA, 'µm', 10000),
        line('astigmatism', d.astigmatismA, 'Å', 1, 0),
        line('fit resolution', d.fitResolutionA, 'Å'),
        line('thickness', d.thicknessA, 'nm', 10, 0),
        triage.findings.length ? 'Findings:' : 'No CTF problem found at the thresholds used.',
        ...triage.findings.map((f) => `  [${f.severity}] ${f.statement} (${f.threshold})\n    → ${f.remedy}`),
        ...(triage.outliers.length ? [`Outliers (${triage.outliers.length}):`, ...triage.outliers.slice(0, 20).map((o) => `  ${o.micrograph}: ${o.reasons.join('; ')}`), ...(triage.outliers.length > 20 ? [`  … ${triage.outliers.length - 20} more (--json or --out for all)`] : [])] : []),
      ].join('\n') + '\n');
    });
}
