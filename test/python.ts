import { spawnSync } from 'node:child_process';

/**
 * Debian's python3 with mrcfile/numpy, used as an independent reader in a few tests. .ci/run installs
 * it; on a developer machine without it those tests are skipped, in CI (CI=true) they fail.
 */
export const PYTHON = '/usr/bin/python3';

export function hasPythonModules(...mods: string[]): boolean {
  const r = spawnSync(PYTHON, ['-c', mods.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  const ok = r.status === 0;
  if (!ok && process.env['CI'] === 'true')
    throw new Error(`CI needs ${PYTHON} with ${mods.join(', ')} (apt-get install python3-mrcfile python3-numpy)`);
  return ok;
}

export function runPython(code: string, args: string[] = []): string {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}
