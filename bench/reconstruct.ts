/**
 * `cryodx reconstruct` beside `relion_reconstruct` (issue 29), in one run on the same particles.
 *
 * Part 1: 4000 simulated particles of 160 px (C1, CTF, white noise) from a known map; times
 * `relion_reconstruct --i particles.star --o relion.mrc --subset 1 --ctf` and
 * `cryodx reconstruct particles.star --subset 1 --out ours --json` (whole commands), prints both, the ratio
 * (target ≤ 0.5×, ideally ≤ 0.25×), our particles/s, both peak RSS (GNU time -v), and the FSC between the
 * two maps (≥ 0.99 in every shell expected). Part 2 (`--large`, or BENCH_RECON_LARGE=1): 20 000 particles of
 * 256 px, ours only (both halves): time, particles/s, peak RSS.
 *
 * Run: npm run bench:reconstruct  [-- --large]. Sizes: BENCH_RECON_N, BENCH_RECON_COUNT, BENCH_RECON_LARGE_N,
 * BENCH_RECON_LARGE_COUNT; BENCH_RECON_NOISE (noise sd ÷ signal sd, default 1). BENCH_KEEP=1 keeps the temp folders
 * (the large one holds a 5 GB stack). BENCH_CRYODX_CLI: another main.js to time (default dist/node/cli/main.js).
 *
 * The particles are simulated here, without RELION or Python (relion_project takes ~6 ms per 160-px particle on
 * one thread): the known map's padded 3D transform, one central slice per particle with RELION's conventions
 * (Euler_angles2matrix, slice at Aᵀ·k with trilinear interpolation as relion_project's Projector, padding 2,
 * origin shift, CTF −sin γ with RELION's γ), back to real space, white noise. Noise-free, such images (64 px)
 * match `relion_project --ctf` on the same STAR and map to a correlation of 0.9998 (0.995 with the padding 1 of
 * the large set). Without RELION the reference is reported as skipped and only ours is timed.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fscFromSums, shellIndexMap, shellSums } from '../src/core/analysis/fsc/shells.js';
import { allocateSpectrum, irfft3d, rfft3d, type Spectrum } from '../src/core/fourier/rfft3d.js';
import { readMrc } from '../src/core/io/mrc/read.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { applyBfactor, atomsToMap, ellipsoidAtoms, gaussianRandom } from '../src/core/simulate/maps.js';
import { seededRandom } from '../src/core/util/random.js';
import { recordTarget } from './targets.js';

const cli = process.env['BENCH_CRYODX_CLI'] ?? join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');
const LARGE = process.argv.includes('--large') || process.env['BENCH_RECON_LARGE'] === '1';
const KEEP = process.env['BENCH_KEEP'] === '1';
const N = Number(process.env['BENCH_RECON_N'] ?? 160);
const COUNT = Number(process.env['BENCH_RECON_COUNT'] ?? 4000);
const LARGE_N = Number(process.env['BENCH_RECON_LARGE_N'] ?? 256);
const LARGE_COUNT = Number(process.env['BENCH_RECON_LARGE_COUNT'] ?? 20000);
const PX = 1.3;
const NOISE_TABLE = 1 << 22;
/** Noise standard deviation ÷ that of the first noise-free particle image (BENCH_RECON_NOISE, default 1). */
const NOISE = Number(process.env['BENCH_RECON_NOISE'] ?? 1);

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

interface Run {
  seconds: number;
  /** Peak resident set of the child (GNU time -v), bytes; null without /usr/bin/time. */
  maxRssBytes: number | null;
  stdout: string;
}

/** Wall time of a whole command (and its peak RSS through GNU time -v when present); null when it fails. */
function runTimed(cmd: string, args: string[], cwd: string): Run | null {
  const [exe, argv] = GNU_TIME ? ['/usr/bin/time', ['-v', cmd, ...args]] : [cmd, args];
  const t = performance.now();
  const r = spawnSync(exe, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) {
    const text = `${r.stdout}\n${r.stderr}`.trim().split('\n');
    const tail = text.filter((l) => !/^\s+(Command being timed|[A-Z][a-z].*: )/.test(l)).slice(-3);
    console.error(`  ${cmd} ${args.join(' ')} failed (exit ${r.status}): ${tail.join(' | ')}`);
    return null;
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, maxRssBytes: rss ? Number(rss[1]) * 1024 : null, stdout: r.stdout };
}

