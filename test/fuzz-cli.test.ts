import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseFiles } from './cli.js';
import {
  BAD_COMMAND_LINES,
  CLI_CASES,
  cliSeeds,
  mutatedProject,
  PROJECT_FILES,
  textOutputs,
  writeMutated,
  WRITTEN_NON_NUMBER,
  type CliSeeds,
} from './fuzz/cli-cases.js';
import { mutationsArb, type Mutation } from './fuzz/mutations.js';
import { cliProblem, runCli } from './fuzz/runner.js';

/**
 * Issue 34's CLI sweep: each command × a few seeded mutations of one of its inputs, run as a user runs cryodx
 * (a child process, killed after 20 s). Each run must end in exit 2 with one sentence, or exit 0 with no NaN,
 * Infinity or undefined printed or written. Bounded (PER_COMMAND cases per command line) and deterministic.
 */
const PER_COMMAND = 2;
const SEED = 3434;

let tmp: string;
let seeds: CliSeeds;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cryodx-fuzz-cli-'));
  seeds = cliSeeds(join(tmp, 'seeds'), caseFiles('nyq64'));
});

let n = 0;
async function check(args: string[], out: string, what: string): Promise<void> {
  const r = await runCli(args, 20_000);
  const problem =
    cliProblem(r) ??
    (r.code === 0
      ? (textOutputs(out)
          .map((f) => (WRITTEN_NON_NUMBER.test(f.text) ? `${f.path} holds ${WRITTEN_NON_NUMBER.exec(f.text)![0]}` : ''))
          .find(Boolean) ?? null)
      : null);
  expect(problem, `${what}: cryodx ${args.join(' ')}`).toBeNull();
}

const cases = (k: number): Mutation[][] => fc.sample(mutationsArb, { seed: SEED + k, numRuns: PER_COMMAND });

describe('fuzz: every command on mutated inputs ends in a sentence or finite results (issue 34)', () => {
  CLI_CASES.forEach((c, k) => {
    it(`${c.command} with a mutated ${c.input}`, async () => {
      for (const m of cases(k)) {
        const file = writeMutated(seeds[c.input], m, join(tmp, `m${n}${c.ext}`));
        const out = join(tmp, `out${n++}`);
        await check(c.args(file, out, seeds), out, JSON.stringify(m));
      }
    });
  });

  it('bad command lines on clean inputs: each one sentence (or a finite result), never an internal error', async () => {
    for (const [i, line] of BAD_COMMAND_LINES.entries()) {
      const out = join(tmp, `bad${i}`);
      await check(line(seeds, out), out, `bad command line ${i}`);
    }
  });

  it('report --project with one project file mutated', async () => {
    for (const [i, file] of PROJECT_FILES.entries()) {
      const [m] = cases(100 + i);
      const dir = mutatedProject(seeds, file, m!, join(tmp, `proj${i}`));
      const out = join(tmp, `report${i}`);
      await check(['report', '--project', dir, '--out', out], out, `${file} ${JSON.stringify(m)}`);
    }
  });
});
