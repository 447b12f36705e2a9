import { allocateSpectrum, irfft3d, rfft3d, type Spectrum } from '../fourier/rfft3d.js';
import { seededRandom } from '../util/random.js';
import { applyBfactor, atomsToMap, ellipsoidAtoms, gaussianRandom } from './maps.js';

/**
 * Particle images with known angles and CTFs, made as relion_project makes them (one central slice of the
 * padded 3D transform per particle, RELION's Euler matrix, origin shift, CTF −sin γ with RELION's γ), plus white
 * noise. Noise-free, such images (64 px) match `relion_project --ctf` on the same STAR and map to a correlation
 * of 0.9998 (bench/reconstruct.ts). Used by the reconstruction tests, ResLog/what-if tests and benchmarks: a
 * known map and known per-particle truths, with the STAR free to say something else (a wrong defocus).
 */
export interface ParticleSimulation {
  box: number;
  count: number;
  pixelSizeA: number;
  seed: number;
  /** Padding of the projector (1 or 2; RELION's default 2). */
  pad?: 1 | 2;
  /** Noise standard deviation ÷ that of the first noise-free image (default 1). */
  noise?: number;
  /** B-factor of the known map, Å² (positive blurs; default 60). */
  mapBfactorA2?: number;
  /** Particles per micrograph (default 20): each micrograph has one defocus, particles ±100 Å around it. */
  perMicrograph?: number;
  /** The defocus written to the STAR for micrograph m (default: the true one). */
  starDefocusUA?: (micrograph: number, trueDefocusUA: number) => number;
  /** Defocus range of the micrographs, Å (default 8000–25000). */
  defocusRangeA?: [number, number];
  /** Called with each noisy image (box² float32, x fastest), in order. */
  onImage: (index: number, image: Float32Array) => void;
}

export interface SimulatedParticles {
  /** The known map (box³, x fastest). */
  truth: Float32Array;
  /** RELION 3.1 particle STAR (optics + particles; images `NNNNNN@particles.mrcs`). */
  star: string;
  /** True mean defocus of each micrograph, Å. */
  micrographDefocusA: number[];
}

const NOISE_TABLE = 1 << 20;

export function simulateParticles(s: ParticleSimulation): SimulatedParticles {
  const { box, count, pixelSizeA: px } = s;
  if (box % 2 !== 0) throw new RangeError('simulateParticles: even boxes only');
  const pad = s.pad ?? 2;
  const rnd = seededRandom(s.seed);
  const gauss = gaussianRandom(rnd);
  const atoms = ellipsoidAtoms(
    Math.round(12000 * (box / 256) ** 3),
    [box * px * 0.3, box * px * 0.22, box * px * 0.18],
    rnd,
  );
  const truth = applyBfactor(atomsToMap(atoms, box, px, 1.0), box, px, s.mapBfactorA2 ?? 60);
  const vol = projectorVolume(truth, box, pad);
  const perMic = s.perMicrograph ?? 20;
  const [dLo, dHi] = s.defocusRangeA ?? [8000, 25000];
  const micrographDefocusA = Array.from({ length: Math.ceil(count / perMic) }, () => dLo + (dHi - dLo) * rnd());
  const noise = Float32Array.from({ length: NOISE_TABLE }, () => gauss());
  const c = ctfConstants(300, 2.7, 0.1);
  const img: Spectrum = { nx: box, ny: box, nz: 1, nxh: box / 2 + 1, data: new Float64Array((box + 2) * box) };
  const out = new Float32Array(box * box);
  const noisy = new Float32Array(box * box);
  const rows: string[] = [];
  let noiseSd = 0;
  for (let p = 0; p < count; p++) {
    const m = Math.floor(p / perMic);
    const view = {
      rot: 360 * rnd() - 180,
      tilt: (Math.acos(2 * rnd() - 1) * 180) / Math.PI,
      psi: 360 * rnd() - 180,
      ox: (6 * rnd() - 3) * px,
      oy: (6 * rnd() - 3) * px,
    };
    const du = micrographDefocusA[m]! + 200 * rnd() - 100;
    const dv = du - 1000 * rnd();
    const da = 180 * rnd() - 90;
    project(vol, img, box, pad, px, view, c, { du, dv, da });
    irfft3d(img, out);
    if (p === 0) noiseSd = (s.noise ?? 1) * sd(out);
    let at = Math.floor(rnd() * NOISE_TABLE);
    const stride = 2 * Math.floor(rnd() * 1000) + 1;
    for (let k = 0; k < out.length; k++) {
      noisy[k] = out[k]! + noiseSd * noise[at]!;
      at = (at + stride) & (NOISE_TABLE - 1);
    }
    s.onImage(p, noisy);
    const starDu = s.starDefocusUA ? s.starDefocusUA(m, du) : du;
    const starDv = starDu - (du - dv);
    rows.push(
      `${String(p + 1).padStart(6, '0')}@particles.mrcs mic${String(m + 1).padStart(4, '0')}.mrc ` +
        `${view.rot.toFixed(6)} ${view.tilt.toFixed(6)} ${view.psi.toFixed(6)} ${view.ox.toFixed(6)} ` +
        `${view.oy.toFixed(6)} ${starDu.toFixed(6)} ${starDv.toFixed(6)} ${da.toFixed(6)} 1 ${(p % 2) + 1}`,
    );
  }
  return { truth, star: particleStar(rows, box, px), micrographDefocusA };
}