const gib = (b: number | null) => (b === null ? '—' : `${(b / 2 ** 30).toFixed(2)} GiB`);
const sec = (s: number | null | undefined) => (s === null || s === undefined ? '—' : s.toFixed(2));

// ------------------------------------------------------------------------------------------------ simulation
interface Simulated {
  dir: string;
  star: string;
  count: number;
  perSubset: [number, number];
  truth: string;
  seconds: number;
}

/** RELION's CTF (ctf.h getCTF, no magnification matrix): −sin γ, γ = K1·(defocus form) + K2·u⁴ − K5 − K3. */
function ctfConstants(kV: number, csMm: number, q0: number, phaseShiftDeg: number) {
  const volts = kV * 1000;
  const lambda = 12.2643247 / Math.sqrt(volts * (1 + volts * 0.978466e-6));
  return {
    k1: Math.PI * lambda,
    k2: (Math.PI / 2) * csMm * 1e7 * lambda ** 3,
    k3: Math.atan(q0 / Math.sqrt(1 - q0 * q0)),
    k5: (phaseShiftDeg * Math.PI) / 180,
  };
}

/** RELION Euler_angles2matrix (euler.cpp), row-major 3×3. */
function eulerMatrix(rotDeg: number, tiltDeg: number, psiDeg: number): number[] {
  const [a, b, g] = [rotDeg, tiltDeg, psiDeg].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const [ca, cb, cg, sa, sb, sg] = [Math.cos(a), Math.cos(b), Math.cos(g), Math.sin(a), Math.sin(b), Math.sin(g)];
  const cc = cb * ca,
    cs = cb * sa,
    sc = sb * ca,
    ss = sb * sa;
  return [cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb, -sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb, sc, ss, cb];
}

/** An MRC2014 stack header (mode 2, ISPG 0) for n images of box² at px Å/px; statistics left zero. */
function stackHeader(box: number, n: number, px: number): Uint8Array {
  const h = new Uint8Array(1024);
  const v = new DataView(h.buffer);
  [box, box, n, 2, 0, 0, 0, box, box, 1].forEach((x, i) => v.setInt32(4 * i, x, true));
  [box * px, box * px, px, 90, 90, 90].forEach((x, i) => v.setFloat32(40 + 4 * i, x, true));
  [1, 2, 3].forEach((x, i) => v.setInt32(64 + 4 * i, x, true));
  v.setInt32(104, 20140, true);
  h.set([0x4d, 0x41, 0x50, 0x20, 0x44, 0x44, 0, 0], 208);
  return h;
}

