#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prestartWorkers } from '../parallel/jobs.js';
import { checkStdout } from './checked-output.js';

/**
 * The `cryodx` program. Kept small: a `cryodx ctf` over several micrographs starts its worker threads
 * here, so that they load their modules while this thread loads the CLI's (~0.1 s), not after.
 */
export async function run(argv: string[]): Promise<number> {
  checkStdout();
  const micrographs = ctfMicrographs(argv);
  if (micrographs > 1) prestartWorkers('ctf-worker', micrographs);
  const { main } = await import('./program.js');
  return main(argv);
}

/** How many micrographs a local `cryodx ctf` command line names (0 for any other command line). */
export function ctfMicrographs(argv: readonly string[]): number {
  if (argv[0] !== 'ctf' || argv.some((a) => a === '--help' || a === '-h' || a === '--executor=slurm')) return 0;
  if (argv.some((a, i) => a === '--executor' && argv[i + 1] === 'slurm')) return 0;
  return argv.filter((a, i) => i > 0 && /\.mrcs?(\.gz)?$/i.test(a) && argv[i - 1] !== '--out').length;
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

if (isEntryPoint()) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`cryodx: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
