import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { JobOutput, NamedBytes } from '../core/app/job.js';
import { maybeGunzip } from '../core/io/bytes.js';
import { InputError, readInput, writeOutputAtomic } from './files.js';
import { NATIVE_ZLIB } from './native-zlib.js';

/**
 * The file side of every command: inputs read into named bytes (the name is the path the user typed,
 * so messages and outputs name it as they did), outputs written atomically into one folder.
 */
export async function readNamed(path: string): Promise<NamedBytes> {
  return { name: path, bytes: await readInflated(path) };
}

/** A file's bytes, a gzip file inflated by Node's zlib on the way in (the readers would use fflate). */
export async function readInflated(path: string): Promise<Uint8Array> {
  return maybeGunzip(await readInput(path), path, NATIVE_ZLIB);
}

export async function readNamedOptional(path: string | undefined): Promise<NamedBytes | undefined> {
  return path === undefined ? undefined : readNamed(path);
}

/** The output folder: made if missing; a file of that name is refused (never replaced). */
export async function outputFolder(dir: string): Promise<string> {
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory())
    throw new InputError(`--out ${dir}: is an existing file, not a folder; choose a folder name`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes a job's outputs under `dir` (subfolders as named), never replacing one of `inputs`. */
export async function writeOutputs(dir: string, outputs: JobOutput[], inputs: readonly string[]): Promise<string[]> {
  await outputFolder(dir);
  const paths = outputs.map((o) => join(dir, o.name));
  const write = async (o: JobOutput, path: string): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    await writeOutputAtomic(path, 'bytes' in o ? o.bytes : 'parts' in o ? o.parts : o.text, inputs);
  };
  // Side by side (each through its own temporary file and rename); one after another if a name repeats.
  if (new Set(paths).size === paths.length) await Promise.all(outputs.map((o, i) => write(o, paths[i]!)));
  else for (const [i, o] of outputs.entries()) await write(o, paths[i]!);
  return paths;
}
