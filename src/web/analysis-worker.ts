import { inspectFile } from '../core/app/inspect.js';
import { jsonText, type NamedBytes } from '../core/app/job.js';
import { relionProjectGaps } from '../core/app/project-check.js';
import { projectInputs, withProject, zipProjectSource, type ProjectSource } from '../core/app/project.js';
import { htmlFigures, reportJob, type ReportJobInput } from '../core/app/report.js';
import { ListedImageSource, reconstructJob } from '../core/app/reconstruct.js';
import { InputError } from '../core/errors.js';
import { setSimdEnabled } from '../core/fourier/simd.js';
import { blobAccess } from '../core/io/zip.js';
import { renderReportBody } from '../core/report/html.js';

import { SharedMemoryPool } from '../core/parallel/pool.js';
import type {
  CheckProjectRequest,
  FileInfo,
  InspectRequest,
  ProjectCheck,
  ProjectRef,
  RunRequest,
  WorkerReply,
} from './protocol.js';

/**
 * The analysis worker: reads the dropped files and runs the same job as `cryodx report`, off the
 * page's thread so that the page stays responsive. Nothing is sent anywhere: bytes in, results out.
 */
const ctx = self as unknown as {
  postMessage(m: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<InspectRequest | CheckProjectRequest | RunRequest>) => void) | null;
};

ctx.onmessage = (e) => {
  const msg = e.data;
  const fail = (err: unknown): void => ctx.postMessage({ kind: 'error', message: (err as Error).message });
  try {
    if (msg.kind === 'inspect') ctx.postMessage({ kind: 'info', info: inspect(msg) });
    else if (msg.kind === 'check-project')
      void checkProject(msg.project).then((check) => ctx.postMessage({ kind: 'project', id: msg.id, check }));
    else run(msg).catch(fail);
  } catch (err) {
    fail(err);
  }
};

function inspect(m: InspectRequest): FileInfo {
  return { id: m.id, ...inspectFile({ name: m.name, bytes: new Uint8Array(m.bytes) }) };
}

/** A project as the reader takes it: a folder's files by path, or a zip's entries, read when asked for. */
async function sourceOf(p: ProjectRef): Promise<ProjectSource> {
  if ('zip' in p) return zipProjectSource(blobAccess(p.zip), p.root);
  const byPath = new Map(p.files.map((f) => [f.path, f.file]));
  return {
    root: p.root,
    paths: [...byPath.keys()],
    read: async (path) => new Uint8Array(await byPath.get(path)!.arrayBuffer()),
  };
}

/** What the page shows as soon as a project arrives: its files, its kind and what its pipeline says is missing. */
async function checkProject(p: ProjectRef): Promise<ProjectCheck> {
  try {
    const src = await sourceOf(p);
    const paths = new Set(src.paths);
    const relion = paths.has('default_pipeline.star') || src.paths.some((x) => /^\w+\/job\d+\/job\.star$/.test(x));
    const cs = paths.has('job.json') || src.paths.some((x) => /^J\d+\/job\.json$/.test(x));
    const gaps = relion ? await relionProjectGaps(src) : null;
    return { files: src.paths.length, kind: relion ? 'RELION' : cs ? 'cryoSPARC' : null, gaps, error: null };
  } catch (e) {
    return { files: 0, kind: null, gaps: null, error: (e as Error).message };
  }
}

let pool: SharedMemoryPool | null = null;

/**
 * Parallel helpers when the page is cross-origin isolated (served by `cryodx serve`): SharedArrayBuffer
 * is then available and this worker may block in Atomics.wait while the helpers, reached through
 * MessagePorts the page set up, work. Otherwise (plain static files) everything runs here, on one thread.
 */
