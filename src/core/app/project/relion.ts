import type { Warning } from '../../errors.js';
import { maybeGunzip } from '../../io/bytes.js';
import { iterationOf } from '../../io/processing/classes.js';
import { jobTypeOf, parseJobName, readJobOptions, readPipeline, type JobStatus } from '../../io/processing/pipeline.js';
import { readStar, type StarDocument } from '../../io/star/read.js';
import type { InputUse } from '../../report/report.js';
import type { NamedBytes } from '../job.js';
import type { PickerFiles, PostprocessEntry } from '../report/processing-files.js';
import { gapsWarning, relionProjectGaps } from './check.js';
import type { ProjectInput, ProjectInputs, ProjectSource } from './project.js';
import { RLN } from '../../io/star/labels.js';

/**
 * A RELION project (3.1–5) as `report --project` reads it: the jobs from default_pipeline.star and the job folders,
 * their status from the exit markers, and for each kind of evidence the latest successful job with its outputs.
 */
interface Job {
  name: string;
  kind: string;
  number: number;
  status: JobStatus;
  alias: string | null;
}

/** RELION_JOB_EXIT_* markers are written when a job ends; they overrule a pipeline that was not saved since. */
const MARKERS: [string, JobStatus][] = [
  ['RELION_JOB_EXIT_FAILURE', 'failed'],
  ['RELION_JOB_EXIT_ABORTED', 'aborted'],
  ['RELION_JOB_EXIT_SUCCESS', 'succeeded'],
];

class RelionProject {
  readonly used: InputUse[] = [];
  readonly notes: Warning[] = [];
  private readonly stars = new Map<string, StarDocument>();

  constructor(
    readonly src: ProjectSource,
    readonly paths: Set<string>,
    readonly jobs: Job[],
  ) {}

  has(path: string): boolean {
    return this.paths.has(path);
  }

  async bytes(path: string): Promise<NamedBytes> {
    return { name: path, bytes: await this.src.read(path) };
  }

  async star(path: string): Promise<StarDocument | null> {
    if (!this.has(path)) return null;
    let d = this.stars.get(path);
    if (!d) {
      try {
        d = readStar(maybeGunzip(await this.src.read(path), path), { source: path });
      } catch (e) {
        this.note('unreadable', `${path}: ${(e as Error).message}`);
        return null;
      }
      this.stars.set(path, d);
    }
    return d;
  }

  async options(job: string): Promise<Map<string, string>> {
    const d = await this.star(`${job}/job.star`);
    return d ? readJobOptions(d) : new Map();
  }

  note(code: string, message: string): void {
    this.notes.push({ code: `project-${code}`, message });
  }

  use(role: string, file: string, job: string | null, note: string | null = null): void {
    this.used.push({ role, file, job, note });
  }

  /**
   * The latest successful job of a kind whose outputs pass `ready`; newer jobs passed over are noted. Jobs are
   * ordered by number (RELION numbers them as they are created).
   */
  async latest(kind: string, ready: (job: Job) => boolean | Promise<boolean>, role: string): Promise<Job | null> {
    const list = this.jobs.filter((j) => j.kind === kind).sort((a, b) => b.number - a.number);
    for (const j of list) {
      if (j.status !== 'succeeded') {
        this.note(
          'job-skipped',
          `${j.name} (${role}) ${j.status === 'unknown' ? 'has no exit status' : j.status}: not used`,
        );
        continue;
      }
      if (await ready(j)) return j;
      this.note('job-incomplete', `${j.name} (${role}) finished but its outputs are not in the project: not used`);
    }
    return null;
  }

  succeeded(kind: string): Job[] {
    return this.jobs.filter((j) => j.kind === kind && j.status === 'succeeded').sort((a, b) => a.number - b.number);
  }
}

