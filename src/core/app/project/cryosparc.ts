import { InputError, type Warning } from '../../errors.js';
import { decodeText } from '../../io/bytes.js';
import { readNpy } from '../../io/npy.js';
import type { InputUse } from '../../report/report.js';
import type { ProjectInput, ProjectInputs, ProjectSource } from './project.js';

/**
 * A cryoSPARC project (JNN/job.json beside the exported .cs files) or a single job folder. Each job's
 * job.json names its type and status; the latest completed job of each kind is used: refinements (particles
 * with poses, half maps and the FSC mask), classifications (class posteriors), CTF estimation (exposures) and
 * pickers (particle locations). cryoSPARC keeps motion trajectories in separate files that are not read here.
 */
interface CsJob {
  dir: string;
  uid: string;
  type: string;
  status: string;
  number: number;
  /** job.json's params_spec values (only those set by the user are written). */
  params: Record<string, unknown>;
}

const KINDS: { role: string; test: RegExp }[] = [
  { role: 'refinement', test: /^(homo_refine|nonuniform_refine|new_local_refine|local_refine|homo_reconstruct)/ },
  { role: 'classes', test: /^(class_3D|hetero_refine|class_2D)/ },
  { role: 'ctf', test: /^(patch_ctf|ctffind|ctf_estimation|gctf)/ },
  {
    role: 'picks',
    test: /^(blob_picker|template_picker|topaz_extract|manual_picker|inspect_picks|filament_tracer|deep_picker)/,
  },
  { role: 'motion', test: /^(patch_motion|rigid_motion|full_frame_motion|local_motion)/ },
];