/** A whole MRC stack (mode 2) in memory from simulated images: for tests, which read it back as a file. */
export function simulatedStack(s: Omit<ParticleSimulation, 'onImage'>): SimulatedParticles & { stack: Uint8Array } {
  const n2 = s.box * s.box;
  const stack = new Uint8Array(1024 + 4 * n2 * s.count);
  stack.set(stackHeader(s.box, s.count, s.pixelSizeA));
  const data = new Float32Array(stack.buffer, 1024, n2 * s.count);
  const sim = simulateParticles({ ...s, onImage: (i, image) => data.set(image, i * n2) });
  return { ...sim, stack };
}

/** An MRC2014 stack header (mode 2, ISPG 0) for n images of box² at px Å/px; statistics left zero. */
export function stackHeader(box: number, n: number, px: number): Uint8Array {
  const h = new Uint8Array(1024);
  const v = new DataView(h.buffer);
  [box, box, n, 2, 0, 0, 0, box, box, 1].forEach((x, i) => v.setInt32(4 * i, x, true));
  [box * px, box * px, px, 90, 90, 90].forEach((x, i) => v.setFloat32(40 + 4 * i, x, true));
  [1, 2, 3].forEach((x, i) => v.setInt32(64 + 4 * i, x, true));
  v.setInt32(104, 20140, true);
  h.set([0x4d, 0x41, 0x50, 0x20, 0x44, 0x44, 0, 0], 208);
  return h;
}

function sd(a: Float32Array): number {
  let s = 0,
    s2 = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
  }
  return Math.sqrt(s2 / a.length - (s / a.length) ** 2);
}

interface CtfConstants {
  k1: number;
  k2: number;
  k3: number;
}

