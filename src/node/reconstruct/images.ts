import { open, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { stackLayout, type StackLayout } from '../../core/io/mrc/stack.js';
import type { ImageSource } from '../../core/analysis/reconstruct/stream.js';

/**
 * Particle stacks on disk. A STAR's image paths are resolved as RELION resolves them — relative to the
 * project directory (--project-dir, else the working directory, where RELION runs) — and, failing that,
 * relative to the STAR's own folder and the folders above it (a job folder's STAR inside its project).
 * cryoSPARC's '>' prefix (paths relative to the project) is dropped before. Files stay open while used.
 */
export class FileImageSource implements ImageSource {
  private readonly handles = new Map<string, FileHandle>();
  private readonly resolved = new Map<string, string | null>();
  /** How each base folder was used, for the one line that says where the stacks were found. */
  readonly basesUsed = new Map<string, string>();
  private readonly bases: { dir: string; why: string }[];

  constructor(starPath: string, projectDir?: string, projectFlag = '--project-dir') {
    const starDir = dirname(resolve(starPath));
    const bases: { dir: string; why: string }[] = [];
    if (projectDir) bases.push({ dir: resolve(projectDir), why: projectFlag });
    bases.push({ dir: process.cwd(), why: 'the working directory (the RELION project)' });
    bases.push({ dir: starDir, why: 'the STAR file’s folder' });
    for (let d = dirname(starDir), k = 0; k < 3 && d !== dirname(d); d = dirname(d), k++)
      bases.push({ dir: d, why: `a folder above the STAR file (${d})` });
    this.bases = bases;
  }

  private async path(stack: string): Promise<string | null> {
    if (this.resolved.has(stack)) return this.resolved.get(stack)!;
    const name = stack.replace(/^>/, '');
    const tries = isAbsolute(name) ? [{ dir: '', why: 'an absolute path' }] : this.bases;
    for (const b of tries) {
      const p = isAbsolute(name) ? name : resolve(b.dir, name);
      const h = await open(p, 'r').catch(() => null);
      if (h) {
        this.handles.set(stack, h);
        this.resolved.set(stack, p);
        this.basesUsed.set(b.why, b.dir);
        return p;
      }
    }
    this.resolved.set(stack, null);
    return null;
  }

  async layout(stack: string): Promise<StackLayout | null> {
    const p = await this.path(stack);
    if (!p) return null;
    const h = this.handles.get(stack)!;
    const head = new Uint8Array(1024);
    const { bytesRead } = await h.read(head, 0, 1024, 0);
    const size = (await h.stat()).size;
    return stackLayout(head.subarray(0, bytesRead), size, p);
  }

  async read(stack: string, start: number, end: number): Promise<Uint8Array> {
    const h = this.handles.get(stack)!;
    const out = new Uint8Array(end - start);
    let got = 0;
    while (got < out.length) {
      const { bytesRead } = await h.read(out, got, out.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === out.length ? out : out.subarray(0, got);
  }

  describe(stack: string): string {
    const name = stack.replace(/^>/, '');
    if (isAbsolute(name)) return `No file at ${name}`;
    return (
      `Looked in ${this.bases.map((b) => `${b.why} ${b.dir}`).join('; ')}. ` +
      'Run from the project directory or give it with --project-dir'
    );
  }

  /** One sentence: where the stacks were found. */
  summary(): string | null {
    if (this.basesUsed.size === 0) return null;
    const bases = [...this.basesUsed].map(([why, dir]) => `${why} (${dir})`);
    return `particle stacks resolved relative to ${bases.join(' and ')}`;
  }

  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.close()));
    this.handles.clear();
  }
}
