import { checkGivenFiles, type InputProblem } from '../core/app/inputs/check.js';
import { pixelSizeAdvice } from '../core/app/inputs/maps.js';
import { FILE_ROLES, guessRole, ROLE_LABELS, type FileRole } from '../core/io/roles.js';
import { directoryPicker, fromDirectoryHandle, fromDrop, fromFolderInput, fromZip, isZip } from './intake.js';
import type {
  FileInfo,
  HelperStart,
  ProjectCheck,
  ProjectRef,
  RunRequest,
  RunResult,
  WorkerReply,
} from './protocol.js';
import { projectPanel } from './project-panel.js';
import { showResults } from './results.js';

/**
 * The page: files in (drop, pick, a project folder or its zip), each read and checked as it arrives, roles and
 * pixel size shown and editable, Diagnose enabled once the inputs agree; the analysis in a Web Worker with progress
 * and cancel, then the results. Bytes never leave the tab.
 */
interface Entry {
  id: number;
  file: File;
  role: FileRole;
  info: FileInfo | null;
  /** For post-processing: the particles in its refinement. */
  particles: number | null;
}

const VERSION = '0.1.0';
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const entries: Entry[] = [];
/** A processing project (RELION or cryoSPARC), folder or zip: read in the worker as `report --project` reads it. */
let project: { ref: ProjectRef; check: ProjectCheck | null } | null = null;
/** The symmetry the particles' angles fit, until the user takes it or keeps C1. */
let symmetryQuestion: { symmetry: string; statement: string } | null = null;
let nextId = 1;
let worker: Worker | null = null;
let inspector: Worker | null = null;

function newWorker(): Worker {
  return new Worker(new URL('./analysis-worker.ts', import.meta.url), { type: 'module' });
}

function inspectorWorker(): Worker {
  if (inspector) return inspector;
  inspector = newWorker();
  inspector.onmessage = (e: MessageEvent<WorkerReply>) => {
    const m = e.data;
    if (m.kind === 'info') {
      const entry = entries.find((x) => x.id === m.info.id);
      if (entry) entry.info = m.info;
      if (entry?.role === 'particles' && m.info.anglesFit) askSymmetry(m.info.anglesFit);
    } else if (m.kind === 'project' && project && m.id === projectId) project.check = m.check;
    render();
  };
  return inspector;
}

async function addFiles(files: FileList | File[]): Promise<void> {
  for (const file of Array.from(files)) {
    if (isZip(file)) {
      setProject(fromZip(file));
      continue;
    }
    const entry: Entry = { id: nextId++, file, role: guessRole(file.name), info: null, particles: null };
    entries.push(entry);
    const bytes = await file.arrayBuffer();
    inspectorWorker().postMessage({ kind: 'inspect', id: entry.id, name: file.name, bytes }, [bytes]);
  }
  render();
}

let projectId = 0;

function setProject(ref: ProjectRef | null): void {
  if (!ref) return;
  project = { ref, check: null };
  projectId++;
  inspectorWorker().postMessage({ kind: 'check-project', id: projectId, project: ref });
  render();
}

function render(): void {
  renderFiles();
  $('project-panel').replaceChildren(...(project ? projectPanel(project.ref, project.check, clearProject) : []));
  $('project-panel').hidden = !project;
  updatePixelSize();
  renderSymmetryQuestion();
  const problems = currentProblems();
  const list = $('checks');
  list.replaceChildren(
    ...problems.map((p) => {
      const li = document.createElement('li');
      li.textContent = p.message;
      li.className = p.blocking ? 'blocking' : 'note';
      return li;
    }),
  );
  $<HTMLButtonElement>('run').disabled = problems.some((p) => p.blocking) || worker !== null;
  // Measuring rebuilds maps from the particle stacks: it needs a dropped folder (a zip's stacks are not read).
  $<HTMLButtonElement>('measure').disabled =
    problems.some((p) => p.blocking) || worker !== null || !project || 'zip' in project.ref;
}

function clearProject(): void {
  project = null;
  render();
}

function renderFiles(): void {
  const body = $('file-table').querySelector('tbody')!;
  body.replaceChildren(...entries.map(fileRow));
  $('file-table').hidden = !entries.length;
}

function fileRow(e: Entry): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const name = document.createElement('td');
  name.textContent = e.file.name;
  const roleCell = document.createElement('td');
  const select = document.createElement('select');
  select.dataset['testid'] = `role-${e.file.name}`;
  for (const r of FILE_ROLES) select.add(new Option(ROLE_LABELS[r], r, false, r === e.role));
  select.onchange = () => {
    e.role = select.value as FileRole;
    if (e.role === 'particles' && e.info?.anglesFit) askSymmetry(e.info.anglesFit);
    render();
  };
  roleCell.append(select);
  if (e.role === 'postprocess') roleCell.append(particleCount(e));
  const info = document.createElement('td');
  info.textContent = e.info ? e.info.text : 'reading…';
  if (e.info && !e.info.ok) info.className = 'error';
  info.dataset['testid'] = `info-${e.file.name}`;
  const remove = document.createElement('td');
  const x = document.createElement('button');
  x.textContent = 'remove';
  x.onclick = () => {
    entries.splice(entries.indexOf(e), 1);
    render();
  };
  remove.append(x);
  tr.append(name, roleCell, info, remove);
  return tr;
}

