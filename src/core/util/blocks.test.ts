import { describe, expect, it } from 'vitest';
import { forEachBlock } from './blocks.js';

describe('forEachBlock', () => {
  it('visits [0, n) once, in order, in blocks of at most 65536 after a short first one', () => {
    for (const n of [0, 1, 63, 64, 65, 65600, 65601, 200_000]) {
      const seen: [number, number][] = [];
      forEachBlock(n, (from, to) => seen.push([from, to]));
      let next = 0;
      for (const [from, to] of seen) {
        expect(from).toBe(next);
        expect(to).toBeGreaterThan(from);
        expect(to - from).toBeLessThanOrEqual(65536);
        next = to;
      }
      expect(next).toBe(n);
      if (n > 64) expect(seen[0]).toEqual([0, 64]);
    }
  });
});
