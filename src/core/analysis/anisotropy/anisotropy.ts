import type { Warning } from '../../errors.js';
import { allocateSpectrum, rfft3d, signedFrequency, type FourierCompute, type Spectrum } from '../../fourier/rfft3d.js';
import { ProgressSteps, type ProgressContext } from '../../util/progress.js';
import { findCrossing, thresholdCurve } from '../fsc/criteria.js';
import { shellCount } from '../fsc/shells.js';
import { coneSums, fscVolume, MIN_CONE_VOXELS } from './cones.js';
import { fibonacciHemisphere } from './directions.js';
import { startNoiseFloor, type NoiseFloorOffloader } from './noise-floor.js';
import { readAnisotropy } from './reading.js';
import { sphericityOf } from './sphericity.js';
import type { CheckedMap } from '../../model/checked-map.js';

export { readAnisotropy, sphericityOf };

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

/** What the directional FSC may use: the transforms' threads and kernels, a thread for the noise floor. */
export interface AnisotropyCompute extends FourierCompute {
  noiseFloor?: NoiseFloorOffloader | null;
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
  half1: CheckedMap,
  half2: CheckedMap,
  options: AnisotropyOptions,
  progress?: ProgressContext,
  compute?: AnisotropyCompute,
): AnisotropyComputation {
  const n = half1.nx;
  const px = options.pixelSizeA;
  const cone = options.coneAngleDeg ?? 20;
  const D = options.directions ?? 500;
  const cutoff = options.fscCutoff ?? 0.143;
  const steps = new ProgressSteps(progress, [2, 3, 2, 2]);
  steps.step(2, 'transforms');
  // 3DFSC multiplies both halves by the mask; the transform does it on the way in.
  // Float32 spectra, as the FSC suite's: cone and shell sums are taken in float64.
  const mask = options.mask ?? null;
  const s1 = rfft3d(half1.data, n, n, n, allocateSpectrum(n, n, n, true, compute), mask, compute);
  const s2 = rfft3d(half2.data, n, n, n, allocateSpectrum(n, n, n, true, compute), mask, compute);
  steps.step(3, 'cones');
  const axes = fibonacciHemisphere(D);
  const S = shellCount(n);
  const highPassShell = Math.floor((n * px) / (options.highPassA ?? 200));
  const global = shellFsc(s1, s2, n);
  // Independent of the map's own cones: on another thread while this one measures them.
  const joinFloor = startNoiseFloor(compute?.noiseFloor ?? null, {
    dims: [n, n, n],
    global,
    axes,
    coneDeg: cone,
    S,
    D,
    threshold: options.sphericityThreshold ?? 0.5,
    highPassShell,
  });
  const sums = coneSums(s1, s2, axes, (cone * Math.PI) / 180, S);
  const conical = new Float64Array(D * S);
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
  const floor = joinFloor();
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
