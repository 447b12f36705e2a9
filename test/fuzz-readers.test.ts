import fc from 'fast-check';
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mutate, mutationsArb } from './fuzz/mutations.js';
import { fixtureSeeds, paeSeed, ReaderPool, seedBytes } from './fuzz/runner.js';

/**
 * Issue 34's property, per reader, over seeded mutations of the repository's own fixtures: every case ends within
 * its time limit, and either is refused with a FormatError / InputError or gives a result whose numbers are
 * finite. Seeded (a failure prints the seed and the shrunk mutation list) and bounded: CASES per reader, run on
 * a worker thread that is replaced when a case hangs. `npm run fuzz` runs the same with many more cases.
 */
const CASES = 1000;
const SEED = 34;

const pool = new ReaderPool();
afterAll(() => pool.close());

const seeds = fixtureSeeds().map((s) => ({ reader: s.reader, name: basename(s.path), bytes: seedBytes(s.path) }));
seeds.push({ reader: 'pae', name: 'pae.json', bytes: paeSeed() });
const readers = [...new Set(seeds.map((s) => s.reader))];

describe('fuzz: every reader ends, refuses by name or gives finite numbers (issue 34)', () => {
  it('the seeds themselves read cleanly (so a mutation is what a failure is about)', async () => {
    for (const s of seeds) expect((await pool.run(s.reader, s.bytes, s.name)).outcome, s.name).toBe('ok');
  });

  for (const reader of readers) {
    it(`${reader}: ${CASES} seeded mutations`, async () => {
      const mine = seeds.filter((s) => s.reader === reader);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...mine), mutationsArb, async (seed, mutations) => {
          const r = await pool.run(reader, mutate(seed.bytes, mutations), seed.name, 5000);
          if (r.outcome !== 'ok' && r.outcome !== 'refused')
            throw new Error(`${seed.name}: ${r.outcome}: ${r.message ?? ''} (${JSON.stringify(mutations)})`);
        }),
        { seed: SEED, numRuns: CASES, endOnFailure: true },
      );
    });
  }
});
