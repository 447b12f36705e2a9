import type { Warning } from '../../errors.js';
import { forEachFrequency } from '../../fourier/frequencies.js';
import { rfft3d, signedFrequency, type Spectrum } from '../../fourier/rfft3d.js';
import type { Volume } from '../../model/volume.js';
import { ProgressSteps, type ProgressContext } from '../../util/progress.js';
import { seededRandom } from '../../util/random.js';
import { findCrossing, thresholdCurve } from '../fsc/criteria.js';
import { shellCount } from '../fsc/shells.js';
import { AxisLookup, fibonacciHemisphere } from './directions.js';
import { gaussianBlur, isoSurfaceArea } from './surface.js';

export interface AnisotropyOptions {
  pixelSizeA: number;
  /** Half-angle of each cone, degrees (3DFSC: 20). */
  coneAngleDeg?: number;
  /** Cone axes on the hemisphere (default 500). */
  directions?: number;
  /** FSC threshold for the per-direction resolution (0.143) and for sphericity (3DFSC: 0.5). */
  fscCutoff?: number;
  sphericityThreshold?: number;
  /** Shells below this resolution count as 1 in the 3D FSC (3DFSC's high-pass, 200 Å). */
  highPassA?: number;
  /** Soft mask applied to both halves first (3DFSC multiplies the half maps by the mask). */
  mask?: Float32Array | null;
}

export interface DirectionResult {
  x: number;
  y: number;
  z: number;
  resolutionA: number | null;
  /** Interpolated 0.143 crossing: ranks directions that share a shell. */
  resolutionInterpolatedA: number | null;
  /** Area under this cone's FSC (sum over shells 1 … Nyquist of max(FSC, 0)), for cFAR. */
  area: number;
}

export interface AnisotropyResult {
  sphericity: number;
  /**
   * The sphericity an isotropic map with this shell FSC, box and cones shows (mean and lowest of the
   * realisations): sphericity is evidence of anisotropy only below it.
   */
  sphericityNoiseFloor: { mean: number; low: number; replicates: number };
  cfar: number;
  directionalResolutionA: { best: number | null; worst: number | null; median: number | null };
  bestDirection: [number, number, number];
  worstDirection: [number, number, number];
  globalResolutionA: number | null;
  coneAngleDeg: number;
  directions: DirectionResult[];
  /** Conical FSC per direction and shell, row-major [direction][shell]. */
  conicalFsc: Float64Array;
  shells: number;
  warnings: Warning[];
}

export interface AnisotropyComputation {
  result: AnisotropyResult;
  /** The 3D FSC volume (n³, origin at n/2), as 3DFSC writes it for ChimeraX. */
  fsc3d: Float32Array;
}

/**
 * Directional resolution (3DFSC, Tan et al. 2017): the FSC within cones around many axes, one pass
 * over the half spectrum binning each voxel into the cones that contain it; the 3D FSC volume;
 * sphericity as 3DFSC v3 (binarise at 0.5 outward from the centre, blur σ = 1, iso-surface at 0.5,
 * Ψ = π^⅓(6V)^⅔/A); cFAR (cryoSPARC) = smallest / largest area under the conical FSCs.
 */
