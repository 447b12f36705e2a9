import { forEachFrequency } from '../../fourier/frequencies.js';
import type { Spectrum } from '../../fourier/rfft3d.js';
import { gaussianRandom, seededRandom } from '../../util/random.js';
import { coneSums, fscVolume, MIN_CONE_VOXELS } from './cones.js';
import { sphericityOf } from './sphericity.js';

/**
 * The sphericity an isotropic map with the same shell FSC, box and cones would show: half spectra
 * whose voxels correlate by exactly the global FSC of their shell (F₁ = A + N₁, F₂ = A + N₂ with
 * |A|² : |N|² = ρ : 1 − ρ), through the same cones, 3D FSC volume and iso-surface. Few voxels per cone
 * (small boxes, coarse maps) make an isotropic map look anisotropic; only sphericity below this floor
 * says anything about the views. Two realisations (one above 160³, where the floor nears 1).
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
    const length = 2 * like.nxh * like.ny * like.nz;
    const a: Spectrum = { ...like, data: new Float64Array(length) };
    const b: Spectrum = { ...like, data: new Float64Array(length) };
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

export type NoiseFloor = ReturnType<typeof sphericityNoiseFloor>;

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

let offloader: NoiseFloorOffloader | null = null;

export function setNoiseFloorOffloader(o: NoiseFloorOffloader | null): void {
  offloader = o;
}

/**
 * The noise floor, started now and collected by the returned call: on a pool thread while the
 * caller measures the map itself (the two are independent), or here when no pool is installed.
 */
export function startNoiseFloor(job: NoiseFloorJob): () => NoiseFloor {
  const join = offloader?.(job) ?? null;
  if (join) return join;
  return () => runNoiseFloorJob(job);
}
