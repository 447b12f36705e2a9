import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readDatasets, type Dataset } from '../../../core/io/datasets.js';
import { addExecutorOptions, startRun, type ExecutorFlags, type TaskSpec } from '../../executor/index.js';
import { contentKey } from '../../executor/run.js';
import { InputError } from '../../files.js';
import { projectSource } from '../../project.js';
import { VERSION } from '../version.js';

interface BatchFlags extends ExecutorFlags {
  out: string;
}

const FILE_COLUMNS = ['half1', 'half2', 'mask', 'particles', 'ctf', 'project'] as const;

export function registerBatch(program: Command): void {
  const cmd = program
    .command('batch')
    .description(
      'one report per dataset (a CSV or JSON list), then facility.json and facility.html: every dataset in a row ' +
        'and, per microscope, resolution and B-factor over time with the reference-sample runs marked',
    )
    .argument(
      '<datasets>',
      'CSV or JSON: name, half1, half2, mask, angpix; optional particles, ctf, project, microscope, date, sample, ' +
        'reference, sym (paths relative to the list’s folder)',
    )
    .option('--out <dir>', 'output folder (datasets/NAME/report.html …, facility.json, facility.html)', 'cryodx-batch');
  addExecutorOptions(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx batch datasets.csv --out facility/\n  cryodx batch datasets.csv --executor slurm ' +
        '--partition cpu --wait --out facility/',
    )
    .action(async (list: string, opts: BatchFlags) => {
      let text: string;
      try {
        text = readFileSync(list, 'utf8');
      } catch {
        throw new InputError(`${list}: no such file`);
      }
      const datasets = readDatasets(list, text).map((d) => absolutePaths(d, dirname(resolve(list))));
      const tasks: TaskSpec[] = await Promise.all(datasets.map(datasetTask));
      const say = (l: string): void => void process.stderr.write(l);
      const r = await startRun({ kind: 'batch', out: opts.out, version: VERSION, tasks, merge: { list } }, opts, say);
      process.stdout.write(
        r.complete
          ? `${r.message}. Wrote ${join(opts.out, 'facility.html')}, facility.json and datasets/*/report.html\n`
          : `${r.message}; facility.html will be in ${opts.out}/ when the merge job ends\n`,
      );
    });
}

function absolutePaths(d: Dataset, base: string): Dataset {
  const out: Dataset = { ...d };
  for (const c of FILE_COLUMNS) if (d[c] && !isAbsolute(d[c]!)) out[c] = join(base, d[c]!);
  return out;
}

async function datasetTask(d: Dataset): Promise<TaskSpec> {
  const files = FILE_COLUMNS.filter((c) => c !== 'project' && d[c]).map((c) => d[c]!);
  // A project is keyed by its files' names and sizes (reading every byte of a project to key it would cost more
  // than the report).
  const listing = d.project
    ? await projectSource(d.project).then(
        (p) => p.paths.join('\n'),
        () => 'missing',
      )
    : '';
  return {
    kind: 'report',
    name: d.name,
    dataset: Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Record<string, string>,
    key: await contentKey('report', { d, listing, version: VERSION }, files),
  };
}
