import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JobOutput, NamedBytes } from '../../core/app/job.js';
import { readMap } from '../../core/app/inputs/maps.js';
import type { InsertionGrid } from '../../core/analysis/reconstruct/grid.js';
import { decodePartials, encodePartials, type PartialHeader } from '../../core/analysis/reconstruct/partial.js';
import { writeMrc } from '../../core/io/mrc/write.js';
import { decodeText } from '../../core/io/bytes.js';
import type { Volume } from '../../core/model/volume.js';
import { startRun, type ExecutorFlags } from '../executor/index.js';
import { contentKey } from '../executor/run.js';
import { InputError } from '../files.js';
import { readNamed, writeOutputs } from '../job-io.js';
import { VERSION } from '../cli/version.js';

/**
 * reslog and whatif as a staged run on the executor (SLURM, or this machine): a first task makes the full maps
 * (`--stage full`), the merge then plans one task per map to rebuild (`--stage plan` writes plan.json), those run,
 * and the last merge assembles the result (`--stage assemble`), with the same code as a local run. The tasks hand
 * each other files in OUT/<command>_parts/: the full grids (partial sums), the automatic mask, small JSON.
 */
export const STAGES = "full, plan, unit:N, order:N or assemble (what a staged run's tasks run; not for users)";

/** A stage named on the command line: full, plan, assemble, or unit:N / order:N. */
export function parseStage(v: string): { kind: string; index: number | null } {
  const m = /^(full|plan|assemble|unit|order)(?::(\d+))?$/.exec(v);
  if (!m || (m[2] === undefined) !== (m[1] !== 'unit' && m[1] !== 'order'))
    throw new InputError(`--stage ${v}: expected ${STAGES}`);
  return { kind: m[1]!, index: m[2] === undefined ? null : Number(m[2]) };
}

/** The folder of a staged run's intermediate files, and reading and writing them. */
export class RunParts {
  readonly dir: string;

  constructor(
    dir: string,
    private readonly inputs: string[],
  ) {
    this.dir = resolve(dir);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  has(name: string): boolean {
    return existsSync(this.path(name));
  }

  async write(outputs: JobOutput[]): Promise<void> {
    await writeOutputs(this.dir, outputs, this.inputs);
  }

  async read(name: string): Promise<NamedBytes> {
    if (!this.has(name))
      throw new InputError(
        `${this.path(name)} is missing: the task that writes it has not run (run the whole command again)`,
      );
    return readNamed(this.path(name));
  }

  async json<T>(name: string): Promise<T> {
    return JSON.parse(decodeText((await this.read(name)).bytes)) as T;
  }

  /** Grids as partial sums (the reconstruct shards' format). */
  static grids(name: string, grids: InsertionGrid[], header: Omit<PartialHeader, 'particles'>): JobOutput {
    return { name, parts: encodePartials(header, grids) };
  }

  async grids(name: string): Promise<InsertionGrid[]> {
    const f = await this.read(name);
    return decodePartials(f.bytes, f.name).grids;
  }

  static mask(volume: Volume): JobOutput {
    return { name: 'mask.mrc', bytes: writeMrc(volume, { labels: ['cryodx: automatic mask of the full maps'] }) };
  }

  async mask(): Promise<Volume | null> {
    return this.has('mask.mrc') ? readMap(await this.read('mask.mrc'), 'mask').volume : null;
  }
}

/** One task a plan lists: what it runs and what it reads (its content key). */
export interface PlannedTask {
  name: string;
  args: string[];
  paths: string[];
}

/**
 * Starts a staged run: the full-maps task now, the rest planned by the merge once it is done. `passOn` are the
 * command's own flags, which every stage gets; `inputs` the files they read.
 */
export async function submitStaged(o: {
  command: 'reslog' | 'whatif';
  /** The particle file as typed (absent with --project). */
  particlesArg?: string;
  passOn: string[];
  inputs: string[];
  out: string;
  flags: ExecutorFlags;
  quiet: boolean;
}): Promise<void> {
  const parts = join(resolve(o.out), `${o.command}_parts`);
  const common = [o.command, ...(o.particlesArg ? [o.particlesArg] : []), ...o.passOn];
  const key = await contentKey(`${o.command}-full`, { passOn: o.passOn, version: VERSION }, o.inputs);
  const tasks = [
    {
      kind: 'command' as const,
      name: `${o.command}: the full maps`,
      args: [...common, '--stage', 'full', '--parts', parts],
      key,
    },
  ];
  const merge = {
    next: [...common, '--stage', 'plan', '--parts', parts],
    plan: join(parts, 'plan.json'),
    args: [...common, '--stage', 'assemble', '--parts', parts, '--out', o.out],
  };
  const say = (l: string): void => void (o.quiet ? undefined : process.stderr.write(l));
  const r = await startRun({ kind: 'staged', out: o.out, version: VERSION, tasks, merge }, o.flags, say);
  const file = `${o.command}.json`;
  if (!r.complete) process.stdout.write(`${r.message}; ${file} will be in ${o.out}/ when the last merge job ends\n`);
  else process.stdout.write(`${r.message}. Wrote ${file} into ${o.out}/\n`);
}

/** The plan's tasks, written where the merge reads them. */
export function planOutput(tasks: PlannedTask[]): JobOutput {
  return { name: 'plan.json', text: JSON.stringify({ tasks }, null, 1) };
}
