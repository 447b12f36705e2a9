import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../paths.js';
import { mutate, type Mutation } from './mutations.js';
import { paeSeed, seedBytes } from './runner.js';

/** The inputs a CLI sweep starts from: paths to clean copies (written once into `dir`). */
export interface CliSeeds {
  half1: string;
  half2: string;
  mask: string;
  map: string;
  model: string;
  afModel: string;
  pae: string;
  particles: string;
  ctfStar: string;
  ctffind: string;
  cs: string;
  postprocessStar: string;
  project: string;
}

/**
 * A command line with one input replaced by its mutation: `input` is the seed to mutate and `args` builds the
 * command from the mutated file's path and a fresh output folder.
 */
export interface CliCase {
  command: string;
  input: keyof CliSeeds;
  /** The extension the mutated copy keeps (formats are sniffed by it). */
  ext: string;
  args: (file: string, out: string, s: CliSeeds) => string[];
}

export const CLI_CASES: CliCase[] = [
  { command: 'info', input: 'half1', ext: '.mrc', args: (f) => ['info', f] },
  { command: 'info', input: 'particles', ext: '.star', args: (f) => ['info', f] },
  { command: 'info', input: 'cs', ext: '.cs', args: (f) => ['info', f] },
  { command: 'convert', input: 'cs', ext: '.cs', args: (f, o) => ['convert', f, join(o, 'c.star')] },
  { command: 'convert', input: 'map', ext: '.mrc', args: (f, o) => ['convert', f, join(o, 'c.mrc')] },
  { command: 'fsc', input: 'half1', ext: '.mrc', args: (f, o, s) => ['fsc', f, s.half2, '--out', o] },
  {
    command: 'postprocess',
    input: 'half1',
    ext: '.mrc',
    args: (f, o, s) => ['postprocess', f, s.half2, '--mask', s.mask, '--out', o],
  },
  {
    command: 'postprocess',
    input: 'mask',
    ext: '.mrc',
    args: (f, o, s) => ['postprocess', s.half1, s.half2, '--mask', f, '--out', o],
  },
  { command: 'anisotropy', input: 'half2', ext: '.mrc', args: (f, o, s) => ['anisotropy', s.half1, f, '--out', o] },
  { command: 'orientations', input: 'particles', ext: '.star', args: (f, o) => ['orientations', f, '--out', o] },
  { command: 'ctf-report', input: 'ctfStar', ext: '.star', args: (f, o) => ['ctf-report', f, '--out', o] },
  { command: 'ctf-report', input: 'ctffind', ext: '.txt', args: (f, o) => ['ctf-report', f, '--out', o] },
  {
    command: 'construct',
    input: 'afModel',
    ext: '.pdb',
    args: (f, o, s) => ['construct', f, '--pae', s.pae, '--out', o],
  },
  {
    command: 'construct',
    input: 'pae',
    ext: '.json',
    args: (f, o, s) => ['construct', s.afModel, '--pae', f, '--out', o],
  },
  {
    command: 'model-fsc',
    input: 'model',
    ext: '.pdb',
    args: (f, o, s) => ['model-fsc', '--map', s.map, '--model', f, '--out', o],
  },
  {
    command: 'budget',
    input: 'postprocessStar',
    ext: '.star',
    args: (f, o) => ['budget', '--from-postprocess', f, '--particle-count', '5000', '--out', o],
  },
];