function simulate(label: string, box: number, count: number, seed: number, pad: 1 | 2): Simulated {
  if (box % 2 !== 0) throw new Error('the bench simulates even boxes only');
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `cryodx-bench-reconstruct-${label}-`));
  const rnd = seededRandom(seed);
  const gauss = gaussianRandom(rnd);
  // The known map: ~3000 atoms at 160 px (as bench/fsc.ts scales them), B 60.
  const atoms = ellipsoidAtoms(
    Math.round(12000 * (box / 256) ** 3),
    [box * PX * 0.3, box * PX * 0.22, box * PX * 0.18],
    rnd,
  );
  const map = applyBfactor(atomsToMap(atoms, box, PX, 1.0), box, PX, 60);
  writeFileSync(join(dir, 'truth.mrc'), writeMrc(createVolume(box, box, box, [PX, PX, PX], map)));

  // Padded (×pad) 3D transform, phases referred to the box centre: the central-slice projector.
  const P = pad * box;
  const padded = new Float32Array(P * P * P);
  const off = P / 2 - box / 2;
  for (let z = 0; z < box; z++)
    for (let y = 0; y < box; y++)
      padded.set(map.subarray(box * (y + box * z), box * (y + 1 + box * z)), off + P * (y + off + P * (z + off)));
  const vol = rfft3d(padded, P, P, P, allocateSpectrum(P, P, P, true));
  const vd = vol.data;
  const vh = vol.nxh;
  for (let z = 0; z < P; z++)
    for (let y = 0; y < P; y++) {
      const row = 2 * vh * (y + P * z);
      for (let x = ((y + z) & 1) ^ 1; x < vh; x += 2) {
        vd[row + 2 * x] = -vd[row + 2 * x]!;
        vd[row + 2 * x + 1] = -vd[row + 2 * x + 1]!;
      }
    }

  const h = box / 2 + 1;
  const img: Spectrum = { nx: box, ny: box, nz: 1, nxh: h, data: new Float64Array(2 * h * box) };
  const out = new Float32Array(box * box);
  const optics = { kV: 300, cs: 2.7, q0: 0.1 };
  const c = ctfConstants(optics.kV, optics.cs, optics.q0, 0);
  const stackFd = openSync(join(dir, 'particles.mrcs'), 'w');
  writeSync(stackFd, stackHeader(box, count, PX));
  const rows: string[] = [];
  const batch = 64;
  const pending = new Float32Array(batch * box * box);
  let inBatch = 0;
  let noiseSd = 0;
  const rmax2 = (box / 2) * (box / 2);
  const noise = new Float32Array(NOISE_TABLE);
  for (let k = 0; k < NOISE_TABLE; k++) noise[k] = gauss();
  for (let p = 0; p < count; p++) {
    const rot = 360 * rnd() - 180;
    const tilt = (Math.acos(2 * rnd() - 1) * 180) / Math.PI;
    const psi = 360 * rnd() - 180;
    const ox = (6 * rnd() - 3) * PX;
    const oy = (6 * rnd() - 3) * PX;
    const du = 8000 + 17000 * rnd();
    const dv = du - 1000 * rnd();
    const da = 180 * rnd() - 90;
    const A = eulerMatrix(rot, tilt, psi);
    // ctf.cpp initialise: A = Qᵀ·diag(−U, −V)·Q, Q the rotation by the astigmatism angle.
    const az = (da * Math.PI) / 180;
    const [cz, sz] = [Math.cos(az), Math.sin(az)];
    const axx = -du * cz * cz - dv * sz * sz;
    const axy = (-du + dv) * cz * sz;
    const ayy = -du * sz * sz - dv * cz * cz;
    const boxA = box * PX;
    const d = img.data;
    d.fill(0);
    const a0 = pad * A[0]!,
      a1 = pad * A[1]!,
      a2 = pad * A[2]!,
      a3 = pad * A[3]!,
      a4 = pad * A[4]!,
      a5 = pad * A[5]!;
    // Shift by −origin (relion_project: shiftImageInFourierTransform by −xoff, −yoff): × exp(2πi k·origin/box),
    // along a row by recurrence; and (−1)^(kx+ky) to centre the image on box/2 (even box).
    const stepC = Math.cos((2 * Math.PI * ox) / boxA),
      stepS = Math.sin((2 * Math.PI * ox) / boxA);
    for (let iy = 0; iy < box; iy++) {
      const ky = iy < h ? iy : iy - box;
      const sy = ky / boxA;
      let pc = Math.cos((2 * Math.PI * ky * oy) / boxA) * (ky & 1 ? -1 : 1),
        ps = Math.sin((2 * Math.PI * ky * oy) / boxA) * (ky & 1 ? -1 : 1);
      for (let kx = 0; kx < h; kx++) {
        if (kx > 0) {
          // × exp(2πi·ox/boxA) and × −1 for the centring sign.
          const c2 = -(pc * stepC - ps * stepS);
          ps = -(pc * stepS + ps * stepC);
          pc = c2;
        }
        if (kx * kx + ky * ky > rmax2) continue;
        // 3D position in the padded grid: pad·Aᵀ·(kx, ky, 0).
        let xp = a0 * kx + a3 * ky,
          yp = a1 * kx + a4 * ky,
          zp = a2 * kx + a5 * ky;
        let conj = 1;
        if (xp < 0) {
          xp = -xp;
          yp = -yp;
          zp = -zp;
          conj = -1;
        }
        const x0 = Math.floor(xp),
          y0 = Math.floor(yp),
          z0 = Math.floor(zp);
        const fx = xp - x0,
          fy = yp - y0,
          fz = zp - z0;
        const gx = 1 - fx,
          gy = 1 - fy,
          gz = 1 - fz;
        const ya = y0 < 0 ? y0 + P : y0,
          yb = y0 + 1 < 0 ? y0 + 1 + P : y0 + 1 >= P ? y0 + 1 - P : y0 + 1,
          za = z0 < 0 ? z0 + P : z0,
          zb = z0 + 1 < 0 ? z0 + 1 + P : z0 + 1 >= P ? z0 + 1 - P : z0 + 1;
        const r00 = 2 * (vh * (ya + P * za) + x0),
          r01 = 2 * (vh * (yb + P * za) + x0),
          r10 = 2 * (vh * (ya + P * zb) + x0),
          r11 = 2 * (vh * (yb + P * zb) + x0);
        // x0 + 1 ≤ P/2 = vh − 1 except exactly at the edge; there the weight fx is 0.
        const hx = x0 + 1 < vh ? 2 : 0;
        const w00 = gz * gy,
          w01 = gz * fy,
          w10 = fz * gy,
          w11 = fz * fy;
        const re =
          gx * (w00 * vd[r00]! + w01 * vd[r01]! + w10 * vd[r10]! + w11 * vd[r11]!) +
          fx * (w00 * vd[r00 + hx]! + w01 * vd[r01 + hx]! + w10 * vd[r10 + hx]! + w11 * vd[r11 + hx]!);
        const im =
          conj *
          (gx * (w00 * vd[r00 + 1]! + w01 * vd[r01 + 1]! + w10 * vd[r10 + 1]! + w11 * vd[r11 + 1]!) +
            fx *
              (w00 * vd[r00 + hx + 1]! + w01 * vd[r01 + hx + 1]! + w10 * vd[r10 + hx + 1]! + w11 * vd[r11 + hx + 1]!));
        const sx = kx / boxA;
        const u2 = sx * sx + sy * sy;
        const gamma = c.k1 * (axx * sx * sx + 2 * axy * sx * sy + ayy * sy * sy) + c.k2 * u2 * u2 - c.k5 - c.k3;
        const ctf = -Math.sin(gamma);
        const i = 2 * (kx + h * iy);
        d[i] = ctf * (re * pc - im * ps);
        d[i + 1] = ctf * (re * ps + im * pc);
      }
    }
    irfft3d(img, out);
    if (p === 0) {
      let s = 0,
        s2 = 0;
      for (const v of out) {
        s += v;
        s2 += v * v;
      }
      // White noise with the standard deviation of the first (CTF-modulated) projection: SNR ≈ 1 per pixel.
      noiseSd = NOISE * Math.sqrt(s2 / out.length - (s / out.length) ** 2);
    }
    const base = inBatch * box * box;
    // Noise from a table of normal deviates at a random offset and odd stride (a timing bench: cheap is enough).
    let at = Math.floor(rnd() * NOISE_TABLE);
    const stride = 2 * Math.floor(rnd() * 1000) + 1;
    for (let k = 0; k < out.length; k++) {
      pending[base + k] = out[k]! + noiseSd * noise[at]!;
      at = (at + stride) & (NOISE_TABLE - 1);
    }
    if (++inBatch === batch || p === count - 1) {
      writeSync(stackFd, new Uint8Array(pending.buffer, 0, inBatch * box * box * 4));
      inBatch = 0;
    }
    rows.push(
      `${String(p + 1).padStart(6, '0')}@particles.mrcs ${rot.toFixed(6)} ${tilt.toFixed(6)} ${psi.toFixed(6)} ` +
        `${ox.toFixed(6)} ${oy.toFixed(6)} ${du.toFixed(6)} ${dv.toFixed(6)} ${da.toFixed(6)} 1 ${(p % 2) + 1}`,
    );
  }
  closeSync(stackFd);
  const star = [
    '',
    '# version 30001',
    '',
    'data_optics',
    '',
    'loop_',
    '_rlnOpticsGroupName #1',
    '_rlnOpticsGroup #2',
    '_rlnVoltage #3',
    '_rlnSphericalAberration #4',
    '_rlnAmplitudeContrast #5',
    '_rlnImagePixelSize #6',
    '_rlnImageSize #7',
    '_rlnImageDimensionality #8',
    `opticsGroup1 1 ${optics.kV.toFixed(6)} ${optics.cs.toFixed(6)} ${optics.q0.toFixed(6)} ${PX.toFixed(6)} ${box} 2`,
    '',
    '',
    '# version 30001',
    '',
    'data_particles',
    '',
    'loop_',
    '_rlnImageName #1',
    '_rlnAngleRot #2',
    '_rlnAngleTilt #3',
    '_rlnAnglePsi #4',
    '_rlnOriginXAngst #5',
    '_rlnOriginYAngst #6',
    '_rlnDefocusU #7',
    '_rlnDefocusV #8',
    '_rlnDefocusAngle #9',
    '_rlnOpticsGroup #10',
    '_rlnRandomSubset #11',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'particles.star'), star);
  const half1 = Math.ceil(count / 2);
  return {
    dir,
    star: 'particles.star',
    count,
    perSubset: [half1, count - half1],
    truth: 'truth.mrc',
    seconds: (performance.now() - t0) / 1000,
  };
}

