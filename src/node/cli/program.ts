import { Command, CommanderError } from 'commander';
import { FormatError } from '../../core/errors.js';
import { InputError } from '../files.js';
import { processCompute } from '../compute.js';
import { VERSION } from './version.js';

/**
 * Each command's module, loaded when it is needed: a run loads the command it names (its analysis
 * modules cost ~0.1 s to load), help and unknown names load them all.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  info: async () => (await import('./commands/info.js')).registerInfo,
  convert: async () => (await import('./commands/convert.js')).registerConvert,
  fsc: async () => (await import('./commands/fsc.js')).registerFsc,
  postprocess: async () => (await import('./commands/postprocess.js')).registerPostprocess,
  budget: async () => (await import('./commands/budget.js')).registerBudget,
  locres: async () => (await import('./commands/locres.js')).registerLocres,
  anisotropy: async () => (await import('./commands/anisotropy.js')).registerAnisotropy,
  orientations: async () => (await import('./commands/orientations.js')).registerOrientations,
  ctf: async () => (await import('./commands/ctf.js')).registerCtf,
  'ctf-report': async () => (await import('./commands/ctf-report.js')).registerCtfReport,
  'tilt-ctf': async () => (await import('./commands/tilt-ctf.js')).registerTiltCtf,
  'tomo-report': async () => (await import('./commands/tomo-report.js')).registerTomoReport,
  calibrate: async () => (await import('./commands/calibrate.js')).registerCalibrate,
  report: async () => (await import('./commands/report.js')).registerReport,
  reconstruct: async () => (await import('./commands/reconstruct.js')).registerReconstruct,
  reslog: async () => (await import('./commands/reslog.js')).registerReslog,
  whatif: async () => (await import('./commands/whatif.js')).registerWhatif,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  model: async () => (await import('./commands/model.js')).registerModel,
  batch: async () => (await import('./commands/batch.js')).registerBatch,
  watch: async () => (await import('./commands/watch.js')).registerWatch,
  internal: async () => (await import('./commands/internal.js')).registerInternal,
};

/**
 * Commands with no 3D transform and no local-resolution window: they do not start the FFT pool's threads
 * (`cryodx ctf` has its own workers, and a pool thread starting beside them took ~60 ms of a core).
 */
const WITHOUT_FFT_POOL = new Set([
  'info',
  'convert',
  'budget',
  'orientations',
  'ctf',
  'ctf-report',
  'tilt-ctf',
  'tomo-report',
  'calibrate',
  'serve',
  'watch',
]);

/** The command a command line names: its first word that is not a global flag. */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** Builds the program with the named command, or with every command when none (or an unknown one) is named. */
export async function buildProgram(command?: string): Promise<Command> {
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
  const wanted = command !== undefined && command in COMMANDS ? [command] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((c) => COMMANDS[c]!()))) register(program);
  return program;
}

/** Runs the CLI; returns the exit code. Bad input → one sentence on stderr, no stack trace. */
export async function main(argv: string[]): Promise<number> {
  const command = commandOf(argv);
  // Started while the command's modules load; the command hands the same context to its job.
  if (command !== undefined && !WITHOUT_FFT_POOL.has(command)) void processCompute();
  const program = await buildProgram(command);
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