/** Bad command lines on clean inputs: options out of range, swapped, not numbers, or inputs that do not fit. */
export const BAD_COMMAND_LINES: ((s: CliSeeds, out: string) => string[])[] = [
  (s, o) => ['postprocess', s.half1, s.half2, '--auto-mask', '--mask-threshold', '1e9', '--out', o],
  (s, o) => [
    'postprocess',
    s.half1,
    s.half2,
    '--mask',
    s.mask,
    '--autob-lowres',
    '5',
    '--autob-highres',
    '20',
    '--out',
    o,
  ],
  (s, o) => ['postprocess', s.half1, s.half2, '--mask', s.mask, '--bfactor', 'inf', '--out', o],
  (s, o) => ['postprocess', s.half1, s.half2, '--mask', s.mask, '--low-pass', '-3', '--out', o],
  (s, o) => ['postprocess', s.half1, s.half2, '--sphere-radius', '0', '--out', o],
  (s, o) => ['fsc', s.half1, s.half2, '--angpix', 'nan', '--out', o],
  (s, o) => ['fsc', s.half1, s.half2, '--angpix', '-1', '--out', o],
  (s, o) => ['fsc', s.half1, s.half1, '--out', o],
  (s, o) => ['fsc', s.half1, s.mask, '--mask', s.half2, '--out', o],
  (s, o) => ['fsc', s.half1, s.map, '--out', o],
  (s, o) => ['anisotropy', s.half1, s.half2, '--angpix', '1e308', '--out', o],
  (_s, _o) => ['budget', '--bfactor', '-50', '--resolution-a', '5', '--particle-count', '1000', '--target-a', '0.01'],
  (_s, o) => ['budget', '--point', '1000:nan', '--point', '2000:4', '--out', o],
  (_s, o) => ['budget', '--bfactor', 'Infinity', '--resolution-a', '5', '--out', o],
  (s, o) => ['model-fsc', '--map', s.map, '--model', s.model, '--resolution-a', '-2', '--out', o],
  (s, o) => ['model-fsc', '--map', s.half1, '--model', s.model, '--out', o],
  (s, o) => ['construct', s.model, '--pae', s.pae, '--out', o],
  (s, o) => ['ctf-report', s.ctfStar, '--map-resolution-a', 'nan', '--out', o],
  (s, o) => ['orientations', s.particles, '--sym', 'Q7', '--out', o],
  (s, o) => ['report', '--half1', s.half1, '--half2', s.half2, '--mw', '-5', '--out', o],
  (s, o) => ['report', '--project', s.half1, '--out', o],
  () => ['info', '/dev/zero'],
  (_s, o) => ['info', o],
  (s) => ['convert', s.cs, s.cs],
];

/** report --project on a copy of the RELION 5 fixture project with one of its files mutated. */
export const PROJECT_FILES = [
  'Polish/job011/bfactors.star',
  'CtfFind/job003/micrographs_ctf.star',
  'MotionCorr/job002/corrected_micrographs.star',
  'PostProcess/job013/postprocess.star',
];

export function writeMutated(seed: string, mutations: readonly Mutation[], to: string): string {
  writeFileSync(to, mutate(seedBytes(seed), mutations));
  return to;
}

/** The project copy with `file` mutated, in a folder of its own. */
export function mutatedProject(s: CliSeeds, file: string, mutations: readonly Mutation[], dir: string): string {
  cpSync(s.project, dir, { recursive: true });
  writeMutated(join(s.project, file), mutations, join(dir, file));
  return dir;
}

/** Seeds from the fixtures: the nyq64 half maps (made by the caller), the model fixtures, the RELION 5 project. */
export function cliSeeds(dir: string, halves: { half1: string; half2: string; mask: string }): CliSeeds {
  mkdirSync(dir, { recursive: true });
  const F = (...p: string[]): string => join(ROOT, 'fixtures', ...p);
  const pdb = readFileSync(F('model', 'fragment.pdb'), 'utf8');
  // The fragment as an AlphaFold prediction: pLDDT in B (as test/model.test.ts makes it).
  const af = join(dir, 'af.pdb');
  if (!existsSync(af))
    writeFileSync(
      af,
      'TITLE     ALPHAFOLD MONOMER V2.0 PREDICTION\n' +
        pdb
          .split('\n')
          .map((l) =>
            l.startsWith('ATOM')
              ? l.slice(0, 60) + (Number(l.slice(22, 26)) < 8 ? ' 40.00' : ' 90.00') + l.slice(66)
              : l,
          )
          .join('\n'),
    );
  const pae = join(dir, 'pae.json');
  if (!existsSync(pae)) writeFileSync(pae, paeSeed(40));
  return {
    ...halves,
    map: F('model', 'gemmi_density.mrc'),
    model: F('model', 'fragment.pdb'),
    afModel: af,
    pae,
    particles: F('projects', 'relion5', 'Refine3D', 'job012', 'run_data.star'),
    ctfStar: F('projects', 'relion5', 'CtfFind', 'job003', 'micrographs_ctf.star'),
    ctffind: F('ctffind', 'ctffind4_stack.txt'),
    cs: F('cs', 'particles.cs'),
    postprocessStar: F('projects', 'relion5', 'PostProcess', 'job013', 'postprocess.star'),
    project: F('projects', 'relion5'),
  };
}

/** Text outputs a run wrote (JSON, STAR, XML, HTML, SVG, CSV, TXT), for the "no NaN written" check. */
export function textOutputs(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return textOutputs(p);
    return /\.(json|star|xml|html|svg|csv|txt)$/i.test(n) ? [{ path: p, text: readFileSync(p, 'utf8') }] : [];
  });
}

/** A number written as NaN / Infinity / undefined (JSON null is absent, and fine); quoting a user's value is fine. */
export const WRITTEN_NON_NUMBER =
  /(?<!found (?:\\?"|&quot;)?)(?<![\w.-])-?(NaN|nan|Infinity|inf|undefined)(?![\w]| or infinite)/;
