/**
 * `npm run fuzz`: the long seeded campaign to run before a release (minutes to an hour), the same properties as
 * test/fuzz-*.test.ts with many more cases, over the repository's fixtures and, where it is, ../shared/data/real.
 *
 *   npm run fuzz -- [--cases N] [--cli N] [--seed S] [--real] [--only reader,…] [--out dir]
 *
 * --cases: mutations per reader (default 2000); --cli: mutations per command line (default 20); --real: seeds from
 * ../shared/data/real too (the half maps, STARs, the tutorial project, AlphaFold and cryoSPARC files). Prints one
 * line per reader and command (runs, refusals, results, failures) and writes every failure, with its seed file and
 * mutation list, to <out>/failures.json: turn each into a fixture regression case. Exit 1 if anything failed.
 */
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { caseFiles } from '../cli.js';
import { HAS_SHARED, shared } from '../paths.js';
import {
  BAD_COMMAND_LINES,
  CLI_CASES,
  cliSeeds,
  mutatedProject,
  PROJECT_FILES,
  textOutputs,
  writeMutated,
  WRITTEN_NON_NUMBER,
  type CliCase,
  type CliSeeds,
} from './cli-cases.js';
import { mutate, mutationsArb, type Mutation } from './mutations.js';
import { cliProblem, fixtureSeeds, paeSeed, ReaderPool, runCli, seedBytes, type Outcome } from './runner.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const CASES = Number(arg('cases', '2000'));
const CLI = Number(arg('cli', '20'));
const SEED = Number(arg('seed', String(Date.now() % 100000)));
const REAL = process.argv.includes('--real');
const ONLY = arg('only', '').split(',').filter(Boolean);
const OUT = arg('out', mkdtempSync(join(tmpdir(), 'cryodx-fuzz-')));
mkdirSync(OUT, { recursive: true });

interface Failure {
  what: string;
  seed: string;
  mutations: Mutation[];
  problem: string;
}
const failures: Failure[] = [];
const lines: string[] = [];
const log = (s: string): void => {
  lines.push(s);
  console.log(s);
};

const want = (name: string): boolean => !ONLY.length || ONLY.includes(name);

/** Real seed files by reader (../shared/data/real), when --real and it is there. */
function realReaderSeeds(): { reader: string; name: string; bytes: Uint8Array }[] {
  if (!REAL || !HAS_SHARED) return [];
  const R = (...p: string[]): string => shared('data', 'real', ...p);
  const list: [string, string][] = [
    ['mrc', R('betagal-238', 'q_half1.mrc')],
    ['mrc', R('betagal-238', 'mask.mrc')],
    ['star', R('betagal-238', 'matched_q.star')],
    ['particles', R('betagal-238', 'matched_q.star')],
    ['particles', R('betagal-particles', 'particles.star')],
    ['ctf', R('spectra', 'reference_micrographs_ctf_emtestdata.star')],
    ['star', R('betagal-238', 'relion_postprocess_238.star')],
    ['structure', R('alphafold', 'AF-P00221-F1-model_v4.pdb')],
    ['structure', R('alphafold', 'AF-P00221-F1-model_v4.cif')],
    ['pae', R('alphafold', 'AF-P00221-F1-predicted_aligned_error_v4.json')],
    ['cs', R('cryosparc', 'cryosparc_J2_particles_exported.cs')],
    ['npy', R('cryosparc', 'empiar_10076_7.cs')],
  ];
  const tut = tutorial();
  if (tut) {
    list.push(['polish', join(tut, 'Polish', 'job028', 'bfactors.star')]);
    list.push(['ctf', join(tut, 'CtfFind', 'job003', 'micrographs_ctf.star')]);
    list.push(['motion', join(tut, 'MotionCorr', 'job002', 'corrected_micrographs.star')]);
    list.push(['pipeline', join(tut, 'default_pipeline.star')]);
    list.push(['classes', join(tut, 'Class3D', 'job016', 'run_it025_model.star')]);
    list.push(['particles', join(tut, 'Refine3D', 'job029', 'run_data.star')]);
  }
  return list
    .filter(([, p]) => existsSync(p))
    .map(([reader, p]) => ({ reader, name: basename(p), bytes: seedBytes(p) }));
}

let tutorialDir: string | null | undefined;
function tutorial(): string | null {
  if (tutorialDir !== undefined) return tutorialDir;
  const tar = shared('data', 'real', 'relion-tutorial-3.1', 'relion_tutorial_files.tar.xz');
  if (!REAL || !existsSync(tar)) return (tutorialDir = null);
  const dir = join(OUT, 'tutorial');
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xJf', tar, '-C', dir]);
  const sub = readdirSync(dir).find((n) => existsSync(join(dir, n, 'CtfFind')));
  tutorialDir = existsSync(join(dir, 'CtfFind')) ? dir : sub ? join(dir, sub) : null;
  return tutorialDir;
}

async function readers(): Promise<void> {
  const pool = new ReaderPool();
  const seeds = fixtureSeeds().map((s) => ({ reader: s.reader, name: basename(s.path), bytes: seedBytes(s.path) }));
  seeds.push({ reader: 'pae', name: 'pae.json', bytes: paeSeed() }, ...realReaderSeeds());
  for (const reader of [...new Set(seeds.map((s) => s.reader))].filter(want)) {
    const mine = seeds.filter((s) => s.reader === reader);
    const count: Record<Outcome, number> = { ok: 0, refused: 0, internal: 0, nonfinite: 0, hang: 0 };
    const samples = fc.sample(fc.tuple(fc.constantFrom(...mine), mutationsArb), { seed: SEED, numRuns: CASES });
    for (const [seed, mutations] of samples) {
      const r = await pool.run(reader, mutate(seed.bytes, mutations), seed.name, 20_000);
      count[r.outcome]++;
      if (r.outcome !== 'ok' && r.outcome !== 'refused')
        failures.push({ what: `reader ${reader}`, seed: seed.name, mutations, problem: `${r.outcome}: ${r.message}` });
    }
    log(
      `reader ${reader.padEnd(10)} ${String(CASES).padStart(6)} runs: ${count.refused} refused, ${count.ok} read, ` +
        `${count.internal} internal, ${count.nonfinite} non-finite, ${count.hang} hangs`,
    );
  }
  await pool.close();
}