// ------------------------------------------------------------------------------------------------ FSC
function readMap(path: string) {
  return readMrc(readFileSync(path), { source: path }).volume;
}

/** Shell FSC between two maps of the same box (RELION's shells: round(|k|), 0 … n/2). */
function fscOf(a: string, b: string): Float64Array {
  const va = readMap(a),
    vb = readMap(b);
  if (va.nx !== vb.nx || va.ny !== vb.ny || va.nz !== vb.nz)
    throw new Error(`${a} is ${va.nx}×${va.ny}×${va.nz}, ${b} is ${vb.nx}×${vb.ny}×${vb.nz}`);
  const sa = rfft3d(va.data, va.nx, va.ny, va.nz);
  const sb = rfft3d(vb.data, vb.nx, vb.ny, vb.nz);
  return fscFromSums(shellSums(sa, sb, shellIndexMap(va.nx, va.ny, va.nz)));
}

function fscSummary(fsc: Float64Array, box: number): { min: number; shell: number; nyquist: number; text: string } {
  let min = Infinity,
    shell = 0;
  for (let s = 1; s < fsc.length; s++)
    if (fsc[s]! < min) {
      min = fsc[s]!;
      shell = s;
    }
  const nyquist = fsc[fsc.length - 1]!;
  const at = `shell ${shell} (${((box * PX) / shell).toFixed(2)} Å)`;
  return { min, shell, nyquist, text: `min ${min.toFixed(4)} at ${at}, ${nyquist.toFixed(4)} at Nyquist` };
}