export function anisotropy(
  half1: Volume,
  half2: Volume,
  options: AnisotropyOptions,
  progress?: ProgressContext,
): AnisotropyComputation {
  const n = half1.nx;
  const px = options.pixelSizeA;
  const cone = options.coneAngleDeg ?? 20;
  const D = options.directions ?? 500;
  const cutoff = options.fscCutoff ?? 0.143;
  const steps = new ProgressSteps(progress, [2, 3, 2, 2]);
  steps.step(2, 'transforms');
  const prep = (v: Volume): Float32Array => (options.mask ? v.data.map((x, i) => x * options.mask![i]!) : v.data);
  const s1 = rfft3d(prep(half1), n, n, n);
  const s2 = rfft3d(prep(half2), n, n, n);
  steps.step(3, 'cones');
  const axes = fibonacciHemisphere(D);
  const S = shellCount(n);
  const sums = coneSums(s1, s2, axes, (cone * Math.PI) / 180, S);
  const conical = new Float64Array(D * S);
  const highPassShell = Math.floor((n * px) / (options.highPassA ?? 200));
  const global = shellFsc(s1, s2, n);
  for (let d = 0; d < D; d++)
    for (let s = 0; s < S; s++) {
      const i = d * S + s;
      const den = Math.sqrt(sums.den1[i]! * sums.den2[i]!);
      // Innermost shells hold few voxels per cone (none, or too few for a meaningful correlation):
      // those take the shell's global FSC.
      conical[i] =
        s <= highPassShell ? 1 : den > 0 && sums.count[i]! >= MIN_CONE_VOXELS ? sums.num[i]! / den : global[s]!;
    }
  const threshold = thresholdCurve('0.143', new Float64Array(S)).fill(cutoff);
  const directions: DirectionResult[] = [];
  for (let d = 0; d < D; d++) {
    const curve = conical.subarray(d * S, (d + 1) * S);
    let area = 0;
    for (let s = 1; s < S; s++) area += Math.max(0, curve[s]!);
    const c = findCrossing(curve, threshold, n * px, '0.143');
    directions.push({
      x: axes[3 * d]!,
      y: axes[3 * d + 1]!,
      z: axes[3 * d + 2]!,
      resolutionA: c.resolutionA,
      resolutionInterpolatedA: c.resolutionInterpolatedA,
      area,
    });
  }
  steps.step(2, '3D FSC volume');
  // The nearest axis is within about one axis spacing (≈ √(2π/D)); search a little wider.
  const fsc3d = fscVolume(conical, axes, S, n, Math.min((cone * Math.PI) / 180, 1.5 * Math.sqrt((2 * Math.PI) / D)));
  steps.step(2, 'sphericity');
  const sphericity = sphericityOf(fsc3d, n, options.sphericityThreshold ?? 0.5, highPassShell);
  const floor = sphericityNoiseFloor(
    s1,
    global,
    axes,
    cone,
    S,
    n,
    D,
    options.sphericityThreshold ?? 0.5,
    highPassShell,
  );
  steps.finish();
  const resolved = directions
    .filter((d) => d.resolutionInterpolatedA !== null)
    .sort((a, b) => a.resolutionInterpolatedA! - b.resolutionInterpolatedA! || b.area - a.area);
  // Neighbouring cones share most voxels, so single extremes are noisy: the best and worst
  // directions are those of the extremes after averaging 1/d² over axes within half a cone.
  const smooth = smoothedInvRes2(directions, ((cone / 2) * Math.PI) / 180);
  let bi = 0,
    wi = 0;
  smooth.forEach((v, k) => {
    if (v > smooth[bi]!) bi = k;
    if (v < smooth[wi]!) wi = k;
  });
  const best = directions[bi]!,
    worst = directions[wi]!;
  const areas = directions.map((d) => d.area);
  const cfar = Math.min(...areas) / Math.max(...areas);
  const globalResolutionA = findCrossing(global, new Float64Array(S).fill(cutoff), n * px, '0.143').resolutionA;
  const result: AnisotropyResult = {
    sphericity,
    sphericityNoiseFloor: floor,
    cfar,
    directionalResolutionA: {
      best: resolved[0]?.resolutionA ?? null,
      worst: resolved[resolved.length - 1]?.resolutionA ?? null,
      median: resolved.length ? resolved[resolved.length >> 1]!.resolutionA : null,
    },
    bestDirection: [best.x, best.y, best.z],
    worstDirection: [worst.x, worst.y, worst.z],
    globalResolutionA,
    coneAngleDeg: cone,
    directions,
    conicalFsc: conical,
    shells: S,
    warnings: [],
  };
  result.warnings.push(...readAnisotropy(result));
  return { result, fsc3d };
}

const MIN_CONE_VOXELS = 30;

interface ConeSums {
  count: Float64Array;
  num: Float64Array;
  den1: Float64Array;
  den2: Float64Array;
}

