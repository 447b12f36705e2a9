import type { Warning } from '../../errors.js';
import { signedFrequency, type Spectrum } from '../../fourier/rfft3d.js';
import { fastCos } from '../../util/trig.js';
import { relionUniformAt, type UniformState, type UniformStream } from '../../util/random.js';
import type { FscOptions } from './suite.js';

/** RELION: first shell > 0 where the unmasked FSC < 0.8, or round(box·pixel / Å) when given. */
export function randomizationShell(
  fscUnmasked: Float64Array,
  o: FscOptions,
  n: number,
  px: number,
  warnings: Warning[],
): number | null {
  if (o.randomizeFromA !== undefined) {
    const r = Math.round((n * px) / o.randomizeFromA);
    if (r < 1 || r >= fscUnmasked.length)
      throw new RangeError(
        `--randomize-at ${o.randomizeFromA} Å is outside the box's range ` +
          `(${((n * px) / (fscUnmasked.length - 1)).toFixed(2)}–${(n * px).toFixed(1)} Å)`,
      );
    return r;
  }
  const at = o.randomizeFscAt ?? 0.8;
  for (let i = 1; i < fscUnmasked.length; i++) if (fscUnmasked[i]! < at) return i;
  warnings.push({
    code: 'no-randomisation',
    message:
      `the unmasked FSC never drops below ${at}: no phase randomisation, the corrected FSC equals the ` + `masked one`,
  });
  return null;
}

/**
 * Random phases for the voxels with |k|² ≥ r0², in storage order, drawn by each thread for its own planes
 * from `stream` (its state at the first voxel; plane z's values start offsets[z] further on).
 */
export interface PhaseTask {
  r0: number;
  stream: UniformState;
  offsets: Float64Array;
}

/** Threads that apply the phases plane by plane on a shared spectrum (the pool); false when they decline. */
export interface PhaseThreads {
  applyPhases(spec: Spectrum, task: PhaseTask): boolean;
}

/** Maps below this many voxels are not worth a thread hand-off (as for the transforms). */
const PARALLEL_MIN_VOXELS = 1 << 20;

/**
 * RELION randomizePhasesBeyond: voxels with |k|² ≥ r0² get a uniform random phase in [0, 2π) from `rnd`, same
 * amplitude, in storage order. Plane by plane, on the context's threads when it has them: each thread draws
 * its own planes' phases (the stream jumps ahead to them), and `rnd` is then moved past them all, so the
 * phases are the ones a single sequential draw would give.
 */
export function randomizePhasesBeyond(
  spec: Spectrum,
  r0: number,
  rnd: UniformStream,
  threads?: PhaseThreads | null,
): void {
  const offsets = phaseOffsets(spec, r0);
  const task: PhaseTask = { r0, stream: rnd.state(), offsets };
  const par = threads && spec.nx * spec.ny * spec.nz >= PARALLEL_MIN_VOXELS ? threads : null;
  if (!(par && par.applyPhases(spec, task))) applyPhases(spec, task, 0, spec.nz);
  rnd.skip(offsets[spec.nz]!);
}

/** Where each z-plane's share of the stream starts (entry nz: the whole draw). */
function phaseOffsets(spec: Spectrum, r0: number): Float64Array {
  const { ny, nz, nxh } = spec;
  const offsets = new Float64Array(nz + 1);
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    let count = 0;
    for (let y = 0; y < ny; y++) count += nxh - firstBeyond(r0, signedFrequency(y, ny) ** 2 + kz * kz, nxh);
    offsets[z + 1] = offsets[z]! + count;
  }
  return offsets;
}

/** The first x of a row (ky² + kz² = r2yz) with x² + r2yz ≥ r0², or nxh when none is. */
function firstBeyond(r0: number, r2yz: number, nxh: number): number {
  const rest = r0 * r0 - r2yz;
  if (rest <= 0) return 0;
  let x = Math.max(0, Math.ceil(Math.sqrt(rest) - 1e-9) - 1);
  while (x < nxh && x * x < rest) x++;
  return x;
}

const HALF_PI = Math.PI / 2;

/** The phases of planes z0 ≤ z < z1 (a worker's share, or all of them). */
export function applyPhases(spec: Spectrum, task: PhaseTask, z0: number, z1: number): void {
  const { data, ny, nz, nxh } = spec;
  // This range's values drawn plane by plane into one plane's worth of storage.
  const stream = relionUniformAt(task.stream, task.offsets[z0]!);
  const own = new Float32Array(nxh * ny);
  for (let z = z0; z < z1; z++) {
    const kz = signedFrequency(z, nz);
    const phases = own.subarray(0, task.offsets[z + 1]! - task.offsets[z]!);
    stream.fill(phases);
    let k = 0;
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      const row = 2 * (z * ny + y) * nxh;
      for (let x = firstBeyond(task.r0, ky * ky + kz * kz, nxh), p = row + 2 * x; x < nxh; x++, p += 2) {
        const re = data[p]!,
          im = data[p + 1]!;
        const amp = Math.sqrt(re * re + im * im);
        const ph = phases[k++]!;
        // Both from fastCos (sin φ = cos(φ − π/2)): within 3e-11 of Math.cos and Math.sin, several times quicker.
        data[p] = amp * fastCos(ph);
        data[p + 1] = amp * fastCos(ph - HALF_PI);
      }
    }
  }
}

/**
 * FSC_true = (FSC_t − FSC_n)/(1 − FSC_n) from shell r0 + 2 on (RELION moves it two shells up to
 * avoid artefacts at the randomisation edge). RELION 3.1.3 keeps negative values (no clamp to 0).
 */
export function correct(masked: Float64Array, random: Float64Array | null, r0: number | null): Float64Array {
  if (!random || r0 === null) return masked.slice();
  const out = new Float64Array(masked.length);
  for (let i = 0; i < out.length; i++) {
    const t = masked[i]!,
      n = random[i]!;
    out[i] = i < r0 + 2 ? t : (t - n) / (1 - n);
  }
  return out;
}
