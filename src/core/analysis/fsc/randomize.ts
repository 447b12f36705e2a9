import type { Warning } from '../../errors.js';
import { parallelFor, signedFrequency, type PhaseTask, type Spectrum } from '../../fourier/rfft3d.js';
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
 * RELION randomizePhasesBeyond: voxels with |k|² ≥ r0² get a uniform random phase in [0, 2π) from `rnd`, same
 * amplitude. The stream is sequential, so its values are drawn first, in storage order; the trigonometry is
 * then applied plane by plane, on the pool's threads when one is installed: the same phases either way.
 */
export function randomizePhasesBeyond(spec: Spectrum, r0: number, rnd: () => number): void {
  const offsets = phaseOffsets(spec, r0);
  const total = offsets[spec.nz]!;
  const par = parallelFor(spec.nx * spec.ny * spec.nz);
  const phases = par ? par.allocateFloat32(total) : new Float32Array(total);
  // rnd() is RELION's single-precision rnd_unif: Float32 storage keeps every value exactly.
  for (let i = 0; i < total; i++) phases[i] = rnd();
  const task = { r0, phases, offsets };
  if (par && par.applyPhases(spec, task)) return;
  applyPhases(spec, task, 0, spec.nz);
}

/** Where each z-plane's share of the stream starts (entry nz: the whole draw). */
function phaseOffsets(spec: Spectrum, r0: number): Float64Array {
  const { ny, nz, nxh } = spec;
  const r02 = r0 * r0;
  const offsets = new Float64Array(nz + 1);
  for (let z = 0; z < nz; z++) {
    const kz = signedFrequency(z, nz);
    let count = 0;
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      // x² ≥ r0² − ky² − kz²: every x from the first such one to nxh − 1.
      const rest = r02 - ky * ky - kz * kz;
      const first = rest <= 0 ? 0 : Math.ceil(Math.sqrt(rest) - 1e-9);
      let x0 = Math.max(0, first - 1);
      while (x0 < nxh && x0 * x0 < rest) x0++;
      count += Math.max(0, nxh - x0);
    }
    offsets[z + 1] = offsets[z]! + count;
  }
  return offsets;
}

/** The phases of planes z0 ≤ z < z1 (a worker's share, or all of them). */
export function applyPhases(spec: Spectrum, task: PhaseTask, z0: number, z1: number): void {
  const { data, ny, nz, nxh } = spec;
  const { phases } = task;
  const r02 = task.r0 * task.r0;
  for (let z = z0; z < z1; z++) {
    const kz = signedFrequency(z, nz);
    let k = task.offsets[z]!;
    let p = 2 * z * ny * nxh;
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny);
      const r2yz = ky * ky + kz * kz;
      for (let x = 0; x < nxh; x++, p += 2) {
        if (x * x + r2yz < r02) continue;
        const re = data[p]!,
          im = data[p + 1]!;
        const amp = Math.sqrt(re * re + im * im);
        const ph = phases[k++]!;
        // sin from cos (one trigonometric call per voxel): the sign follows the half-turn.
        const c = Math.cos(ph);
        const sn = Math.sqrt(Math.max(0, 1 - c * c));
        data[p] = amp * c;
        data[p + 1] = ph < Math.PI ? amp * sn : -amp * sn;
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
