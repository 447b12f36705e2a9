import { describe, expect, it } from 'vitest';
import { glibcRand, glibcRandAt, jumpAhead, relionUniform, relionUniformAt } from './random.js';

describe('glibcRand', () => {
  it('reproduces glibc rand() for the default seed and srand(7) (values printed by a C program)', () => {
    const r = glibcRand();
    expect([r(), r(), r(), r(), r()]).toEqual([1804289383, 846930886, 1681692777, 1714636915, 1957747793]);
    const s = glibcRand(7);
    expect([s(), s(), s()]).toEqual([1045618677, 1863967299, 1272579899]);
  });
  it('RELION rnd_unif stays in [a, b) in single precision', () => {
    const u = relionUniform(glibcRand(), 0, 2 * Math.PI);
    for (let i = 0; i < 1000; i++) {
      const v = u();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(Math.fround(2 * Math.PI));
      expect(Math.fround(v)).toBe(v);
    }
  });
  it('fill gives the same stream as one call per value, across its blocks and between calls', () => {
    const calls = glibcRand(3),
      bulk = glibcRand(3);
    const want = Array.from({ length: 10000 }, () => calls());
    const got = new Int32Array(10000);
    got[0] = bulk();
    bulk.fill(got.subarray(1, 9000));
    got[9000] = bulk();
    bulk.fill(got.subarray(9001));
    expect(Array.from(got)).toEqual(want);
    const u = relionUniform(glibcRand(), 0, 2 * Math.PI),
      v = relionUniform(glibcRand(), 0, 2 * Math.PI);
    const one = Float32Array.from({ length: 5000 }, () => u());
    const many = new Float32Array(5000);
    v.fill(many);
    expect(Array.from(many)).toEqual(Array.from(one));
  });
  it('jumps ahead to where drawing one value at a time gets, near and far (threads draw their own parts)', () => {
    const start = glibcRand(5);
    start();
    const state = start.state();
    const walk = glibcRandAt(state);
    const values = Array.from({ length: 100_050 }, () => walk());
    for (const n of [0, 1, 2, 3, 33, 34, 35, 1000, 65_537, 100_000]) {
      const jumped = glibcRandAt(jumpAhead(state, n));
      expect([jumped(), jumped(), jumped()], `n = ${n}`).toEqual(values.slice(n, n + 3));
    }
    // skip moves the generator itself; the uniform stream continues the same way on "another thread".
    const g = glibcRandAt(state);
    g.skip(99_999);
    expect(g()).toBe(values[99_999]);
    const u = relionUniform(glibcRandAt(state), 0, 2 * Math.PI);
    const elsewhere = relionUniformAt(u.state(), 777);
    const direct = Array.from({ length: 780 }, () => u());
    expect(elsewhere()).toBe(direct[777]);
  });
});