/** Where a curve first drops below `level` (Å), as a sentence. */
function crossing(fsc: Float64Array, box: number, level: number): string {
  for (let s = 1; s < fsc.length; s++)
    if (fsc[s]! < level) return `${level} crossed at shell ${s} (${((box * PX) / s).toFixed(2)} Å)`;
  return `above ${level} to Nyquist (${(2 * PX).toFixed(2)} Å)`;
}

/** The map our command wrote for --subset 1: half1.mrc, else map.mrc, else the only MRC in the folder. */
function ourMap(outDir: string): string | null {
  if (!existsSync(outDir)) return null;
  for (const name of ['half1.mrc', 'map.mrc']) if (existsSync(join(outDir, name))) return join(outDir, name);
  const mrcs = readdirSync(outDir).filter((f) => f.endsWith('.mrc'));
  return mrcs.length === 1 ? join(outDir, mrcs[0]!) : null;
}

/** RELION's back-projection seconds, from the last frame of its progress bar ("  12/  12 sec ....~~(,_,\">"). */
function relionBackprojectSeconds(stdout: string): number | null {
  const frames = [...stdout.matchAll(/(\d+)\/\s*(\d+) (sec|min|hrs)/g)];
  const last = frames.at(-1);
  if (!last) return null;
  const unit = last[3] === 'min' ? 60 : last[3] === 'hrs' ? 3600 : 1;
  return Number(last[1]) * unit;
}