async function relionJobs(src: ProjectSource, paths: Set<string>): Promise<{ jobs: Job[]; version: string }> {
  const byName = new Map<string, Job>();
  let version = 'RELION';
  if (paths.has('default_pipeline.star')) {
    const doc = readStar(maybeGunzip(await src.read('default_pipeline.star'), 'default_pipeline.star'), {
      source: 'default_pipeline.star',
    });
    const jobs = readPipeline(doc);
    version = jobs.some((j) => j.type.includes('.')) ? 'RELION 4/5' : 'RELION 3.1';
    jobs.forEach((j) => byName.set(j.name, { ...j }));
  }
  // Folders with a job.star or an exit marker are jobs too (a pipeline saved before they ran, or none at all).
  for (const p of paths) {
    const m = /^([A-Za-z0-9]+\/job\d+)\/(job\.star|RELION_JOB_EXIT_\w+)$/.exec(p);
    if (!m || byName.has(m[1]!)) continue;
    const j = parseJobName(m[1]!);
    if (j) byName.set(j.name, { ...j, status: 'unknown', alias: null });
  }
  for (const j of byName.values()) {
    const marker = MARKERS.find(([f]) => paths.has(`${j.name}/${f}`));
    if (marker) j.status = marker[1];
  }
  return { jobs: [...byName.values()], version };
}

export async function relionProjectInputs(src: ProjectSource, paths: Set<string>): Promise<ProjectInputs> {
  const { jobs, version } = await relionJobs(src, paths);
  const p = new RelionProject(src, paths, jobs);
  const input: ProjectInput = {};
  await motion(p, input);
  await ctf(p, input);
  const refine = await refinement(p, input);
  await postprocessing(p, input, refine);
  await polishing(p, input);
  await ctfRefinement(p, input);
  await classes(p, input);
  await picks(p, input);
  const diameter = await particleDiameter(p, refine);
  if (diameter) input.particleDiameterA = diameter;
  const gaps = gapsWarning(await relionProjectGaps(src));
  return { kind: 'RELION', input, used: p.used, notes: [...versionNote(version), ...(gaps ? [gaps] : []), ...p.notes] };
}

function versionNote(version: string): Warning[] {
  return [{ code: 'project-version', message: `read as a ${version} project` }];
}

async function motion(p: RelionProject, input: ProjectInput): Promise<void> {
  const job = await p.latest('MotionCorr', (j) => p.has(`${j.name}/corrected_micrographs.star`), 'motion');
  if (!job) return;
  const main = `${job.name}/corrected_micrographs.star`;
  const doc = await p.star(main);
  const loop = doc?.blocks.find((b) => b.loop?.has(RLN.micrographMetadata))?.loop;
  const meta = loop ? loop.strings(RLN.micrographMetadata).filter((m) => p.has(m)) : [];
  input.motion = [await p.bytes(main), ...(await Promise.all(meta.map((m) => p.bytes(m))))];
  p.use('motion', main, job.name, `latest successful MotionCorr; ${meta.length} per-micrograph motion files`);
}

async function ctf(p: RelionProject, input: ProjectInput): Promise<void> {
  const job = await p.latest('CtfFind', (j) => p.has(`${j.name}/micrographs_ctf.star`), 'CTF');
  if (!job) return;
  input.ctf = [await p.bytes(`${job.name}/micrographs_ctf.star`)];
  p.use('ctf', `${job.name}/micrographs_ctf.star`, job.name, 'latest successful CtfFind');
}

async function refinement(p: RelionProject, input: ProjectInput): Promise<Job | null> {
  const job = await p.latest('Refine3D', (j) => p.has(`${j.name}/run_data.star`), 'refinement');
  if (!job) return null;
  input.particles = await p.bytes(`${job.name}/run_data.star`);
  p.use('particles', `${job.name}/run_data.star`, job.name, 'latest successful Refine3D (angles for orientations)');
  const sym = (await p.options(job.name)).get('sym_name');
  if (sym) input.symmetry = sym;
  const [h1, h2] = ['half1', 'half2'].map((h) => `${job.name}/run_${h}_class001_unfil.mrc`);
  if (p.has(h1!) && p.has(h2!)) {
    input.half1 = await p.bytes(h1!);
    input.half2 = await p.bytes(h2!);
    p.use('half maps', `${h1}, ${h2}`, job.name, null);
    const mask = await maskFor(p, job);
    if (mask) {
      input.mask = { kind: 'user', file: await p.bytes(mask.file) };
      p.use('mask', mask.file, mask.job, mask.why);
    } else input.mask = { kind: 'auto' };
  } else
    p.note(
      'no-maps',
      `${job.name}: no unfiltered half maps in the project; map-based causes are measured from RELION's ` +
        'post-processing',
    );
  return job;
}

