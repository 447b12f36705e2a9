import { stackLayout, type StackLayout } from '../../io/mrc/stack.js';
import type { ImageSource } from './stream.js';

/** A file that can be read in pieces: a browser File, or anything with a size and a ranged read. */
export interface RangedFile {
  path: string;
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Particle stacks among a list of files (a folder dropped on the page): a STAR's image path is matched to the
 * file whose path ends with it (the folder's own name and anything above it stay unknown to the page), the
 * shortest such path first. cryoSPARC's '>' prefix is dropped.
 */
export class ListedImageSource implements ImageSource {
  private readonly byPath: RangedFile[];
  private readonly found = new Map<string, RangedFile | null>();

  constructor(files: RangedFile[]) {
    this.byPath = [...files].sort((a, b) => a.path.length - b.path.length);
  }

  private file(stack: string): RangedFile | null {
    if (this.found.has(stack)) return this.found.get(stack)!;
    const name = stack.replace(/^>/, '').replace(/^\.\//, '');
    const f = this.byPath.find((x) => x.path === name || x.path.endsWith('/' + name)) ?? null;
    this.found.set(stack, f);
    return f;
  }

  async layout(stack: string): Promise<StackLayout | null> {
    const f = this.file(stack);
    if (!f) return null;
    return stackLayout(await f.read(0, Math.min(1024, f.size)), f.size, f.path);
  }

  read(stack: string, start: number, end: number): Promise<Uint8Array> {
    return this.file(stack)!.read(start, end);
  }

  describe(stack: string): string {
    return `No file in the dropped folder ends with ${stack}: drop the project folder that holds the particle stacks`;
  }
}