// ------------------------------------------------------------------------------------------------ run
const cpu = cpus();
console.log(
  `cryodx reconstruct benchmark (${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, ` +
    `Node ${process.versions.node})`,
);
const built = existsSync(cli);
if (!built)
  console.error(`  ${cli} is missing: run npm run build first (npm run bench:reconstruct does); ours is skipped`);
const relion = have('relion_reconstruct');
if (!relion)
  console.log('  relion_reconstruct not installed (apt-get install relion): the RELION reference is skipped');
if (!GNU_TIME) console.log('  /usr/bin/time (GNU time) missing: peak memory is not measured');

const sim = simulate('small', N, COUNT, 29, 2);
console.log(
  `\nsimulated ${sim.count} particles of ${N} px at ${PX} Å/px (C1, CTF, white noise) ` +
    `in ${sim.seconds.toFixed(1)} s: ${sim.dir}`,
);

// RELION once by default (~40–60 s here, most of it the gridding iterations); BENCH_RECON_RELION_REPEAT=3 for a median.
const RELION_REPEAT = Number(process.env['BENCH_RECON_RELION_REPEAT'] ?? 1);
const relionRuns: Run[] = [];
for (let i = 0; relion && i < RELION_REPEAT; i++) {
  const r = runTimed('relion_reconstruct', ['--i', sim.star, '--o', 'relion.mrc', '--subset', '1', '--ctf'], sim.dir);
  if (r) relionRuns.push(r);
}
const relionRun = [...relionRuns].sort((a, b) => a.seconds - b.seconds)[relionRuns.length >> 1] ?? null;
const oursArgs = [cli, 'reconstruct', sim.star, '--subset', '1', '--out', 'ours', '--json'];
const oursRuns: Run[] = [];
const first = built ? runTimed(process.execPath, oursArgs, sim.dir) : null;
if (first) {
  oursRuns.push(first);
  // The median of three for the cheaper command (RELION's single run takes longer than all three).
  if (!relionRun || first.seconds < relionRun.seconds / 2)
    for (let i = 0; i < 2; i++) {
      const r = runTimed(process.execPath, oursArgs, sim.dir);
      if (r) oursRuns.push(r);
    }
}
const oursSorted = [...oursRuns].sort((a, b) => a.seconds - b.seconds);
const ours = oursSorted[oursSorted.length >> 1] ?? null;
let json: Record<string, unknown> | null = null;
try {
  json = ours ? (JSON.parse(ours.stdout) as Record<string, unknown>) : null;
} catch {
  console.error('  cryodx reconstruct --json did not print JSON');
}
const inserted = sim.perSubset[0];
const ratio = ours && relionRun ? ours.seconds / relionRun.seconds : null;
const oursMap = ourMap(join(sim.dir, 'ours'));
const relionMap = relionRun ? join(sim.dir, 'relion.mrc') : null;
let fscLine = 'FSC ours vs RELION: —';
if (oursMap && relionMap && existsSync(relionMap)) {
  const f = fscSummary(fscOf(oursMap, relionMap), N);
  const fscOk = f.min >= 0.99;
  fscLine = `FSC ours vs RELION (${N}³, every shell to Nyquist): ${f.text} — ${fscOk ? 'ok (≥ 0.99)' : 'BELOW 0.99'}`;
}
const truthLines: string[] = [];
for (const [name, path] of [
  ['ours', oursMap],
  ['RELION', relionMap],
] as const)
  if (path && existsSync(path))
    truthLines.push(`FSC ${name} vs the known map: ${crossing(fscOf(path, join(sim.dir, sim.truth)), N, 0.5)}`);