/** One pass over the half spectrum; each voxel (and its Friedel mate) adds to every cone within the angle. */
function coneSums(a: Spectrum, b: Spectrum, axes: Float64Array, angleRad: number, S: number): ConeSums {
  const D = axes.length / 3;
  const out: ConeSums = {
    count: new Float64Array(D * S),
    num: new Float64Array(D * S),
    den1: new Float64Array(D * S),
    den2: new Float64Array(D * S),
  };
  const lookup = new AxisLookup(axes, angleRad, 32);
  const cosA = Math.cos(angleRad);
  const { nx, ny, nz, nxh } = a;
  const { count, num: numS, den1: den1S, den2: den2S } = out;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      for (let x = 0; x < nxh; x++, i++) {
        const r = Math.sqrt(x * x + ky * ky + kz * kz);
        const s = Math.round(r);
        if (s === 0 || s >= S) continue;
        const ux = x / r,
          uy = ky / r,
          uz = kz / r;
        const ar = a.data[2 * i]!,
          ai = a.data[2 * i + 1]!,
          br = b.data[2 * i]!,
          bi = b.data[2 * i + 1]!;
        const num = ar * br + ai * bi,
          d1 = ar * ar + ai * ai,
          d2 = br * br + bi * bi;
        const cand = lookup.candidates(ux, uy, uz);
        for (let q = 0; q < cand.length; q++) {
          const d = cand[q]!;
          const dot = ux * axes[3 * d]! + uy * axes[3 * d + 1]! + uz * axes[3 * d + 2]!;
          if (dot < cosA && dot > -cosA) continue;
          const o = d * S + s;
          count[o] = count[o]! + 1;
          numS[o] = numS[o]! + num;
          den1S[o] = den1S[o]! + d1;
          den2S[o] = den2S[o]! + d2;
        }
      }
    }
  }
  void nx;
  return out;
}

/** The 3D FSC: each voxel of an n³ grid (origin n/2) takes the conical FSC of its nearest axis at its shell. */
/**
 * The sphericity an isotropic map with the same shell FSC, box and cones would show: half spectra
 * whose voxels correlate by exactly the global FSC of their shell (F₁ = A + N₁, F₂ = A + N₂ with
 * |A|² : |N|² = ρ : 1 − ρ), through the same cones, 3D FSC volume and iso-surface. Few voxels per cone
 * (small boxes, coarse maps) make an isotropic map look anisotropic; only sphericity below this floor
 * says anything about the views. Two realisations (one above 160³, where the floor nears 1).
 */
function sphericityNoiseFloor(
  like: Spectrum,
  global: Float64Array,
  axes: Float64Array,
  coneDeg: number,
  S: number,
  n: number,
  D: number,
  threshold: number,
  highPassShell: number,
): { mean: number; low: number; replicates: number } {
  const reps = n > 160 ? 1 : 2;
  const rnd = seededRandom(4711);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const values: number[] = [];
  for (let r = 0; r < reps; r++) {
    const a: Spectrum = { ...like, data: new Float64Array(like.data.length) };
    const b: Spectrum = { ...like, data: new Float64Array(like.data.length) };
    forEachFrequency(like, (i, r2) => {
      const s = Math.round(Math.sqrt(r2));
      const rho = s < S ? Math.min(0.999, Math.max(0, global[s]!)) : 0;
      const sa = Math.sqrt(rho),
        sn = Math.sqrt(1 - rho);
      for (const part of [0, 1]) {
        const common = sa * gauss();
        a.data[2 * i + part] = common + sn * gauss();
        b.data[2 * i + part] = common + sn * gauss();
      }
    });
    const sums = coneSums(a, b, axes, (coneDeg * Math.PI) / 180, S);
    const conical = new Float64Array(D * S);
    for (let i = 0; i < D * S; i++) {
      const s = i % S;
      const den = Math.sqrt(sums.den1[i]! * sums.den2[i]!);
      conical[i] =
        s <= highPassShell ? 1 : den > 0 && sums.count[i]! >= MIN_CONE_VOXELS ? sums.num[i]! / den : global[s]!;
    }
    const volume = fscVolume(
      conical,
      axes,
      S,
      n,
      Math.min((coneDeg * Math.PI) / 180, 1.5 * Math.sqrt((2 * Math.PI) / D)),
    );
    values.push(sphericityOf(volume, n, threshold, highPassShell));
  }
  return { mean: values.reduce((x, y) => x + y, 0) / values.length, low: Math.min(...values), replicates: reps };
}

