#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { FormatError } from '../../core/errors.js';
import { InputError } from '../files.js';
import { installFftPool } from '../parallel/fft-pool.js';
import { applySimdSetting } from '../simd-setting.js';
import { registerAnisotropy } from './commands/anisotropy.js';
import { registerBudget } from './commands/budget.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerConvert } from './commands/convert.js';
import { registerCtf } from './commands/ctf.js';
import { registerCtfReport } from './commands/ctf-report.js';
import { registerTiltCtf } from './commands/tilt-ctf.js';
import { registerServe } from './commands/serve.js';
import { registerDemo } from './commands/demo.js';
import { registerFsc } from './commands/fsc.js';
import { registerInfo } from './commands/info.js';
import { registerReport } from './commands/report.js';
import { registerBatch } from './commands/batch.js';
import { registerInternal } from './commands/internal.js';
import { registerWatch } from './commands/watch.js';
import { registerModel } from './commands/model.js';
import { VERSION } from './version.js';
import { registerLocres } from './commands/locres.js';
import { registerOrientations } from './commands/orientations.js';
import { registerPostprocess } from './commands/postprocess.js';

/** Builds the program; exported so tests can run commands in-process. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('cryodx')
    .description(
      'Why does my cryo-EM map stop at the resolution it does? Measures each known limit from the files you have.',
    )
    .version(VERSION)
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerInfo(program);
  registerConvert(program);
  registerFsc(program);
  registerPostprocess(program);
  registerBudget(program);
  registerLocres(program);
  registerAnisotropy(program);
  registerOrientations(program);
  registerCtf(program);
  registerCtfReport(program);
  registerTiltCtf(program);
  registerCalibrate(program);
  registerReport(program);
  registerDemo(program);
  registerServe(program);
  registerModel(program);
  registerBatch(program);
  registerWatch(program);
  registerInternal(program);
  return program;
}

/** Runs the CLI; returns the exit code. Bad input → one sentence on stderr, no stack trace. */
export async function main(argv: string[]): Promise<number> {
  applySimdSetting();
  installFftPool();
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const debug = argv.includes('--debug');
    if (e instanceof FormatError || e instanceof InputError) {
      process.stderr.write(`cryodx: ${e.message}\n`);
      if (debug) process.stderr.write(`${e.stack}\n`);
      return 2;
    }
    process.stderr.write(`cryodx: internal error: ${(e as Error).message}\n`);
    process.stderr.write(debug ? `${(e as Error).stack}\n` : 'Run again with --debug for details, and report it.\n');
    return 1;
  }
}

/** True when run as a program (also through npm's bin symlink), not imported. */
function isEntryPoint(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

const isEntry = isEntryPoint();
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`cryodx: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