const bp = relionRun ? relionBackprojectSeconds(relionRun.stdout) : null;
console.log(`\ntimed in ${sim.dir}: relion_reconstruct --i ${sim.star} --o relion.mrc --subset 1 --ctf`);
console.log(`                 node ${cli} reconstruct ${sim.star} --subset 1 --out ours --json`);
console.log(`\n### cryodx reconstruct (\`npm run bench:reconstruct\`)\n`);
console.log(
  '| what | cryodx (s) | relion_reconstruct (s) | cryodx ÷ RELION | cryodx particles/s | ' +
    'cryodx peak RSS | RELION peak RSS |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| one half (--subset 1, ${inserted} of ${sim.count} particles), ${N} px, C1, CTF, whole command | ` +
    `${sec(ours?.seconds)}${oursRuns.length > 1 ? ` (median of ${oursRuns.length})` : ''} | ` +
    `${sec(relionRun?.seconds)}${relionRuns.length > 1 ? ` (median of ${relionRuns.length})` : ''} | ` +
    `${ratio === null ? '—' : ratio.toFixed(2) + '×'} | ${ours ? (inserted / ours.seconds).toFixed(0) : '—'} | ` +
    `${gib(ours?.maxRssBytes ?? null)} | ${gib(relionRun?.maxRssBytes ?? null)} |`,
);
console.log('');
if (oursRuns.length > 1) console.log(`cryodx runs: ${oursRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
if (relionRuns.length > 1) console.log(`RELION runs: ${relionRuns.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
if (bp !== null && relionRun)
  console.log(
    `RELION: back-projection ~${bp} s (its progress bar), the rest (gridding iterations, FFTs, I/O) ` +
      `~${Math.max(0, relionRun.seconds - bp).toFixed(0)} s`,
  );
if (json) {
  const keys = ['particles', 'perHalf', 'boxSize', 'symmetry', 'seconds', 'insertSeconds', 'finishSeconds'];
  console.log(`cryodx --json: ${JSON.stringify(Object.fromEntries(keys.map((k) => [k, json![k]])))}`);
}
console.log(fscLine);
for (const l of truthLines) console.log(l);
if (ratio !== null)
  console.log(`target ≤ 0.5× (ideally ≤ 0.25×): ${ratio <= 0.25 ? 'met, ideal' : ratio <= 0.5 ? 'met' : 'NOT met'}`);
recordTarget({
  what: `cryodx reconstruct --subset 1, ${sim.count} particles of ${N} px, C1, CTF (whole command)`,
  cryodxS: ours?.seconds ?? null,
  reference: relionRun ? 'relion_reconstruct --subset 1 --ctf' : null,
  referenceS: relionRun?.seconds ?? null,
  maxRatio: 0.5,
});
if (!KEEP) rmSync(sim.dir, { recursive: true, force: true });

if (LARGE) {
  // Padding 1 for the large set: ~4× faster to simulate (the 256³ transform stays in cache better); only timed.
  const big = simulate('large', LARGE_N, LARGE_COUNT, 256, 1);
  console.log(
    `\nsimulated ${big.count} particles of ${LARGE_N} px in ${big.seconds.toFixed(1)} s ` +
      `(${((big.count * LARGE_N * LARGE_N * 4) / 2 ** 30).toFixed(1)} GiB stack): ${big.dir}`,
  );
  const run = built
    ? runTimed(process.execPath, [cli, 'reconstruct', big.star, '--out', 'ours', '--json'], big.dir)
    : null;
  let written: string[] = [];
  if (existsSync(join(big.dir, 'ours'))) written = readdirSync(join(big.dir, 'ours'));
  console.log('\n| what | cryodx (s) | particles/s | peak RSS | wrote |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  console.log(
    `| ${big.count} particles of ${LARGE_N} px, both halves, C1, CTF, whole command | ${sec(run?.seconds)} | ` +
      `${run ? (big.count / run.seconds).toFixed(0) : '—'} | ${gib(run?.maxRssBytes ?? null)} | ` +
      `${written.join(', ') || '—'} |`,
  );
  try {
    const j = run ? (JSON.parse(run.stdout) as Record<string, unknown>) : null;
    if (j)
      console.log(
        `\ncryodx --json: seconds ${j['seconds']}, insert ${j['insertSeconds']}, finish ${j['finishSeconds']}`,
      );
  } catch {
    console.error('  cryodx reconstruct --json did not print JSON');
  }
  recordTarget({
    what: `cryodx reconstruct, ${big.count} particles of ${LARGE_N} px, both halves (whole command)`,
    cryodxS: run?.seconds ?? null,
    reference: null,
    referenceS: null,
  });
  if (!KEEP) rmSync(big.dir, { recursive: true, force: true });
}
process.exit(0);