function fscVolume(conical: Float64Array, axes: Float64Array, S: number, n: number, angleRad: number): Float32Array {
  const out = new Float32Array(n * n * n);
  const lookup = new AxisLookup(axes, Math.min(Math.PI / 2, angleRad));
  const c = n / 2;
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const kx = x - c,
          ky = y - c,
          kz = z - c;
        // Friedel symmetry: fill k and −k together from the half with kz > 0 (or kz = 0, ky > 0 …).
        if (kz < 0 || (kz === 0 && (ky < 0 || (ky === 0 && kx < 0)))) continue;
        const r = Math.sqrt(kx * kx + ky * ky + kz * kz);
        const s = Math.round(r);
        if (s >= S) continue;
        let v = 1;
        if (s > 0) {
          let best = -1,
            bestDot = -1;
          for (const d of lookup.candidates(kx / r, ky / r, kz / r)) {
            const dot = Math.abs(kx * axes[3 * d]! + ky * axes[3 * d + 1]! + kz * axes[3 * d + 2]!) / r;
            if (dot > bestDot) {
              bestDot = dot;
              best = d;
            }
          }
          v = best >= 0 ? conical[best * S + s]! : 0;
        }
        out[x + n * (y + n * z)] = v;
        const mx = c - kx,
          my = c - ky,
          mz = c - kz;
        if (mx < n && my < n && mz < n) out[mx + n * (my + n * mz)] = v;
      }
  return out;
}

/**
 * 3DFSC v3: voxels in order of distance from the centre are 1 when ≥ threshold and their neighbour
 * closest to the centre is 1 (shells inside the high-pass are 1); then pad, blur σ = 1, iso-surface
 * at 0.5: Ψ = π^⅓ (6V)^⅔ / A, V = voxels of the blurred volume ≥ 0.5.
 */
export function sphericityOf(fsc3d: Float32Array, n: number, threshold: number, highPassShell: number): number {
  const c = n / 2;
  // The neighbour closest to the centre is one step towards it on every axis where the voxel is
  // off-centre (for integer offsets this is unique), so processing by increasing L1 distance from
  // the centre always visits it first.
  const order = byL1(n, c);
  const mem = Float32Array.from(fsc3d);
  const bin = new Uint8Array(n * n * n);
  for (const i of order) {
    const ux = (i % n) - c,
      uy = (Math.floor(i / n) % n) - c,
      uz = Math.floor(i / n / n) - c;
    if (ux * ux + uy * uy + uz * uz < highPassShell * highPassShell) {
      bin[i] = 1;
      mem[i] = 1;
      continue;
    }
    if (mem[i]! < threshold) {
      mem[i] = 0;
      continue;
    }
    const j = i - Math.sign(ux) - n * Math.sign(uy) - n * n * Math.sign(uz);
    if (mem[j]! >= threshold) bin[i] = 1;
    else mem[i] = 0;
  }
  const m = n + 12;
  const padded = new Float32Array(m * m * m);
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) padded[x + 6 + m * (y + 6 + m * (z + 6))] = bin[x + n * (y + n * z)]!;
  const blurred = gaussianBlur(padded, m, m, m, 1);
  const area = isoSurfaceArea(blurred, m, m, m, 0.5);
  let volume = 0;
  for (const v of blurred) if (v >= 0.5) volume++;
  return area > 0 ? (Math.cbrt(Math.PI) * Math.pow(6 * volume, 2 / 3)) / area : 0;
}

function smoothedInvRes2(directions: DirectionResult[], radiusRad: number): Float64Array {
  const cosR = Math.cos(radiusRad);
  return Float64Array.from(directions, (d) => {
    let sum = 0,
      k = 0;
    for (const e of directions) {
      if (Math.abs(d.x * e.x + d.y * e.y + d.z * e.z) < cosR) continue;
      sum += e.resolutionInterpolatedA ? 1 / e.resolutionInterpolatedA ** 2 : 0;
      k++;
    }
    return sum / k;
  });
}

