import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { zipProjectSource, type ProjectSource } from '../core/app/project/project.js';
import { InputError, readInput } from './files.js';

/** Folders a processing project keeps bulk data in: listed by name only, never read unless asked for. */
const SKIP = new Set(['.git', 'node_modules', '.Trash']);

/** Every file under a project folder (relative, '/'-separated), read lazily. */
export async function projectSource(root: string): Promise<ProjectSource> {
  const s = await stat(root).catch(() => null);
  if (!s) throw new InputError(`--project ${root}: no such folder`);
  if (s.isFile() && /\.zip$/i.test(root)) return zipFile(root, s.size);
  if (!s.isDirectory()) throw new InputError(`--project ${root}: is a file; give the project's folder or a zip of it`);
  const paths: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 6) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const full = join(dir, e.name);
      // RELION links inputs (Movies/ → the raw data) with symbolic links; follow them to files, not folders.
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(full).catch(() => null))?.isDirectory());
      if (isDir) await walk(full, depth + 1);
      else paths.push(relative(root, full).split(sep).join('/'));
    }
  };
  await walk(root, 0);
  return { root, paths, read: (p) => readInput(join(root, p)) };
}

/** A zipped project: entries read by byte range from the file, never the whole archive at once. */
async function zipFile(path: string, size: number): Promise<ProjectSource> {
  const read = async (start: number, end: number): Promise<Uint8Array> => {
    const f = await open(path, 'r');
    try {
      const buf = new Uint8Array(Math.max(0, Math.min(end, size) - start));
      const { bytesRead } = await f.read(buf, 0, buf.length, start);
      return buf.subarray(0, bytesRead);
    } finally {
      await f.close();
    }
  };
  return zipProjectSource({ size, read }, path);
}

/** Pick files of one picker: a folder (every coordinate file under it) or one file. */
export async function pickerFiles(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => null);
  if (!s) throw new InputError(`--picks ${path}: no such file or folder`);
  if (!s.isDirectory()) return [path];
  const src = await projectSource(path);
  const files = src.paths.filter(
    (p) =>
      /(_autopick\.star|_manualpick\.star|_pick\.star|\.box|\.cbox|\.txt|\.cs)$/i.test(p) &&
      !/(^|\/)coords_suffix_/.test(p),
  );
  if (!files.length)
    throw new InputError(`--picks ${path}: no coordinate files (RELION *_autopick.star, .box, .cbox, Topaz .txt, .cs)`);
  return files.map((f) => join(path, f));
}
