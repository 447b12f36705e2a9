import type { MaskChoice } from '../core/analysis/fsc/suite.js';
import { detectFormat } from '../core/io/detect.js';
import { readMrc } from '../core/io/mrc/read.js';
import { readNpy } from '../core/io/npy.js';
import { readParticles } from '../core/io/star/particles.js';
import { readStar } from '../core/io/star/read.js';
import { maybeGunzip } from '../core/io/bytes.js';
import { analyze, ctfFromBytes, reportJson } from '../core/report/analyze.js';
import { SharedMemoryPool } from '../core/parallel/pool.js';
import type { FileInfo, InspectRequest, RunRequest, WorkerReply } from './protocol.js';

/**
 * The analysis worker: reads the dropped files and runs the same pipeline as `cryodx report`, off the
 * page's thread so that the page stays responsive. Nothing is sent anywhere: bytes in, results out.
 */
const ctx = self as unknown as { postMessage(m: WorkerReply, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<InspectRequest | RunRequest>) => void) | null };

ctx.onmessage = (e) => {
  const msg = e.data;
  const fail = (err: unknown): void => ctx.postMessage({ kind: 'error', message: (err as Error).message });
  try {
    if (msg.kind === 'inspect') ctx.postMessage({ kind: 'info', info: inspect(msg) });
    else run(msg).catch(fail);
  } catch (err) {
    fail(err);
  }
};

function inspect(m: InspectRequest): FileInfo {
  const bytes = new Uint8Array(m.bytes);
  try {
    const fmt = detectFormat(m.name, bytes.subarray(0, 4096));
    if (fmt === 'mrc') {
      const f = readMrc(bytes, { source: m.name });
      const v = f.volume;
      const px = v.pixelSizeA?.[0] ?? null;
      let bad = 0;
      for (let i = 0; i < v.data.length; i++) if (!Number.isFinite(v.data[i]!)) bad++;
      if (bad) return { id: m.id, ok: false, text: `${m.name}: ${bad} voxels are NaN or infinite; the map is damaged`, pixelSizeA: px, box: v.nx };
      return { id: m.id, ok: true, text: `${v.nx}×${v.ny}×${v.nz}${px ? `, ${px.toFixed(3)} Å/px` : ', no pixel size in the header'}${f.warnings.length ? ` (${f.warnings.map((w) => w.message).join('; ')})` : ''}`, pixelSizeA: px, box: v.nx };
    }
    if (fmt === 'npy' || fmt === 'star') {
      if (/ctf|micrograph/i.test(m.name) || /\.txt$/i.test(m.name)) {
        const est = ctfFromBytes(m.name, bytes);
        return { id: m.id, ok: true, text: `${est.length} micrograph CTF results`, pixelSizeA: null, box: null };
      }
      const doc = fmt === 'npy' ? null : readStar(maybeGunzip(bytes), { source: m.name });
      const count = doc ? readParticles(doc).particles.count : readNpy(bytes, m.name).rows;
      return { id: m.id, ok: true, text: `${count} particles`, pixelSizeA: null, box: null };
    }
    const est = ctfFromBytes(m.name, bytes);
    return { id: m.id, ok: true, text: `${est.length} micrograph CTF results`, pixelSizeA: null, box: null };
  } catch (err) {
    return { id: m.id, ok: false, text: (err as Error).message, pixelSizeA: null, box: null };
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
  pool = new SharedMemoryPool(ports.map((p) => ({ postMessage: (msg: unknown) => p.postMessage(msg), terminate: () => p.close() })));
  pool.install();
}

async function run(m: RunRequest): Promise<void> {
  installPool(m.ports);
  const t0 = performance.now();
  const of = (role: string) => m.files.filter((f) => f.role === role);
  const map = (role: string) => {
    const f = of(role)[0];
    return f ? { name: f.name, volume: readMrc(new Uint8Array(f.bytes), { source: f.name }).volume } : null;
  };
  const h1 = map('half1'), h2 = map('half2'), mk = map('mask');
  if ((h1 === null) !== (h2 === null)) throw new Error('give both half maps (or neither)');
  if (h1 && h2 && (h1.volume.nx !== h2.volume.nx || h1.volume.ny !== h2.volume.ny || h1.volume.nz !== h2.volume.nz)) throw new Error(`the half maps differ in shape: ${h1.name} is ${h1.volume.nx}×${h1.volume.ny}×${h1.volume.nz}, ${h2.name} is ${h2.volume.nx}×${h2.volume.ny}×${h2.volume.nz}`);
  const mask: MaskChoice = mk ? { kind: 'user', mask: mk.volume, source: mk.name } : m.autoMask ? { kind: 'auto' } : { kind: 'none' };
  const particles = of('particles')[0];
  const out = analyze({
    ...(h1 && h2 ? { half1: h1.volume, half2: h2.volume, half1Name: h1.name, half2Name: h2.name } : {}),
    pixelSizeA: m.pixelSizeA,
    mask,
    ...(particles ? { particles: { name: particles.name, bytes: new Uint8Array(particles.bytes) } } : {}),
    ...(of('ctf').length ? { ctf: of('ctf').map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) })) } : {}),
    symmetry: m.symmetry,
    ...(m.mwKDa ? { mwKDa: m.mwKDa } : {}),
    version: m.version,
    analyses: m.analyses,
  }, { report: (fraction, label) => ctx.postMessage({ kind: 'progress', fraction, label }) });
  const result = { report: out.report, json: reportJson(out.report), figures: out.figures, slices: out.slices, volumes: out.volumes, seconds: (performance.now() - t0) / 1000 };
  ctx.postMessage({ kind: 'result', result });
}