/** The mask RELION post-processed this refinement with, else the latest MaskCreate mask. */
async function maskFor(p: RelionProject, refine: Job): Promise<{ file: string; job: string; why: string } | null> {
  for (const pp of p.succeeded('PostProcess').reverse()) {
    const o = await p.options(pp.name);
    const m = o.get('fn_mask');
    if ((o.get('fn_in') ?? '').startsWith(`${refine.name}/`) && m && p.has(m))
      return { file: m, job: pp.name, why: `the mask ${pp.name} post-processed this refinement with` };
  }
  const mc = p
    .succeeded('MaskCreate')
    .reverse()
    .find((j) => p.has(`${j.name}/mask.mrc`));
  return mc ? { file: `${mc.name}/mask.mrc`, job: mc.name, why: 'latest successful MaskCreate' } : null;
}

/** Every successful post-processing in order, with its refinement's particle count and the step before it. */
async function postprocessing(p: RelionProject, input: ProjectInput, refine: Job | null): Promise<void> {
  const entries: PostprocessEntry[] = [];
  for (const pp of p.succeeded('PostProcess')) {
    const file = `${pp.name}/postprocess.star`;
    if (!p.has(file)) continue;
    const src = (await p.options(pp.name)).get('fn_in') ?? '';
    const rj = parseJobName(src.split('/').slice(0, 2).join('/'));
    const e: PostprocessEntry = { file: await p.bytes(file) };
    if (rj) {
      const data = await p.star(`${rj.name}/run_data.star`);
      const n = data?.blocks.find((b) => b.name === 'particles' || b.loop?.has(RLN.imageName))?.loop?.rows;
      if (n) e.particles = n;
      const img = (await p.options(rj.name)).get('fn_img') ?? '';
      if (img.startsWith('Polish/')) e.after = 'polishing';
      else if (img.startsWith('CtfRefine/')) e.after = 'ctf-refinement';
    }
    entries.push(e);
    const from = rj ? ` of ${rj.name}${e.particles ? ` (${e.particles} particles)` : ''}` : '';
    const step = e.after ? `, refined after ${e.after}` : '';
    p.use('postprocess', file, pp.name, `post-processing${from}${step}`);
  }
  if (!entries.length) return;
  if (refine && !entries.some((e) => e.file.name.startsWith('PostProcess/')))
    p.note('no-postprocess', `${refine.name} has no successful post-processing in the project`);
  input.postprocessStars = entries;
}

async function polishing(p: RelionProject, input: ProjectInput): Promise<void> {
  const job = await p.latest('Polish', (j) => p.has(`${j.name}/bfactors.star`), 'polishing');
  if (!job) return;
  input.bfactors = await p.bytes(`${job.name}/bfactors.star`);
  p.use('bfactors', `${job.name}/bfactors.star`, job.name, 'latest successful Polish with per-frame B-factors');
}

async function ctfRefinement(p: RelionProject, input: ProjectInput): Promise<void> {
  const job = await p.latest('CtfRefine', (j) => p.has(`${j.name}/particles_ctf_refine.star`), 'CTF refinement');
  if (!job) return;
  const file = `${job.name}/particles_ctf_refine.star`;
  input.ctfRefine = [await p.bytes(file)];
  p.use(
    'ctf-refine',
    file,
    job.name,
    'latest successful CtfRefine (its optics table carries every refined aberration)',
  );
}

/** The latest 3D classification (else 2D): last iteration's model, optimiser and data, and what Select kept. */
async function classes(p: RelionProject, input: ProjectInput): Promise<void> {
  for (const kind of ['Class3D', 'Class2D']) {
    const models = (j: Job): string[] =>
      // Continued runs write run_ctNN_itMMM_model.star: their iterations count on from the original run's.
      [...p.paths].filter((f) => f.startsWith(`${j.name}/`) && /_it\d+_model\.star$/.test(f));
    const job = await p.latest(kind, (j) => models(j).length > 0, kind);
    if (!job) continue;
    const sorted = models(job).sort((a, b) => (iterationOf(a) ?? 0) - (iterationOf(b) ?? 0));
    const last = sorted[sorted.length - 1]!;
    const it = iterationOf(last)!;
    const tag = (n: number): string => `_it${String(n).padStart(3, '0')}_`;
    const base = last.replace(/_it\d+_model\.star$/, '');
    const files = [...sorted, `${base}${tag(it)}optimiser.star`, `${base}${tag(it)}data.star`];
    // An earlier iteration's data gives the particles that still jump between classes.
    const prevData = [...p.paths]
      .filter((f) => f.startsWith(`${base}_it`) && f.endsWith('_data.star') && (iterationOf(f) ?? it) < it)
      .sort((a, b) => (iterationOf(b) ?? 0) - (iterationOf(a) ?? 0))[0];
    if (prevData) files.push(prevData);
    for (const sel of p.succeeded('Select').reverse()) {
      if ((await p.options(sel.name)).get('fn_model') === last && p.has(`${sel.name}/particles.star`)) {
        files.push(`${sel.name}/particles.star`);
        p.use('classes-kept', `${sel.name}/particles.star`, sel.name, `the classes ${sel.name} kept from ${job.name}`);
        break;
      }
    }
    const present = [...new Set(files)].filter((f) => p.has(f));
    input.classes = await Promise.all(present.map((f) => p.bytes(f)));
    p.use(
      'classes',
      present.filter((f) => f.startsWith(job.name)).join(', '),
      job.name,
      `latest successful ${kind}, iteration ${it}`,
    );
    return;
  }
}

