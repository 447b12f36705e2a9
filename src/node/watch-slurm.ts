import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputStems, type CtfRow } from '../core/app/jobs/ctf-run.js';
import { shards, startRun } from './executor/index.js';
import { contentKey } from './executor/run.js';
import type { WatchOptions } from './watch.js';

/** A watch batch on SLURM: the new micrographs as one sharded CTF run (waited for), its rows read back. */
export async function shardedRows(o: WatchOptions, paths: string[], pass: number): Promise<CtfRow[]> {
  const out = join(o.out, 'batches', `pass-${String(pass).padStart(5, '0')}`);
  const stems = outputStems(paths);
  const groups = shards(
    paths.map((_, i) => i),
    Math.ceil(paths.length / 25),
  );
  const tasks = await Promise.all(
    groups.map(async (ix, k) => ({
      kind: 'ctf-shard' as const,
      name: `shard ${k + 1} of pass ${pass}`,
      paths: ix.map((i) => paths[i]!),
      stems: ix.map((i) => stems[i]!),
      options: o.fit,
      key: await contentKey(
        'ctf-shard',
        { options: o.fit, version: o.version },
        ix.map((i) => paths[i]!),
      ),
    })),
  );
  await startRun(
    { kind: 'ctf', out, version: o.version, tasks, merge: { options: o.fit } },
    { ...o.executor, wait: true },
    o.say,
  );
  return JSON.parse(readFileSync(join(out, 'ctf.json'), 'utf8')) as CtfRow[];
}