/** A post-processing file's particle count: what the Rosenthal–Henderson fit needs (the CLI's postprocess.star:N). */
function particleCount(e: Entry): HTMLLabelElement {
  const label = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'number';
  input.min = '1';
  input.placeholder = 'particles';
  input.size = 8;
  input.value = e.particles ? String(e.particles) : '';
  input.dataset['testid'] = `particles-${e.file.name}`;
  input.onchange = () => {
    e.particles = Number(input.value) > 0 ? Math.round(Number(input.value)) : null;
    render();
  };
  label.append(' of ', input, ' particles');
  return label;
}

/** Pixel size from the headers of the maps in use, by the same rule the run applies (core/app/inputs/maps.ts). */
function updatePixelSize(): void {
  const input = $<HTMLInputElement>('angpix'),
    note = $('angpix-note');
  const sizes = entries
    .filter((e) => ['half1', 'half2', 'mask'].includes(e.role) && e.info?.ok)
    .map((e) => e.info!.pixelSizeA);
  const advice = pixelSizeAdvice(sizes, typedPixelSize());
  if (!input.dataset['edited']) input.value = advice.valueA !== null ? String(advice.valueA) : '';
  note.textContent = advice.note;
}

/** The pixel size the user typed (null when the field shows the headers' value). */
function typedPixelSize(): number | null {
  const input = $<HTMLInputElement>('angpix');
  const v = Number(input.value);
  return input.dataset['edited'] && input.value.trim() !== '' && v > 0 ? v : null;
}

/** The checks the run would make, now: blocking problems disable Diagnose and say why. */
function currentProblems(): InputProblem[] {
  const given = entries.map((e) => ({
    name: e.file.name,
    role: e.role,
    particles: e.particles,
    read: e.info
      ? { ok: e.info.ok, text: e.info.text, shape: e.info.shape ?? null, pixelSizeA: e.info.pixelSizeA }
      : null,
  }));
  const out = checkGivenFiles(given, { project: project !== null, typedPixelSizeA: typedPixelSize() });
  if (project && !project.check) out.push({ blocking: true, message: `reading the project ${project.ref.root}…` });
  if (project?.check?.error) out.push({ blocking: true, message: project.check.error });
  if (symmetryQuestion)
    out.push({
      blocking: true,
      message: `choose the symmetry first: the particles’ angles fit ${symmetryQuestion.symmetry} (see above)`,
    });
  return out;
}

function askSymmetry(fit: { symmetry: string; statement: string }): void {
  const sym = $<HTMLInputElement>('sym');
  if (sym.dataset['edited'] || sym.value.trim().toUpperCase() === fit.symmetry) return;
  symmetryQuestion = fit;
}

function renderSymmetryQuestion(): void {
  const box = $('sym-question');
  box.hidden = !symmetryQuestion;
  if (!symmetryQuestion) return;
  const q = symmetryQuestion;
  const text = document.createElement('span');
  text.textContent = `${q.statement[0]!.toUpperCase()}${q.statement.slice(1)}. `;
  const use = document.createElement('button');
  use.textContent = `Use ${q.symmetry}`;
  use.dataset['testid'] = 'use-symmetry';
  use.onclick = () => answerSymmetry(q.symmetry);
  const keep = document.createElement('button');
  keep.textContent = `Keep ${$<HTMLInputElement>('sym').value || 'C1'}`;
  keep.dataset['testid'] = 'keep-symmetry';
  keep.onclick = () => answerSymmetry(null);
  box.replaceChildren(text, use, ' ', keep);
}

function answerSymmetry(symmetry: string | null): void {
  const sym = $<HTMLInputElement>('sym');
  if (symmetry) sym.value = symmetry;
  sym.dataset['edited'] = '1';
  symmetryQuestion = null;
  render();
}

/** The page's ?simd=off (or 0, false, no): the TypeScript kernels everywhere, as CRYODX_SIMD=off in the CLI. */
const SIMD = !/^(off|0|false|no)$/i.test(new URLSearchParams(location.search).get('simd') ?? '');

let helpers: Worker[] | null = null;

