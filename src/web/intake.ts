import type { ProjectRef } from './protocol.js';

/**
 * How files reach the page. A folder arrives whole through a directory handle (the File System Access picker) or
 * a drop (webkitGetAsEntry): both list each folder's own entries, so RELION's alias links (`Polish/polish →
 * ../Polish/job028/`) are skipped and the jobs behind them still arrive. The folder chooser (`<input
 * webkitdirectory>`, for browsers without the picker) walks the tree itself and in Chromium loses the jobs behind
 * alias links; the project check then names what is missing. A zip is read entry by entry in the worker.
 */
type Listed = { path: string; file: File }[];

/** A folder's files by path below it, from the picker's directory handle. */
export async function fromDirectoryHandle(dir: FileSystemDirectoryHandle): Promise<ProjectRef> {
  const files: Listed = [];
  const walk = async (h: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
    for await (const [name, child] of h as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (child.kind === 'directory') await walk(child as FileSystemDirectoryHandle, `${prefix}${name}/`);
      else files.push({ path: `${prefix}${name}`, file: await (child as FileSystemFileHandle).getFile() });
    }
  };
  await walk(dir, '');
  return { root: dir.name, how: 'picker', files };
}

/** A dropped folder's files by path below it (the File System entries API). */
export async function fromDirectoryEntry(entry: FileSystemDirectoryEntry): Promise<ProjectRef> {
  const files: Listed = [];
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = dir.createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) break;
      for (const e of batch) {
        if (e.isDirectory) await walk(e as FileSystemDirectoryEntry, `${prefix}${e.name}/`);
        else
          files.push({
            path: `${prefix}${e.name}`,
            file: await new Promise<File>((ok, fail) => (e as FileSystemFileEntry).file(ok, fail)),
          });
      }
    }
  };
  await walk(entry, '');
  return { root: entry.name, how: 'drop', files };
}

/** The folder chooser's files (webkitRelativePath starts with the folder's name). */
export function fromFolderInput(list: FileList): ProjectRef | null {
  const files = Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
  if (!files.length) return null;
  const root = files[0]!.path.split('/')[0]!;
  const inside = files.every((f) => f.path.startsWith(`${root}/`));
  return {
    root,
    how: 'chooser',
    files: files.map((f) => ({ path: inside ? f.path.slice(root.length + 1) : f.path, file: f.file })),
  };
}

export const isZip = (f: File): boolean => /\.zip$/i.test(f.name);

export function fromZip(file: File): ProjectRef {
  return { root: file.name.replace(/\.zip$/i, ''), how: 'zip', zip: file };
}

/** What a drop holds: a folder or a zip becomes the project; loose files are given one by one. */
export async function fromDrop(data: DataTransfer): Promise<{ project: ProjectRef | null; files: File[] }> {
  const entries = Array.from(data.items ?? [])
    .map((i) => i.webkitGetAsEntry?.())
    .filter((x): x is FileSystemEntry => !!x);
  const dir = entries.find((e): e is FileSystemDirectoryEntry => e.isDirectory);
  const files = Array.from(data.files ?? []).filter(
    (f) => !dir || !entries.some((e) => e.isDirectory && e.name === f.name),
  );
  const zip = files.find(isZip);
  if (dir) return { project: await fromDirectoryEntry(dir), files: files.filter((f) => f !== zip) };
  if (zip) return { project: fromZip(zip), files: files.filter((f) => f !== zip) };
  return { project: null, files };
}

/** The directory picker where the browser has it (Chromium), else null (the page falls back to the chooser). */
export function directoryPicker(): (() => Promise<FileSystemDirectoryHandle>) | null {
  const w = window as unknown as { showDirectoryPicker?: (o?: object) => Promise<FileSystemDirectoryHandle> };
  return w.showDirectoryPicker ? () => w.showDirectoryPicker!({ mode: 'read' }) : null;
}
