import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const SHARED_MIN_BYTES = 16 << 20;

import { InputError } from '../core/errors.js';

export { InputError };

/**
 * Reads a whole input file; a missing or unreadable file gets a sentence, not a stack trace.
 * Large files land in a SharedArrayBuffer so worker threads can read the data without a copy.
 */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    // A device, FIFO or socket (/dev/zero, /dev/stdin) has no end to read to: only regular files.
    if (info.isDirectory()) throw new InputError(`${path}: is a directory, expected a file`);
    if (!info.isFile()) throw new InputError(`${path}: not a regular file (a device, pipe or socket); give a file`);
    const size = info.size;
    if (size < SHARED_MIN_BYTES) {
      const buf = await readFile(path);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const out = new Uint8Array(new SharedArrayBuffer(size));
    const fh = await open(path, 'r');
    try {
      let done = 0;
      while (done < size) {
        const { bytesRead } = await fh.read(out, done, Math.min(1 << 26, size - done), done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === size ? out : out.subarray(0, done);
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${path}: is a directory, expected a file`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw e;
  }
}

/**
 * Writes a file atomically: to a temporary name in the same folder, then rename, so a reader never
 * sees half a file. Refuses to replace any of `protectedInputs` (the user's inputs).
 */
export async function writeOutputAtomic(
  path: string,
  data: Uint8Array | Uint8Array[] | string,
  protectedInputs: readonly string[] = [],
): Promise<void> {
  const target = resolve(path);
  if (await sameFileAsAny(target, protectedInputs)) {
    throw new InputError(`${path}: refusing to overwrite an input file; choose another output name`);
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    const fh = await open(tmp, 'r');
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: the output folder does not exist`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw e;
  }
}

async function sameFileAsAny(target: string, inputs: readonly string[]): Promise<boolean> {
  const t = await stat(target).catch(() => null);
  for (const input of inputs) {
    if (resolve(input) === target) return true;
    if (t) {
      const s = await stat(input).catch(() => null);
      if (s && s.ino === t.ino && s.dev === t.dev) return true;
    }
  }
  return false;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
