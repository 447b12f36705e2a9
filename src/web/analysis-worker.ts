import { inspectFile } from '../core/app/jobs/inspect.js';
import { jsonText, type Compute, type NamedBytes } from '../core/app/job.js';
import { relionProjectGaps } from '../core/app/project/check.js';
import { htmlFigures, reportJob, type ReportJobInput } from '../core/app/report/report.js';
import { reportInput, withRebuiltHalves, type ReportRequest } from '../core/app/report/input.js';
import { ListedImageSource, reconstructJob } from '../core/app/jobs/reconstruct.js';
import { InputError } from '../core/errors.js';
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
import { reportRequest, sourceOf } from './request.js';

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
 * MessagePorts the page set up, work; the pool's compute context reaches every job of the run. Otherwise (plain
 * static files) everything runs here, on one thread.
 */
function computeFor(ports: MessagePort[], simd: boolean): Compute {
  pool?.terminate();
  pool = null;
  if (!ports.length || !(self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated) return { simd };
  pool = new SharedMemoryPool(
    ports.map((p) => ({ postMessage: (msg: unknown) => p.postMessage(msg), terminate: () => p.close() })),
  );
  return pool.compute(simd);
}

async function run(m: RunRequest): Promise<void> {
  const compute = computeFor(m.ports, m.simd);
  const t0 = performance.now();
  const request = reportRequest(m);
  const input = await inputOf(m, request);
  if (m.reconstruct) await rebuildHalves(m, input, request, compute);
  if (m.measure) input.measure = { images: droppedImages(m, 'to measure what each fix buys') };
  const job = await reportJob(
    input,
    { report: (fraction: number, label: string) => ctx.postMessage({ kind: 'progress', fraction, label }) },
    compute,
  );
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

/**
 * The report's input by the core's rule (reportInput), as for `cryodx report`; when the half maps are to be rebuilt,
 * a folder that is no project is simply where the stacks are (the particle file given beside it).
 */
async function inputOf(m: RunRequest, request: ReportRequest): Promise<ReportJobInput> {
  try {
    return await reportInput({ ...request, project: m.project ? await sourceOf(m.project) : null });
  } catch (e) {
    if ((m.reconstruct || m.measure) && request.files.particles && /not a RELION project/.test((e as Error).message))
      return reportInput(request);
    throw e;
  }
}

/** The particle stacks of the dropped folder, read by byte range as the engine asks. */
function droppedImages(m: RunRequest, why: string): ListedImageSource {
  if (!m.project || 'zip' in m.project)
    throw new InputError(`${why}, drop the folder that holds the particle stacks (the project)`);
  return new ListedImageSource(
    m.project.files.map((f) => ({
      path: f.path,
      size: f.file.size,
      read: async (start: number, end: number) => new Uint8Array(await f.file.slice(start, end).arrayBuffer()),
    })),
  );
}

/**
 * The half maps rebuilt from the particles (the given particle file, else the project's) and the stacks in the
 * dropped folder, as `cryodx reconstruct` does; they replace any given half maps in the report, whose FSC is
 * then the rebuilt maps'.
 */
async function rebuildHalves(
  m: RunRequest,
  input: ReportJobInput,
  request: ReportRequest,
  compute: Compute,
): Promise<void> {
  if (!input.particles)
    throw new InputError('to rebuild the half maps, give the particle STAR (or .cs) of a refinement');
  const images = droppedImages(m, 'to rebuild the half maps');
  const job = await reconstructJob(
    { particles: input.particles, images, symmetry: m.symmetry, subset: 'both', pixelSizeA: m.pixelSizeA },
    {
      report: (fraction: number, label: string) =>
        ctx.postMessage({ kind: 'progress', fraction: 0.5 * fraction, label }),
    },
    compute,
  );
  const map = (name: string): NamedBytes => {
    const o = job.outputs.find((x) => x.name === name)!;
    return { name: `rebuilt ${name}`, bytes: 'bytes' in o ? o.bytes : new Uint8Array() };
  };
  const rebuilt = { half1: map('half1.mrc'), half2: map('half2.mrc'), pixelSizeA: job.result.pixelSizeA };
  withRebuiltHalves(input, rebuilt, request.options);
}
