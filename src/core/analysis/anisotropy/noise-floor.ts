import { forEachFrequency } from '../../fourier/frequencies.js';
import type { Spectrum } from '../../fourier/rfft3d.js';
import { gaussianRandom, seededRandom } from '../../util/random.js';
import { coneSums, fscVolume, MIN_CONE_VOXELS } from './cones.js';
import { sphericityOf } from './sphericity.js';

/**
 * The sphericity an isotropic map with the same shell FSC, box and cones would show: half spectra
 * whose voxels correlate by exactly the global FSC ρ of their shell (unit-variance normal parts with
 * correlation ρ, as F₁ = A + N₁, F₂ = A + N₂ with |A|² : |N|² = ρ : 1 − ρ would have), through the same
 * cones, 3D FSC volume and iso-surface. Few voxels per cone (small boxes, coarse maps) make an isotropic
 * map look anisotropic; only sphericity below this floor says anything about the views. Two
 * realisations (one above 160³, where the floor nears 1).
 */
export function sphericityNoiseFloor(
  like: Pick<Spectrum, 'nx' | 'ny' | 'nz' | 'nxh'>,
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
  const gauss = gaussianRandom(seededRandom(4711));
  const values: number[] = [];
  for (let r = 0; r < reps; r++) {
    const { a, b } = correlatedSpectra(like, global, S, gauss);
    const sums = coneSums(a, b, axes, (coneDeg * Math.PI) / 180, S);
    const conical = new Float64Array(D * S);
    // The last shell any cone reaches the threshold at: the sphericity looks no further.
    let reach = highPassShell;
    for (let i = 0; i < D * S; i++) {
      const s = i % S;
      const den = Math.sqrt(sums.den1[i]! * sums.den2[i]!);
      conical[i] =
        s <= highPassShell ? 1 : den > 0 && sums.count[i]! >= MIN_CONE_VOXELS ? sums.num[i]! / den : global[s]!;
      if (conical[i]! >= threshold) reach = Math.max(reach, s);
    }
    const angle = Math.min((coneDeg * Math.PI) / 180, 1.5 * Math.sqrt((2 * Math.PI) / D));
    const volume = fscVolume(conical, axes, S, n, angle, reach);
    values.push(sphericityOf(volume, n, threshold, highPassShell));
  }
  return { mean: values.reduce((x, y) => x + y, 0) / values.length, low: Math.min(...values), replicates: reps };
}

export type NoiseFloor = ReturnType<typeof sphericityNoiseFloor>;

/**
 * Half spectra whose voxels correlate by the global FSC of their shell. Only shells 1 … S − 1 are drawn
 * (the cones use no others); the rest stay 0.
 */
function correlatedSpectra(
  like: Pick<Spectrum, 'nx' | 'ny' | 'nz' | 'nxh'>,
  global: Float64Array,
  S: number,
  gauss: () => number,
): { a: Spectrum; b: Spectrum } {
  const length = 2 * like.nxh * like.ny * like.nz;
  const a: Spectrum = { ...like, data: new Float64Array(length) };
  const b: Spectrum = { ...like, data: new Float64Array(length) };
  const rho = Float64Array.from(global, (g) => Math.min(0.999, Math.max(0, g))),
    rest = Float64Array.from(rho, (r) => Math.sqrt(1 - r * r));
  // (g₁, ρ·g₁ + √(1 − ρ²)·g₂) for independent standard normals g₁, g₂ (one Box–Muller pair) is the
  // bivariate normal with correlation ρ and unit variances (two draws: the two values of one Box–Muller pair,
  // Box & Muller 1958).
  forEachFrequency(like, (i, r2) => {
    const s = Math.round(Math.sqrt(r2));
    if (s === 0 || s >= S) return;
    for (let part = 0; part < 2; part++) {
      const g1 = gauss(),
        g2 = gauss();
      a.data[2 * i + part] = g1;
      b.data[2 * i + part] = rho[s]! * g1 + rest[s]! * g2;
    }
  });
  return { a, b };
}

/** Everything sphericityNoiseFloor needs, as plain data a worker can be sent. */
export interface NoiseFloorJob {
  dims: [number, number, number];
  global: Float64Array;
  axes: Float64Array;
  coneDeg: number;
  S: number;
  D: number;
  threshold: number;
  highPassShell: number;
}

export function runNoiseFloorJob(j: NoiseFloorJob): NoiseFloor {
  const [nx, ny, nz] = j.dims;
  const like = { nx, ny, nz, nxh: Math.floor(nx / 2) + 1 };
  return sphericityNoiseFloor(like, j.global, j.axes, j.coneDeg, j.S, nx, j.D, j.threshold, j.highPassShell);
}

/** Starts a job on another thread and returns the call that waits for its result, or null to run it here. */
export type NoiseFloorOffloader = (job: NoiseFloorJob) => (() => NoiseFloor) | null;

/**
 * The noise floor, started now and collected by the returned call: on a pool thread while the
 * caller measures the map itself (the two are independent), or here without one.
 */
export function startNoiseFloor(offloader: NoiseFloorOffloader | null, job: NoiseFloorJob): () => NoiseFloor {
  const join = offloader?.(job) ?? null;
  if (join) return join;
  return () => runNoiseFloorJob(job);
}