/** Helper workers for the parallel FFT (started once, when the page is cross-origin isolated). */
async function helperPorts(): Promise<MessagePort[]> {
  const threads = Math.min(4, navigator.hardwareConcurrency || 1);
  if (!crossOriginIsolated || threads < 2) return [];
  helpers ??= Array.from(
    { length: threads - 1 },
    () => new Worker(new URL('./pool-worker.ts', import.meta.url), { type: 'module' }),
  );
  return Promise.all(
    helpers.map(
      (h) =>
        new Promise<MessagePort>((ready) => {
          const channel = new MessageChannel();
          h.onmessage = () => ready(channel.port1);
          const start: HelperStart = { port: channel.port2, simd: SIMD };
          h.postMessage(start, [channel.port2]);
        }),
    ),
  );
}

async function run(measure = false): Promise<void> {
  const files = await Promise.all(
    entries
      .filter((e) => e.role !== 'other')
      .map(async (e) => ({
        name: e.file.name,
        role: e.role,
        bytes: await e.file.arrayBuffer(),
        particles: e.particles,
      })),
  );
  const req: RunRequest = {
    kind: 'run',
    files,
    pixelSizeA: typedPixelSize(),
    symmetry: $<HTMLInputElement>('sym').value.trim() || 'C1',
    mwKDa: Number($<HTMLInputElement>('mw').value) || null,
    autoMask: $<HTMLInputElement>('auto-mask').checked,
    analyses: {
      anisotropy: $<HTMLInputElement>('do-aniso').checked,
      localResolution: $<HTMLInputElement>('do-locres').checked,
    },
    version: VERSION,
    ports: await helperPorts(),
    project: project?.ref ?? null,
    symmetryGiven: $<HTMLInputElement>('sym').dataset['edited'] === '1',
    simd: SIMD,
    reconstruct: $<HTMLInputElement>('do-reconstruct').checked,
    measure,
  };
  worker = newWorker();
  performance.mark('cryodx-run');
  setRunning(true);
  status('starting…');
  const w = worker;
  w.onmessage = (e: MessageEvent<WorkerReply>) => {
    const m = e.data;
    if (m.kind === 'progress') {
      $<HTMLProgressElement>('progress').value = m.fraction;
      status(m.label);
    } else if (m.kind === 'result') {
      performance.mark('cryodx-result');
      finish();
      status(`done in ${m.result.seconds.toFixed(1)} s`);
      collapseInputs();
      void showResults(m.result as RunResult);
    } else if (m.kind === 'error') {
      finish();
      status(`error: ${m.message}`, true);
    }
  };
  w.onerror = (e) => {
    finish();
    status(`error: ${e.message}`, true);
  };
  w.postMessage(req, [...files.map((f) => f.bytes), ...req.ports]);
}

/** With a result, the inputs fold into one line so that the numbers open the page. */
function collapseInputs(): void {
  const box = $<HTMLDetailsElement>('inputs-box');
  const given = [
    ...(project ? [`project ${project.ref.root}`] : []),
    ...entries.filter((e) => e.role !== 'other').map((e) => e.file.name),
  ];
  $('inputs-summary').textContent = `Inputs: ${given.join(', ') || 'none'}`;
  box.open = false;
  window.scrollTo(0, 0);
}

function finish(): void {
  worker?.terminate();
  worker = null;
  setRunning(false);
  render();
}

function setRunning(on: boolean): void {
  $<HTMLButtonElement>('run').disabled = on;
  $<HTMLButtonElement>('measure').disabled = on || !project || 'zip' in project.ref;
  $<HTMLButtonElement>('cancel').disabled = !on;
  $<HTMLProgressElement>('progress').hidden = !on;
}

function status(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.style.color = error ? '#b00020' : '';
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (!e.dataTransfer) return;
  void fromDrop(e.dataTransfer).then(({ project: p, files }) => {
    setProject(p);
    if (files.length) void addFiles(files);
  });
});
$('choose-files').addEventListener('click', () => $('files').click());
$('choose-folder').addEventListener('click', () => {
  const pick = directoryPicker();
  if (!pick) return $('project').click();
  pick().then(
    (h) => fromDirectoryHandle(h).then(setProject),
    (err: Error) => {
      if (err.name !== 'AbortError') status(`error: ${err.message}`, true);
    },
  );
});
$<HTMLInputElement>('project').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  if (input.files) setProject(fromFolderInput(input.files));
  input.value = '';
});
$<HTMLInputElement>('sym').addEventListener('input', (e) => {
  (e.target as HTMLInputElement).dataset['edited'] = '1';
  symmetryQuestion = null;
  render();
});
$<HTMLInputElement>('files').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  if (input.files) void addFiles(input.files);
  input.value = '';
});
$<HTMLInputElement>('angpix').addEventListener('input', (e) => {
  (e.target as HTMLInputElement).dataset['edited'] = '1';
  render();
});
$('run').addEventListener('click', () => void run());
$('measure').addEventListener('click', () => void run(true));
$('cancel').addEventListener('click', () => {
  finish();
  status('cancelled');
});
render();
status(crossOriginIsolated ? 'ready' : 'ready (single-threaded: serve with `cryodx serve` for parallel workers)');
