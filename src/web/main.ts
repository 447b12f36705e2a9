import { pixelSizeAdvice } from '../core/app/inputs/maps.js';
import { guessRole, type FileRole } from '../core/io/roles.js';
import type { FileInfo, HelperStart, RunRequest, RunResult, WorkerReply } from './protocol.js';
import { showResults } from './results.js';

/**
 * The page: files in (drop or pick), roles and pixel size shown and editable, the analysis in a Web
 * Worker with progress and cancel, then the results. Bytes never leave the tab.
 */
interface Entry {
  id: number;
  file: File;
  role: FileRole;
  info: FileInfo | null;
}

const VERSION = '0.1.0';
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const entries: Entry[] = [];
/** A processing project folder (RELION or cryoSPARC), read by the worker with `report --project`'s reader. */
let project: { root: string; files: { path: string; file: File }[] } | null = null;
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
    if (e.data.kind !== 'info') return;
    const info = e.data.info;
    const entry = entries.find((x) => x.id === info.id);
    if (entry) entry.info = info;
    renderFiles();
  };
  return inspector;
}

async function addFiles(files: FileList | File[]): Promise<void> {
  for (const file of Array.from(files)) {
    const entry: Entry = { id: nextId++, file, role: guessRole(file.name), info: null };
    entries.push(entry);
    const bytes = await file.arrayBuffer();
    inspectorWorker().postMessage({ kind: 'inspect', id: entry.id, name: file.name, bytes }, [bytes]);
  }
  renderFiles();
}

const ROLES: FileRole[] = ['half1', 'half2', 'mask', 'particles', 'ctf', 'model', 'pae', 'other'];

function renderFiles(): void {
  const body = $('file-table').querySelector('tbody')!;
  body.replaceChildren(
    ...entries.map((e) => {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = e.file.name;
      const roleCell = document.createElement('td');
      const select = document.createElement('select');
      select.dataset['testid'] = `role-${e.file.name}`;
      for (const r of ROLES) select.add(new Option(r, r, false, r === e.role));
      select.onchange = () => {
        e.role = select.value as FileRole;
        renderFiles();
      };
      roleCell.append(select);
      const info = document.createElement('td');
      info.textContent = e.info ? e.info.text : 'reading…';
      if (e.info && !e.info.ok) info.className = 'error';
      info.dataset['testid'] = `info-${e.file.name}`;
      const remove = document.createElement('td');
      const x = document.createElement('button');
      x.textContent = 'remove';
      x.onclick = () => {
        entries.splice(entries.indexOf(e), 1);
        renderFiles();
      };
      remove.append(x);
      tr.append(name, roleCell, info, remove);
      return tr;
    }),
  );
  if (project) body.append(projectRow(project));
  updatePixelSize();
  const filesReady = entries.every((e) => e.info && (e.info.ok || e.role === 'other'));
  const ready = (entries.length > 0 || project !== null) && filesReady;
  $<HTMLButtonElement>('run').disabled = !ready || worker !== null;
}

function projectRow(p: NonNullable<typeof project>): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const cells = [p.root, 'project', `${p.files.length} files: read as a RELION or cryoSPARC project on Diagnose`];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  tr.lastElementChild!.setAttribute('data-testid', 'info-project');
  const remove = document.createElement('td');
  const x = document.createElement('button');
  x.textContent = 'remove';
  x.onclick = () => {
    project = null;
    renderFiles();
  };
  remove.append(x);
  tr.append(remove);
  return tr;
}

/** A chosen folder (webkitdirectory): its files by path below the folder. */
function setProject(files: { path: string; file: File }[]): void {
  if (!files.length) return;
  const root = files[0]!.path.split('/')[0]!;
  const inside = files.every((f) => f.path.startsWith(`${root}/`));
  project = {
    root,
    files: files.map((f) => ({ path: inside ? f.path.slice(root.length + 1) : f.path, file: f.file })),
  };
  renderFiles();
}

/** Every file under a dropped folder, with its path from the folder (the File System entries API). */
async function folderFiles(entry: FileSystemDirectoryEntry): Promise<{ path: string; file: File }[]> {
  const out: { path: string; file: File }[] = [];
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = dir.createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) break;
      for (const e of batch) {
        if (e.isDirectory) await walk(e as FileSystemDirectoryEntry, `${prefix}${e.name}/`);
        else
          out.push({
            path: `${prefix}${e.name}`,
            file: await new Promise<File>((ok, fail) => (e as FileSystemFileEntry).file(ok, fail)),
          });
      }
    }
  };
  await walk(entry, `${entry.name}/`);
  return out;
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

async function run(): Promise<void> {
  const files = await Promise.all(
    entries
      .filter((e) => e.role !== 'other')
      .map(async (e) => ({ name: e.file.name, role: e.role, bytes: await e.file.arrayBuffer() })),
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
    project,
    symmetryGiven: $<HTMLInputElement>('sym').dataset['edited'] === '1',
    simd: SIMD,
    reconstruct: $<HTMLInputElement>('do-reconstruct').checked,
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

function finish(): void {
  worker?.terminate();
  worker = null;
  setRunning(false);
}

function setRunning(on: boolean): void {
  $<HTMLButtonElement>('run').disabled = on;
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
  const dirs = Array.from(e.dataTransfer?.items ?? [])
    .map((i) => i.webkitGetAsEntry?.())
    .filter((x): x is FileSystemDirectoryEntry => !!x && x.isDirectory);
  if (dirs.length) void folderFiles(dirs[0]!).then(setProject);
  else if (e.dataTransfer?.files) void addFiles(e.dataTransfer.files);
});
$<HTMLInputElement>('project').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  setProject(Array.from(input.files ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file })));
  input.value = '';
});
$<HTMLInputElement>('sym').addEventListener('input', (e) => ((e.target as HTMLInputElement).dataset['edited'] = '1'));
$<HTMLInputElement>('files').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  if (input.files) void addFiles(input.files);
  input.value = '';
});
$<HTMLInputElement>('angpix').addEventListener('input', (e) => {
  (e.target as HTMLInputElement).dataset['edited'] = '1';
  updatePixelSize();
});
$('run').addEventListener('click', () => void run());
$('cancel').addEventListener('click', () => {
  finish();
  status('cancelled');
});
status(crossOriginIsolated ? 'ready' : 'ready (single-threaded: serve with `cryodx serve` for parallel workers)');
