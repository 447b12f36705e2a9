import { describe, expect, it } from 'vitest';
import { checkGivenFiles, type GivenFile } from './check.js';

const map = (name: string, role: GivenFile['role'], n: number, px: number | null = 1.1): GivenFile => ({
  name,
  role,
  read: { ok: true, text: `${n}³`, shape: [n, n, n], pixelSizeA: px },
});
const blocking = (files: GivenFile[], typed: number | null = null): string[] =>
  checkGivenFiles(files, { project: false, typedPixelSizeA: typed })
    .filter((p) => p.blocking)
    .map((p) => p.message);

describe('files checked together as they are read', () => {
  it('agreeing half maps and mask: nothing in the way', () => {
    expect(blocking([map('h1.mrc', 'half1', 96), map('h2.mrc', 'half2', 96), map('m.mrc', 'mask', 96)])).toEqual([]);
  });

  it('names what stops the run: sizes, one half alone, two files in one role, pixel sizes, unread files', () => {
    expect(blocking([map('h1.mrc', 'half1', 96), map('h2.mrc', 'half2', 75)])).toEqual([
      'the maps differ in size (h1.mrc 96×96×96, h2.mrc 75×75×75): half maps and mask must come from one refinement',
    ]);
    expect(blocking([map('h1.mrc', 'half1', 96)])).toEqual(['half map 1 without half map 2: give both, or neither']);
    expect(blocking([map('a.mrc', 'half1', 96), map('b.mrc', 'half1', 96), map('c.mrc', 'half2', 96)])[0]).toBe(
      '2 files as “half map 1” (a.mrc, b.mrc): keep one',
    );
    const px = [map('h1.mrc', 'half1', 96, 1.1), map('h2.mrc', 'half2', 96, 1.3)];
    expect(blocking(px)[0]).toMatch(/headers disagree \(1\.1, 1\.3 Å\)/);
    expect(blocking(px, 1.1)).toEqual([]);
    const bad: GivenFile = {
      name: 'x.star',
      role: 'particles',
      read: { ok: false, text: 'bad', shape: null, pixelSizeA: null },
    };
    expect(blocking([bad])).toEqual(['x.star: bad — remove it, or set its role to “not used”']);
    expect(blocking([{ ...bad, role: 'other' }])).toEqual(['nothing to analyse yet: drop files or a project folder']);
    expect(blocking([{ name: 'p.star', role: 'particles', read: null }])).toEqual(['reading 1 file…']);
  });
});