/** Voxel indices by increasing |x − c| + |y − c| + |z − c| (counting sort). */
function byL1(n: number, c: number): Int32Array {
  const key = (i: number): number =>
    Math.abs((i % n) - c) + Math.abs((Math.floor(i / n) % n) - c) + Math.abs(Math.floor(i / n / n) - c);
  const max = 3 * n;
  const start = new Int32Array(max + 2);
  const total = n * n * n;
  for (let i = 0; i < total; i++) start[key(i) + 1]!++;
  for (let b = 0; b <= max; b++) start[b + 1]! += start[b]!;
  const order = new Int32Array(total);
  for (let i = 0; i < total; i++) order[start[key(i)]!++] = i;
  return order;
}

function shellFsc(s1: Spectrum, s2: Spectrum, n: number): Float64Array {
  const S = shellCount(n);
  const num = new Float64Array(S),
    d1 = new Float64Array(S),
    d2 = new Float64Array(S);
  let i = 0;
  for (let z = 0; z < n; z++) {
    const kz = signedFrequency(z, n);
    for (let y = 0; y < n; y++) {
      const ky = signedFrequency(y, n);
      for (let x = 0; x < s1.nxh; x++, i++) {
        const s = Math.round(Math.sqrt(x * x + ky * ky + kz * kz));
        if (s >= S) continue;
        const ar = s1.data[2 * i]!,
          ai = s1.data[2 * i + 1]!,
          br = s2.data[2 * i]!,
          bi = s2.data[2 * i + 1]!;
        num[s] = num[s]! + ar * br + ai * bi;
        d1[s] = d1[s]! + ar * ar + ai * ai;
        d2[s] = d2[s]! + br * br + bi * bi;
      }
    }
  }
  return num.map((v, s) => (s === 0 ? 1 : v / Math.sqrt(d1[s]! * d2[s]!)));
}

/** Seed 000, reason 2: sphericity < 0.85 and a best–worst spread > 1 Å suggest preferred orientation. */
export function readAnisotropy(r: AnisotropyResult): Warning[] {
  const w: Warning[] = [];
  const { best, worst } = r.directionalResolutionA;
  const floor = r.sphericityNoiseFloor.low;
  if (r.sphericity < 0.85 && r.sphericity < floor - 0.02)
    w.push({
      code: 'low-sphericity',
      message:
        `sphericity ${r.sphericity.toFixed(3)} < 0.85 (an isotropic map with this FSC and box gives ` +
        `${floor.toFixed(3)}): the resolution depends on direction, the signature of preferred orientation or of ` +
        `too few views (Tan et al. 2017); check the angular distribution`,
    });
  else if (r.sphericity < 0.85)
    w.push({
      code: 'sphericity-at-noise-floor',
      message:
        `sphericity ${r.sphericity.toFixed(3)} is what an isotropic map with this FSC and box gives ` +
        `(${floor.toFixed(3)}): too few voxels per cone to see anisotropy here, not evidence of it`,
    });
  const { median } = r.directionalResolutionA;
  // A median direction finer than the whole-shell FSC is not possible for a proper cone set: it points at
  // cones too narrow for their voxels, a mask that differs from the global one, or an FSC shaped by the mask.
  if (median !== null && r.globalResolutionA !== null && median < 0.97 * r.globalResolutionA)
    w.push({
      code: 'directional-median-finer-than-global',
      message:
        `the median directional resolution (${median.toFixed(2)} Å) is finer than the global FSC's ` +
        `(${r.globalResolutionA.toFixed(2)} Å): check the mask and the cone angle before reading the directions`,
    });
  if (best !== null && worst !== null && worst - best > 1)
    w.push({
      code: 'directional-spread',
      message:
        `directional resolution ranges from ${best.toFixed(2)} to ${worst.toFixed(2)} Å (> 1 Å between best ` +
        `and worst directions)`,
    });
  if (r.cfar < 0.5)
    w.push({
      code: 'low-cfar',
      message:
        `cFAR ${r.cfar.toFixed(2)} < 0.5 (cryoSPARC's reading): anisotropic; with a high SCF* this points ` +
        `to junk or heterogeneity rather than missing views`,
    });
  return w;
}
