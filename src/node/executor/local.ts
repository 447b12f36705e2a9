import { finished, specOf, stateOf, writeJson } from './run.js';
import { join } from 'node:path';
import { InputError } from '../files.js';

/**
 * The local executor: the tasks one after another in this process (a CTF shard still fits its micrographs on
 * worker threads), failed ones retried while attempts remain, then the merge. No scheduler, no waiting.
 */
export async function runLocal(dir: string, onProgress?: (done: number, total: number) => void): Promise<string> {
  const { merge, runTask } = await loadTasks();
  for (;;) {
    const spec = specOf(dir);
    const state = stateOf(dir);
    const done = finished(dir, spec);
    for (let i = 0; i < spec.tasks.length; i++) {
      if (done[i] || (state.attempts[i] ?? 0) >= spec.maxAttempts) continue;
      state.attempts[i] = (state.attempts[i] ?? 0) + 1;
      await writeJson(join(dir, 'state.json'), state);
      await runTask(dir, i).catch(() => undefined);
      onProgress?.(finished(dir, spec).filter(Boolean).length, spec.tasks.length);
    }
    const m = await merge(dir);
    if (m.kind === 'retry') continue;
    await writeJson(join(dir, 'state.json'), { ...stateOf(dir), outcome: m.kind, message: m.message });
    if (m.kind === 'incomplete') throw new InputError(m.message);
    return m.message;
  }
}

/**
 * The tasks' module (every job a task can run: CTF shards, reports, facility rows) is loaded when a run
 * starts, not with every command that offers --executor: `cryodx ctf` starts its workers ~50 ms sooner.
 */
export const loadTasks = (): Promise<typeof import('./tasks.js')> => import('./tasks.js');