/** RELION's CTF constants (ctf.h): γ = K1·(defocus form) + K2·u⁴ − K3 (no phase shift). */
function ctfConstants(kV: number, csMm: number, q0: number): CtfConstants {
  const volts = kV * 1000;
  const lambda = 12.2643247 / Math.sqrt(volts * (1 + volts * 0.978466e-6));
  return {
    k1: Math.PI * lambda,
    k2: (Math.PI / 2) * csMm * 1e7 * lambda ** 3,
    k3: Math.atan(q0 / Math.sqrt(1 - q0 * q0)),
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

/** The map padded ×pad, transformed, with phases referred to the box centre (the central-slice projector). */
function projectorVolume(map: Float32Array, box: number, pad: number): Spectrum {
  const P = pad * box;
  const padded = new Float32Array(P * P * P);
  const off = P / 2 - box / 2;
  for (let z = 0; z < box; z++)
    for (let y = 0; y < box; y++)
      padded.set(map.subarray(box * (y + box * z), box * (y + 1 + box * z)), off + P * (y + off + P * (z + off)));
  const vol = rfft3d(padded, P, P, P, allocateSpectrum(P, P, P, true));
  const vd = vol.data;
  for (let z = 0; z < P; z++)
    for (let y = 0; y < P; y++) {
      const row = 2 * vol.nxh * (y + P * z);
      for (let x = ((y + z) & 1) ^ 1; x < vol.nxh; x += 2) {
        vd[row + 2 * x] = -vd[row + 2 * x]!;
        vd[row + 2 * x + 1] = -vd[row + 2 * x + 1]!;
      }
    }
  return vol;
}

interface View {
  rot: number;
  tilt: number;
  psi: number;
  ox: number;
  oy: number;
}

/**
 * One image's half spectrum: the slice at pad·Aᵀ·(kx, ky, 0) (trilinear), shifted by −origin (relion_project's
 * shiftImageInFourierTransform), centred ((−1)^(kx+ky), even box) and multiplied by the CTF.
 */
function project(
  vol: Spectrum,
  img: Spectrum,
  box: number,
  pad: number,
  px: number,
  v: View,
  c: CtfConstants,
  def: { du: number; dv: number; da: number },
): void {
  const P = pad * box;
  const vd = vol.data,
    vh = vol.nxh;
  const h = box / 2 + 1;
  const A = eulerMatrix(v.rot, v.tilt, v.psi).map((x) => pad * x);
  // ctf.cpp initialise: A = Qᵀ·diag(−U, −V)·Q, Q the rotation by the astigmatism angle.
  const az = (def.da * Math.PI) / 180;
  const [cz, sz] = [Math.cos(az), Math.sin(az)];
  const axx = -def.du * cz * cz - def.dv * sz * sz;
  const axy = (-def.du + def.dv) * cz * sz;
  const ayy = -def.du * sz * sz - def.dv * cz * cz;
  const boxA = box * px;
  const rmax2 = (box / 2) ** 2;
  const d = img.data;
  d.fill(0);
  const wrap = (i: number): number => (i < 0 ? i + P : i >= P ? i - P : i);
  for (let iy = 0; iy < box; iy++) {
    const ky = iy < h ? iy : iy - box;
    const sy = ky / boxA;
    for (let kx = 0; kx < h; kx++) {
      if (kx * kx + ky * ky > rmax2) continue;
      let xp = A[0]! * kx + A[3]! * ky,
        yp = A[1]! * kx + A[4]! * ky,
        zp = A[2]! * kx + A[5]! * ky;
      let conj = 1;
      if (xp < 0) {
        [xp, yp, zp, conj] = [-xp, -yp, -zp, -1];
      }
      const x0 = Math.floor(xp),
        y0 = Math.floor(yp),
        z0 = Math.floor(zp);
      const fx = xp - x0,
        fy = yp - y0,
        fz = zp - z0;
      const r = [
        [wrap(y0), wrap(z0)],
        [wrap(y0 + 1), wrap(z0)],
        [wrap(y0), wrap(z0 + 1)],
        [wrap(y0 + 1), wrap(z0 + 1)],
      ].map(([y, z]) => 2 * (vh * (y! + P * z!) + x0));
      const w = [(1 - fz) * (1 - fy), (1 - fz) * fy, fz * (1 - fy), fz * fy];
      // x0 + 1 ≤ P/2 = vh − 1 except exactly at the edge; there the weight fx is 0.
      const hx = x0 + 1 < vh ? 2 : 0;
      let re = 0,
        im = 0;
      for (let q = 0; q < 4; q++) {
        re += w[q]! * ((1 - fx) * vd[r[q]!]! + fx * vd[r[q]! + hx]!);
        im += w[q]! * ((1 - fx) * vd[r[q]! + 1]! + fx * vd[r[q]! + hx + 1]!);
      }
      im *= conj;
      const sx = kx / boxA;
      const u2 = sx * sx + sy * sy;
      const gamma = c.k1 * (axx * sx * sx + 2 * axy * sx * sy + ayy * sy * sy) + c.k2 * u2 * u2 - c.k3;
      const ctf = -Math.sin(gamma);
      // × exp(2πi k·origin/box) and the centring sign (−1)^(kx+ky).
      const phase = (2 * Math.PI * (kx * v.ox + ky * v.oy)) / boxA;
      const sign = (kx + ky) & 1 ? -ctf : ctf;
      const pc = Math.cos(phase) * sign,
        ps = Math.sin(phase) * sign;
      const i = 2 * (kx + h * iy);
      d[i] = re * pc - im * ps;
      d[i + 1] = re * ps + im * pc;
    }
  }
}

function particleStar(rows: string[], box: number, px: number): string {
  const labels = [
    'ImageName',
    'MicrographName',
    'AngleRot',
    'AngleTilt',
    'AnglePsi',
    'OriginXAngst',
    'OriginYAngst',
    'DefocusU',
    'DefocusV',
    'DefocusAngle',
    'OpticsGroup',
    'RandomSubset',
  ];
  return [
    '',
    '# version 30001',
    '',
    'data_optics',
    '',
    'loop_',
    ...['OpticsGroupName', 'OpticsGroup', 'Voltage', 'SphericalAberration', 'AmplitudeContrast', 'ImagePixelSize']
      .concat(['ImageSize', 'ImageDimensionality'])
      .map((l, i) => `_rln${l} #${i + 1}`),
    `opticsGroup1 1 300.000000 2.700000 0.100000 ${px.toFixed(6)} ${box} 2`,
    '',
    '',
    '# version 30001',
    '',
    'data_particles',
    '',
    'loop_',
    ...labels.map((l, i) => `_rln${l} #${i + 1}`),
    ...rows,
    '',
  ].join('\n');
}