function installPool(ports: MessagePort[]): void {
  pool?.terminate();
  pool = null;
  if (!ports.length || !(self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated) return;
  pool = new SharedMemoryPool(
    ports.map((p) => ({ postMessage: (msg: unknown) => p.postMessage(msg), terminate: () => p.close() })),
  );
  pool.install();
}

async function run(m: RunRequest): Promise<void> {
  setSimdEnabled(m.simd);
  installPool(m.ports);
  const t0 = performance.now();
  const given = givenInput(m);
  const input = m.project ? await projectOrFolder(m, given) : given;
  if (m.reconstruct) await rebuildHalves(m, input);
  // The automatic mask stands in only for half maps that neither the user nor the project gave a mask for.
  if (!input.mask && m.autoMask && input.half1) input.mask = { kind: 'auto' };
  const job = await reportJob(input, {
    report: (fraction: number, label: string) => ctx.postMessage({ kind: 'progress', fraction, label }),
  });
  const r = job.result;
  const body = renderReportBody(r.report, htmlFigures(r.figures, r.slices), { frontEnd: 'page', slots: true });
  const result = {
    report: r.report,
    json: jsonText(r.report),
    figures: r.figures,
    html: r.html,
    body,
    slices: r.slices,
    volumes: r.volumes,
    seconds: (performance.now() - t0) / 1000,
  };
  ctx.postMessage({ kind: 'result', result });
}

/** The files given one by one, by role, as the report job takes them (the CLI's flags, role for role). */
function givenInput(m: RunRequest): ReportJobInput {
  const of = (role: string): NamedBytes[] =>
    m.files.filter((f) => f.role === role).map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
  const one = (role: string): NamedBytes | undefined => of(role)[0];
  const list = (role: string): NamedBytes[] | undefined => (of(role).length ? of(role) : undefined);
  const mask = one('mask');
  const picks = (['picks-1', 'picks-2'] as const)
    .map((r, i) => ({ name: `picker ${i + 1}`, files: of(r) }))
    .filter((p) => p.files.length);
  const postprocess = m.files
    .filter((f) => f.role === 'postprocess')
    .map((f) => ({
      file: { name: f.name, bytes: new Uint8Array(f.bytes) },
      ...(f.particles ? { particles: f.particles } : {}),
    }));
  const fields: Partial<ReportJobInput> = {
    half1: one('half1'),
    half2: one('half2'),
    ...(mask ? { mask: { kind: 'user' as const, file: mask } } : {}),
    particles: one('particles'),
    ctf: list('ctf'),
    model: one('model'),
    pae: one('pae'),
    motion: list('motion'),
    bfactors: one('bfactors'),
    classes: list('classes'),
    ctfRefine: list('ctf-refine'),
    ...(picks.length ? { picks } : {}),
    ...(postprocess.length ? { postprocessStars: postprocess } : {}),
    ...(m.mwKDa ? { mwKDa: m.mwKDa } : {}),
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { ...defined, angpixA: m.pixelSizeA, symmetry: m.symmetry, version: m.version, analyses: m.analyses };
}

/** A project folder or zip read by the same reader as `cryodx report --project`; files read when asked for. */
async function fromProject(p: ProjectRef, given: ReportJobInput, symmetryGiven: boolean): Promise<ReportJobInput> {
  const found = await projectInputs(await sourceOf(p));
  return withProject(found, p.root, given, { symmetryGiven });
}

/**
 * The half maps rebuilt from the particles (the given particle file, else the project's) and the stacks in the
 * dropped folder, as `cryodx reconstruct` does; they replace any given half maps in the report, whose FSC is
 * then the rebuilt maps'.
 */
async function rebuildHalves(m: RunRequest, input: ReportJobInput): Promise<void> {
  if (!input.particles)
    throw new InputError('to rebuild the half maps, give the particle STAR (or .cs) of a refinement');
  if (!m.project || 'zip' in m.project)
    throw new InputError('to rebuild the half maps, drop the folder that holds the particle stacks (the project)');
  const images = new ListedImageSource(
    m.project.files.map((f) => ({
      path: f.path,
      size: f.file.size,
      read: async (start: number, end: number) => new Uint8Array(await f.file.slice(start, end).arrayBuffer()),
    })),
  );
  const job = await reconstructJob(
    { particles: input.particles, images, symmetry: m.symmetry, subset: 'both', angpixA: m.pixelSizeA },
    {
      report: (fraction: number, label: string) =>
        ctx.postMessage({ kind: 'progress', fraction: 0.5 * fraction, label }),
    },
  );
  const map = (name: string): NamedBytes => {
    const o = job.outputs.find((x) => x.name === name)!;
    return { name: `rebuilt ${name}`, bytes: 'bytes' in o ? o.bytes : new Uint8Array() };
  };
  input.half1 = map('half1.mrc');
  input.half2 = map('half2.mrc');
  input.angpixA = job.result.pixelSizeA;
}

/**
 * The dropped folder as a project; when the half maps are to be rebuilt, a folder that is no project is simply
 * where the stacks are (the particle file given beside it).
 */
async function projectOrFolder(m: RunRequest, given: ReportJobInput): Promise<ReportJobInput> {
  try {
    return await fromProject(m.project!, given, m.symmetryGiven);
  } catch (e) {
    if (m.reconstruct && given.particles && /not a RELION project/.test((e as Error).message)) return given;
    throw e;
  }
}