export async function cryosparcProjectInputs(src: ProjectSource): Promise<ProjectInputs> {
  const jobs = await readJobs(src);
  const used: InputUse[] = [];
  const notes: Warning[] = [{ code: 'project-version', message: 'read as a cryoSPARC project' }];
  const input: ProjectInput = {};
  const files = (j: CsJob): string[] => src.paths.filter((p) => (j.dir ? p.startsWith(`${j.dir}/`) : !p.includes('/')));
  const latest = (role: string, ready: (j: CsJob) => boolean): CsJob | null => {
    const list = jobs
      .filter((j) => KINDS.find((k) => k.test.test(j.type))?.role === role)
      .sort((a, b) => b.number - a.number);
    for (const j of list) {
      if (j.status !== 'completed') {
        notes.push({ code: 'project-job-skipped', message: `${j.uid} (${j.type}) is ${j.status}: not used` });
        continue;
      }
      if (ready(j)) return j;
      notes.push({
        code: 'project-job-incomplete',
        message: `${j.uid} (${j.type}) has no exported .cs outputs here: not used`,
      });
    }
    return null;
  };
  const named = async (p: string): Promise<{ name: string; bytes: Uint8Array }> => ({
    name: p,
    bytes: await src.read(p),
  });
  const particlesCs = (j: CsJob): string | undefined =>
    newest(files(j).filter((f) => /particles[^/]*\.cs$/.test(f) && !/passthrough/.test(f)));

  const refine = latest('refinement', (j) => particlesCs(j) !== undefined);
  if (refine) {
    const f = particlesCs(refine)!;
    input.particles = await named(f);
    used.push({ role: 'particles', file: f, job: refine.uid, note: `latest completed ${refine.type}` });
    const all = files(refine);
    const h1 = newest(all.filter((f) => /map_half_A\.mrc$/.test(f)));
    const h2 = newest(all.filter((f) => /map_half_B\.mrc$/.test(f)));
    if (h1 && h2) {
      input.half1 = await named(h1);
      input.half2 = await named(h2);
      used.push({ role: 'half maps', file: `${h1}, ${h2}`, job: refine.uid, note: null });
      const mask =
        newest(all.filter((f) => /mask_fsc[^/]*\.mrc$/.test(f))) ??
        newest(all.filter((f) => /mask[^/]*\.mrc$/.test(f)));
      if (mask) {
        input.mask = { kind: 'user', file: await named(mask) };
        used.push({ role: 'mask', file: mask, job: refine.uid, note: 'the refinement’s FSC mask' });
      } else input.mask = { kind: 'auto' };
    }
  }
  const cls = latest('classes', (j) => particlesCs(j) !== undefined);
  if (cls) {
    const f = particlesCs(cls)!;
    input.classes = [await named(f)];
    used.push({ role: 'classes', file: f, job: cls.uid, note: `latest completed ${cls.type} (class posteriors)` });
  }
  const exposures = (j: CsJob): string | undefined =>
    newest(files(j).filter((f) => /exposures[^/]*\.cs$/.test(f) && !/passthrough/.test(f)));
  const ctf = latest('ctf', (j) => exposures(j) !== undefined);
  if (ctf) {
    const f = exposures(ctf)!;
    input.ctf = [await named(f)];
    used.push({ role: 'ctf', file: f, job: ctf.uid, note: `latest completed ${ctf.type}` });
    const cs = readNpy(input.ctf[0]!.bytes, f);
    if (cs.has('micrograph_blob/psize_A')) input.micrographPixelSizeA = cs.numbers('micrograph_blob/psize_A')[0]!;
  }
  const pickers = jobs
    .filter(
      (j) => KINDS.find((k) => k.test.test(j.type))?.role === 'picks' && j.status === 'completed' && particlesCs(j),
    )
    .sort((a, b) => b.number - a.number);
  const chosen: CsJob[] = [];
  for (const j of pickers) if (chosen.length < 2 && !chosen.some((c) => c.type === j.type)) chosen.push(j);
  for (const j of pickers) if (chosen.length < 2 && !chosen.includes(j)) chosen.push(j);
  if (chosen.length) {
    input.picks = [];
    for (const j of chosen) {
      const f = particlesCs(j)!;
      input.picks.push({ name: `${j.uid} (${j.type})`, files: [await named(f)] });
      used.push({ role: 'picks', file: f, job: j.uid, note: j.type });
    }
  }
  // The particle size a picker was given (blob picker: diameter and diameter_max, Å).
  for (const j of chosen) {
    const lo = Number(j.params.diameter),
      hi = Number(j.params.diameter_max ?? j.params.diameter);
    if (lo > 0 && hi > 0) {
      input.particleDiameterA = (lo + hi) / 2;
      used.push({ role: 'particle size', file: `${j.dir}/job.json`, job: j.uid, note: `diameter ${lo}–${hi} Å` });
      break;
    }
  }
  if (latest('motion', () => true))
    notes.push({
      code: 'project-motion',
      message: 'cryoSPARC motion trajectories are not read: give MotionCor2 logs or RELION motion STARs to --motion',
    });
  return { kind: 'cryoSPARC', input, used, notes };
}

/** The highest-numbered file of a list (cryoSPARC numbers iterations: J12_004_particles.cs). */
function newest(list: string[]): string | undefined {
  const num = (f: string): number => Number(/_(\d+)_[^/]*$/.exec(f)?.[1] ?? -1);
  return [...list].sort((a, b) => num(b) - num(a) || b.localeCompare(a))[0];
}

function paramsOf(j: Record<string, unknown>): Record<string, unknown> {
  const spec = (j.params_spec ?? {}) as Record<string, { value?: unknown }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = v && typeof v === 'object' && 'value' in v ? v.value : v;
  return out;
}

async function readJobs(src: ProjectSource): Promise<CsJob[]> {
  const specs = src.paths.filter((p) => p === 'job.json' || /^J\d+\/job\.json$/.test(p));
  const jobs: CsJob[] = [];
  for (const p of specs) {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(decodeText(await src.read(p))) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`${src.root}/${p}: not JSON (${(e as Error).message})`);
    }
    const dir = p === 'job.json' ? '' : p.split('/')[0]!;
    const uid = String(j.uid ?? (dir || 'job'));
    jobs.push({
      dir,
      uid,
      type: String(j.job_type ?? j.type ?? ''),
      status: String(j.status ?? 'unknown'),
      number: Number(/\d+/.exec(uid)?.[0] ?? 0),
      params: paramsOf(j),
    });
  }
  return jobs;
}