interface CliTally {
  runs: number;
  refused: number;
  results: number;
  failed: number;
}

async function cli(): Promise<void> {
  const dir = join(OUT, 'cli');
  const fixtures = cliSeeds(join(dir, 'seeds'), caseFiles('nyq64'));
  const sets: [string, CliSeeds][] = [['fixtures', fixtures]];
  const tut = tutorial();
  if (REAL && HAS_SHARED) {
    const R = (...p: string[]): string => shared('data', 'real', ...p);
    sets.push([
      'real',
      {
        ...fixtures,
        half1: R('betagal-238', 'q_half1.mrc'),
        half2: R('betagal-238', 'q_half2.mrc'),
        mask: R('betagal-238', 'mask.mrc'),
        afModel: R('alphafold', 'AF-P00221-F1-model_v4.pdb'),
        pae: R('alphafold', 'AF-P00221-F1-predicted_aligned_error_v4.json'),
        particles: R('betagal-238', 'matched_q.star'),
        ctfStar: tut ? join(tut, 'CtfFind', 'job003', 'micrographs_ctf.star') : fixtures.ctfStar,
        cs: R('cryosparc', 'cryosparc_J2_particles_exported.cs'),
        postprocessStar: R('betagal-238', 'relion_postprocess_238.star'),
        project: tut ?? fixtures.project,
      },
    ]);
  }
  let n = 0;
  for (const [label, seeds] of sets) {
    const tally = new Map<string, CliTally>();
    const one = async (command: string, args: string[], out: string, what: Omit<Failure, 'problem'>): Promise<void> => {
      const t = tally.get(command) ?? { runs: 0, refused: 0, results: 0, failed: 0 };
      tally.set(command, t);
      const r = await runCli(args, 20_000);
      const written = r.code === 0 ? textOutputs(out).find((f) => WRITTEN_NON_NUMBER.test(f.text))?.path : undefined;
      const problem = cliProblem(r) ?? (written ? `${written} holds a non-number` : null);
      t.runs++;
      if (problem) {
        t.failed++;
        failures.push({ ...what, problem });
      } else if (r.code === 2) t.refused++;
      else t.results++;
    };
    const tasks: (() => Promise<void>)[] = [];
    const cases: CliCase[] = CLI_CASES.filter((c) => want(c.command));
    for (const [k, c] of cases.entries()) {
      for (const m of fc.sample(mutationsArb, { seed: SEED + k, numRuns: CLI })) {
        const file = writeMutated(seeds[c.input], m, join(dir, `m${n}${c.ext}`));
        const out = join(dir, `out${n++}`);
        const what = { what: `${label} ${c.command}`, seed: c.input, mutations: m };
        tasks.push(() => one(c.command, c.args(file, out, seeds), out, what));
      }
    }
    if (want('bad')) {
      for (const [i, line] of BAD_COMMAND_LINES.entries()) {
        const out = join(dir, `out${n++}`);
        const args = line(seeds, out);
        const what = { what: `${label} bad line ${i}`, seed: args.join(' '), mutations: [] };
        tasks.push(() => one('bad command lines', args, out, what));
      }
    }
    if (want('report')) {
      const files =
        label === 'real' && tut
          ? [
              'Polish/job028/bfactors.star',
              'CtfFind/job003/micrographs_ctf.star',
              'MotionCorr/job002/corrected_micrographs.star',
              'PostProcess/job030/postprocess.star',
              'Refine3D/job029/run_data.star',
              'default_pipeline.star',
            ]
          : PROJECT_FILES;
      for (const [i, file] of files.entries()) {
        for (const m of fc.sample(mutationsArb, { seed: SEED + 1000 + i, numRuns: Math.max(1, Math.round(CLI / 4)) })) {
          const proj = mutatedProject(seeds, file, m, join(dir, `proj${n}`));
          const out = join(dir, `out${n++}`);
          tasks.push(() =>
            one('report --project', ['report', '--project', proj, '--out', out], out, {
              what: `${label} report --project`,
              seed: file,
              mutations: m,
            }),
          );
        }
      }
    }
    // two at a time: the CI kind has two cores
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) await tasks[next++]!();
    };
    await Promise.all([worker(), worker()]);
    for (const [command, t] of tally)
      log(
        `cli ${label.padEnd(8)} ${command.padEnd(16)} ${String(t.runs).padStart(4)} runs: ${t.refused} refused, ` +
          `${t.results} results, ${t.failed} failed`,
      );
  }
}

log(
  `cryodx fuzz campaign: seed ${SEED}, ${CASES} cases per reader, ${CLI} per command line${REAL ? ', real seeds' : ''}`,
);
const t0 = Date.now();
await readers();
if (CLI > 0) await cli();
log(
  `${failures.length} failures in ${((Date.now() - t0) / 1000).toFixed(0)} s; details in ${join(OUT, 'failures.json')}`,
);
writeFileSync(join(OUT, 'failures.json'), JSON.stringify(failures, null, 1));
writeFileSync(join(OUT, 'summary.txt'), lines.join('\n') + '\n');
process.exitCode = failures.length ? 1 : 0;
