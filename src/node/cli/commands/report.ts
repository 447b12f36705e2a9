import type { Command } from 'commander';
import { join } from 'node:path';
import { InputError } from '../../files.js';
import { loadMap, resolvePixelSize } from '../../maps.js';
import { terminalProgress } from '../../progress.js';
import { runReport } from '../../report-run.js';
import { printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';
import { addMaskOptions, maskChoice, type MaskFlags } from './fsc.js';
import { VERSION } from '../version.js';

interface ReportFlags extends MaskFlags {
  half1?: string;
  half2?: string;
  particles?: string;
  ctf?: string[];
  angpix?: number;
  sym: string;
  mw?: number;
  out: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('run every analysis the inputs allow, rank the likely causes with their evidence, and write report.html, report.json and figures');
  cmd
    .option('--half1 <map>', 'first half map')
    .option('--half2 <map>', 'second half map');
  addMaskOptions(cmd)
    .option('--particles <file>', 'particles with angles (RELION STAR or cryoSPARC .cs)')
    .option('--ctf <files...>', 'CTF results: CTFFIND .txt files or a RELION micrographs_ctf.star')
    .option('--angpix <A>', 'pixel size in Å (overrides the headers)', positiveNumber('--angpix'))
    .option('--sym <group>', 'point group of the particle (C1, Cn, Dn, T, O, I)', 'C1')
    .option('--mw <kDa>', 'molecular weight, for the particle-scaled FSC', positiveNumber('--mw'))
    .option('--out <dir>', 'output folder', 'cryodx-report')
    .option('--json', 'print report.json to stdout as well')
    .addHelpText('after', '\nExamples:\n  cryodx report --half1 run_half1_class001_unfil.mrc --half2 run_half2_class001_unfil.mrc --auto-mask --particles run_data.star --ctf CtfFind/job003/micrographs_ctf.star --out report/\n  cryodx report --particles P3_J45_particles.cs --sym D2')
    .action(async (opts: ReportFlags) => {
      if ((opts.half1 === undefined) !== (opts.half2 === undefined)) throw new InputError('give both half maps (--half1 and --half2) or neither');
      if (!opts.half1 && !opts.particles && !opts.ctf?.length) throw new InputError('nothing to analyse: give half maps, particles or CTF results');
      const maps = opts.half1 && opts.half2 ? [await loadMap(opts.half1), await loadMap(opts.half2)] : [];
      const px = maps.length ? resolvePixelSize(maps, opts.angpix) : null;
      const { choice } = maps.length ? await maskChoice(opts, maps) : { choice: { kind: 'none' as const } };
      const mask = maps.length && choice.kind === 'none' ? { kind: 'auto' as const } : choice;
      const progress = terminalProgress('report');
      let report;
      try {
        report = await runReport({
          ...(maps.length ? { half1: { ...maps[0]!.volume, path: maps[0]!.path }, half2: { ...maps[1]!.volume, path: maps[1]!.path } } : {}),
          pixelSizeA: px?.pixelSizeA ?? null,
          mask,
          ...(opts.particles ? { particles: opts.particles } : {}),
          ...(opts.ctf ? { ctf: opts.ctf } : {}),
          symmetry: opts.sym,
          ...(opts.mw ? { mwKDa: opts.mw } : {}),
          version: VERSION,
        }, opts.out, progress.ctx);
      } finally {
        progress.stop();
      }
      if (opts.json) return printJson(report);
      process.stdout.write(`${report.verdict.headline}\n${report.verdict.top.map((t, i) => `  ${i + 1}. ${t.title} (${t.strength}): ${t.summary}`).join('\n')}\nReport: ${join(opts.out, 'report.html')} (and report.json, figures/)\n`);
      report.warnings.forEach((w) => warn(w.message));
    });
}
