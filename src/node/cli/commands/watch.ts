import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { micrographFitOptions } from '../../../core/app/jobs/ctf-run.js';
import { addExecutorOptions, type ExecutorFlags } from '../../executor/index.js';
import { InputError } from '../../files.js';
import { globToRegExp, watch } from '../../watch.js';
import { addCtfOptions, ctfOptionsOf, positiveNumber, type CtfFlags } from '../options.js';
import { VERSION } from '../version.js';

interface WatchFlags extends CtfFlags, ExecutorFlags {
  pattern: string;
  angpix?: number;
  intervalS: number;
  settleS: number;
  once?: boolean;
  out: string;
}

export function registerWatch(program: Command): void {
  const cmd = program
    .command('watch')
    .description(
      'fit each new micrograph as it appears (files still being written are left until complete), keep the ' +
        "dataset's CTF report current; Ctrl-C stops cleanly and a new run resumes without redoing finished work",
    )
    .argument('<dir>', 'folder the micrographs arrive in (searched recursively)')
    .option(
      '--pattern <glob>',
      'which files, relative to the folder ("**/*.mrc", "Movies/*_frameImage.mrc")',
      '**/*.mrc',
    )
    .option('--angpix <A>', 'pixel size in Å (default: each MRC header)', positiveNumber('--angpix'))
    .option('--interval-s <s>', 'seconds between looks at the folder', positiveNumber('--interval-s'), 10)
    .option(
      '--settle-s <s>',
      'a file must keep its size this long to count as written',
      positiveNumber('--settle-s'),
      5,
    )
    .option('--once', 'fit what is there (complete files) and stop: for cron or a last pass');
  addCtfOptions(cmd, { defocusRangeA: '5000:50000', fitRangeA: '30:5' }).option(
    '--out <dir>',
    'output folder (micrographs_ctf.star, ctf.json, ctf_report.json, per-micrograph files)',
    'ctf-watch',
  );
  addExecutorOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx watch /data/session42 --pattern "**/*_aligned.mrc" --angpix 0.83 --out ctf/',
    )
    .action(async (dir: string, opts: WatchFlags) => {
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
        throw new InputError(`${dir}: no such folder (the folder the micrographs arrive in)`);
      const fit = micrographFitOptions({
        ...ctfOptionsOf(opts),
        ...(opts.angpix !== undefined ? { pixelSizeA: opts.angpix } : {}),
      });
      let pattern: RegExp;
      try {
        pattern = globToRegExp(opts.pattern);
      } catch {
        throw new InputError(`--pattern ${opts.pattern}: not a usable glob`);
      }
      const r = await watch({
        dir,
        pattern,
        out: opts.out,
        intervalS: opts.intervalS,
        settleS: opts.settleS,
        once: !!opts.once,
        fit,
        executor: opts,
        version: VERSION,
        say: (l) => void process.stderr.write(l),
      });
      process.stdout.write(
        `${r.fitted} micrographs fitted${r.stopped ? ' (stopped; run again to resume)' : ''}; ` +
          `dataset report in ${opts.out}/\n`,
      );
    });
}
