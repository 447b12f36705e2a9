import { pixelSizeAdvice } from '../core/app/maps.js';
import { guessRole, type FileRole } from '../core/io/roles.js';
import type { FileInfo, RunRequest, RunResult, WorkerReply } from './protocol.js';
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

const ROLES: FileRole[] = ['half1', 'half2', 'mask', 'particles', 'ctf', 'other'];

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
  updatePixelSize();
  const ready = entries.length > 0 && entries.every((e) => e.info && (e.info.ok || e.role === 'other'));
  $<HTMLButtonElement>('run').disabled = !ready || worker !== null;
}

/** Pixel size from the headers of the maps in use, by the same rule the run applies (core/app/maps.ts). */
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
          h.postMessage(channel.port2, [channel.port2]);
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
  if (e.dataTransfer?.files) void addFiles(e.dataTransfer.files);
});
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
