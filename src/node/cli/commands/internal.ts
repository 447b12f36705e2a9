import type { Command } from 'commander';
import { mergeOnSlurm } from '../../executor/slurm.js';
import { runTask } from '../../executor/tasks.js';
import { InputError } from '../../files.js';

/**
 * What a cluster node runs (hidden from --help): one task of a run (its index from SLURM_ARRAY_TASK_ID) and the
 * merge job. Users never type these; the submission scripts do.
 */
export function registerInternal(program: Command): void {
  program
    .command('_task', { hidden: true })
    .argument('<run-dir>')
    .argument('[index]')
    .action(async (dir: string, index?: string) => {
      const i = Number(index ?? process.env['SLURM_ARRAY_TASK_ID']);
      if (!Number.isInteger(i) || i < 0) throw new InputError('_task: no task index (SLURM_ARRAY_TASK_ID)');
      await runTask(dir, i);
    });
  program
    .command('_merge', { hidden: true })
    .argument('<run-dir>')
    .action(async (dir: string) => {
      process.exitCode = await mergeOnSlurm(dir);
    });
}