const PICK_FILE = /(_autopick\.star|_manualpick\.star|_pick\.star|\.box|\.cbox|_topaz\.txt)$/i;

/** The two latest pickers of different methods (LoG, template, Topaz), or the two latest pickers. */
async function picks(p: RelionProject, input: ProjectInput): Promise<void> {
  const found: { job: Job; method: string; files: string[] }[] = [];
  for (const j of p.succeeded('AutoPick').reverse()) {
    const files = [...p.paths].filter(
      (f) => f.startsWith(`${j.name}/`) && PICK_FILE.test(f) && !/(^|\/)coords_suffix_/.test(f),
    );
    if (!files.length) {
      p.note('picks-missing', `${j.name}: no coordinate files in the project: not used`);
      continue;
    }
    found.push({ job: j, method: await pickMethod(p, j), files });
  }
  const chosen: typeof found = [];
  for (const f of found) if (!chosen.some((c) => c.method === f.method) && chosen.length < 2) chosen.push(f);
  for (const f of found) if (chosen.length < 2 && !chosen.includes(f)) chosen.push(f);
  if (!chosen.length) return;
  const list: PickerFiles[] = [];
  for (const c of chosen) {
    list.push({ name: `${c.job.name} (${c.method})`, files: await Promise.all(c.files.map((f) => p.bytes(f))) });
    p.use('picks', `${c.job.name}/ (${c.files.length} coordinate files)`, c.job.name, `${c.method} picker`);
  }
  if (chosen.length < 2)
    p.note('one-picker', 'only one picker in the project: picks cannot be compared (add a second picking job)');
  input.picks = list;
}

async function pickMethod(p: RelionProject, j: Job): Promise<string> {
  const o = await p.options(j.name);
  const yes = (k: string): boolean => (o.get(k) ?? '').toLowerCase() === 'yes';
  if (yes('use_topaz') || yes('do_topaz_extract') || yes('do_topaz_pick')) return 'Topaz';
  if (yes('do_log')) return 'LoG';
  if (o.get('fn_refs_autopick') || yes('do_ref3d') || yes('do_refs')) return 'template';
  const t = jobTypeOf((await p.star(`${j.name}/job.star`)) ?? { source: '', blocks: [] }) ?? '';
  return t.includes('topaz') ? 'Topaz' : t.includes('log') ? 'LoG' : 'AutoPick';
}

/** The particle size (Å) the user gave RELION: the refinement's mask diameter, a classification's, or LoG's. */
async function particleDiameter(p: RelionProject, refine: Job | null): Promise<number | null> {
  const candidates = [
    ...(refine ? [refine] : []),
    ...p.succeeded('Class3D').reverse(),
    ...p.succeeded('Class2D').reverse(),
  ];
  for (const j of candidates) {
    const d = Number((await p.options(j.name)).get('particle_diameter'));
    if (d > 0) {
      p.use('particle size', `${j.name}/job.star`, j.name, `particle_diameter ${d} Å`);
      return d;
    }
  }
  for (const j of p.succeeded('AutoPick').reverse()) {
    const o = await p.options(j.name);
    const [lo, hi] = [Number(o.get('log_diam_min')), Number(o.get('log_diam_max'))];
    if (lo > 0 && hi > 0 && (o.get('do_log') ?? '').toLowerCase() === 'yes') {
      p.use('particle size', `${j.name}/job.star`, j.name, `LoG diameters ${lo}–${hi} Å`);
      return (lo + hi) / 2;
    }
  }
  return null;
}
