import type { Warning } from '../../errors.js';
import {
  allocateReal,
  allocateSpectrum,
  irfft3d,
  rfft3d,
  shareable,
  type FourierCompute,
  type Spectrum,
} from '../../fourier/rfft3d.js';
import { checkGrid, type CheckedMap } from '../../model/checked-map.js';
import { ProgressSteps, type ProgressContext } from '../../util/progress.js';
import { glibcRand, relionUniform } from '../../util/random.js';
import type { AutoMask } from '../masks/masks.js';
import type { ResolvedMask } from '../masks/choice.js';
import { densityVoxels } from '../masks/density.js';
import { CRITERIA, findCrossing, thresholdCurve, type Crossing, type CriterionName } from './criteria.js';
import { readShape, type ShapeReading } from './shape.js';
import { fscFromSums, shellIndexMap, shellSums, type ShellSums } from './shells.js';
import { particleCurve, type ParticleCurve } from './particle-curve.js';
import { correct, randomizationShell, randomizePhasesBeyond, type PhaseThreads } from './randomize.js';

export { randomizePhasesBeyond };

/** The threads and kernels the FSC suite may use (the job's compute context): transforms and the phase draw. */
export interface FscCompute extends FourierCompute {
  phases?: PhaseThreads | null;
}

export interface FscOptions {
  pixelSizeA: number;
  /** The command's mask (analysis/masks/choice.ts), null for none. */
  mask: ResolvedMask | null;
  /** Randomise phases beyond this resolution (Å) instead of where the unmasked FSC < 0.8. */
  randomizeFromA?: number;
  /** Unmasked-FSC value below which phases are randomised (RELION: 0.8). */
  randomizeFscAt?: number;
  /** Molecular weight (kDa) for cisTEM's Part_FSC. */
  mwKDa?: number;
  symmetryOrder?: number;
  seed?: number;
}

export interface FscShell {
  shell: number;
  spatialFrequencyInvA: number;
  resolutionA: number | null;
  fscUnmasked: number;
  fscMasked: number | null;
  fscPhaseRandomized: number | null;
  fscCorrected: number | null;
  fscParticle: number | null;
  nVoxels: number;
}

export type CurveName = 'fscUnmasked' | 'fscMasked' | 'fscCorrected' | 'fscParticle';

export interface FscResult {
  resolutionA: number | null;
  resolutionInterpolatedA: number | null;
  criterion: string;
  randomizeFromA: number | null;
  randomizeFromShell: number | null;
  pixelSizeA: number;
  boxSize: number;
  mask: {
    kind: ResolvedMask['kind'];
    source: string | null;
    /** Fraction of the box with mask > 0.5. */
    volumeFraction: number;
    autoThreshold: number | null;
    /** Particle volume / mask volume used by the particle curve. */
    particleFraction: number | null;
    /** Voxels of the thresholded, low-passed average (the density) as a fraction of Σ mask. */
    densityFraction: number | null;
  } | null;
  particleCurve: { method: 'cistem-mw' | 'relion-mask-fraction'; particleVolumeFraction: number } | null;
  shells: FscShell[];
  crossings: Partial<Record<CurveName, Record<CriterionName, Crossing>>>;
  shape: ShapeReading;
  warnings: Warning[];
}

export interface FscComputation {
  result: FscResult;
  /** The automatic mask when one was made (for writing out). */
  autoMask: AutoMask | null;
  /** The mask used (user, spherical or automatic), null without one. */
  mask: Float32Array | null;
  /**
   * The suite's work buffers, free once it returns: a caller that transforms the same box again reuses
   * them (fresh 100 MB buffers cost their first touch, page by page). reals is null without a mask.
   */
  scratch: { spectra: [Spectrum, Spectrum]; reals: [Float32Array, Float32Array] | null };
}

/**
 * The FSC suite: unmasked, masked (user / spherical / automatic mask), phase-randomisation
 * corrected exactly as RELION 3.1 postprocess (Chen et al. 2013), particle-scaled, all criteria.
 */
export function computeFsc(
  half1: CheckedMap,
  half2: CheckedMap,
  options: FscOptions,
  progress?: ProgressContext,
  compute?: FscCompute,
): FscComputation {
  checkGrid(['half map 1', 'half map 2'], half1, half2);
  const { nx, ny, nz } = half1;
  const px = options.pixelSizeA;
  const warnings: Warning[] = [];
  const steps = new ProgressSteps(progress, [1, 2, 2, 4, 1]);
  steps.step(1, 'preparing mask');
  const resolved = options.mask;
  const mask = resolved?.data ?? null;
  const info = maskInfo(resolved);
  const shells = shellIndexMap(nx, ny, nz);
  // Two spectra and (with a mask) two real buffers, reused by every step: at 512³ each spectrum
  // is 0.5 GB (float32), so allocating per step would triple the peak memory. The shell sums are taken in
  // float64 over float32 coefficients, and the FSCs stay within 1e-6 of RELION's (test/cli-fsc, the
  // RELION cases); the float32 kernels halve the memory each pass moves.
  const s1 = allocateSpectrum(nx, ny, nz, true, compute);
  const s2 = allocateSpectrum(nx, ny, nz, true, compute);
  // Each map is transformed twice or more: shared with the pool's threads once, not per transform.
  const d1 = shareable(half1.data, compute),
    d2 = shareable(half2.data, compute);
  const m = mask ? shareable(mask, compute) : null;
  const r1 = mask ? allocateReal(nx * ny * nz, compute) : null;
  const r2 = mask ? allocateReal(nx * ny * nz, compute) : null;
  let masked: ShellSums | null = null;
  if (mask) {
    steps.step(2, 'masked FSC');
    masked = shellSums(rfft3d(d1, nx, ny, nz, s1, m, compute), rfft3d(d2, nx, ny, nz, s2, m, compute), shells);
  }
  steps.step(2, 'unmasked FSC');
  rfft3d(d1, nx, ny, nz, s1, null, compute);
  rfft3d(d2, nx, ny, nz, s2, null, compute);
  const unmaskedSums = shellSums(s1, s2, shells);
  if (mask && info && info.densityFraction === null)
    info.densityFraction = densityVoxels(s1, s2, px, compute) / resolved!.sum;
  const fscUnmasked = fscFromSums(unmaskedSums);
  const fscMasked = masked ? fscFromSums(masked) : null;
  let fscRandom: Float64Array | null = null;
  let r0: number | null = null;
  if (mask) {
    steps.step(4, 'phase-randomised FSC');
    r0 = randomizationShell(fscUnmasked, options, nx, px, warnings);
    if (r0 !== null) {
      // RELION's own stream (rand() unseeded = seed 1, rnd_unif in single precision), so that the
      // corrected FSC reproduces relion_postprocess's; another --seed gives another realisation.
      const rnd = relionUniform(glibcRand(options.seed ?? 1), 0, 2 * Math.PI);
      randomizePhasesBeyond(s1, r0, rnd, compute?.phases);
      randomizePhasesBeyond(s2, r0, rnd, compute?.phases);
      const m1 = rfft3d(irfft3d(s1, r1!, compute), nx, ny, nz, s1, m, compute);
      const m2 = rfft3d(irfft3d(s2, r2!, compute), nx, ny, nz, s2, m, compute);
      fscRandom = fscFromSums(shellSums(m1, m2, shells));
    }
  }
  steps.step(1, 'criteria');
  const fscCorrected = fscMasked ? correct(fscMasked, fscRandom, r0) : null;
  const particle = particleCurve(fscUnmasked, fscMasked, mask, options, px, nx * ny * nz);
  const result = assemble({
    nx,
    px,
    options,
    info,
    unmaskedSums,
    fscUnmasked,
    fscMasked,
    fscRandom,
    fscCorrected,
    particle,
    r0,
    warnings,
  });
  steps.finish();
  return {
    result,
    autoMask: resolved?.auto ?? null,
    mask,
    scratch: { spectra: [s1, s2], reals: r1 && r2 ? [r1, r2] : null },
  };
}

/** The mask as the result describes it (its density fraction measured later when making it did not). */
function maskInfo(m: ResolvedMask | null): FscResult['mask'] {
  if (!m) return null;
  return {
    kind: m.kind,
    source: m.source,
    volumeFraction: m.volumeFraction,
    autoThreshold: m.autoThreshold,
    particleFraction: null,
    densityFraction: m.densityFraction,
  };
}

interface AssembleInput {
  nx: number;
  px: number;
  options: FscOptions;
  info: FscResult['mask'];
  unmaskedSums: ShellSums;
  fscUnmasked: Float64Array;
  fscMasked: Float64Array | null;
  fscRandom: Float64Array | null;
  fscCorrected: Float64Array | null;
  particle: ParticleCurve | null;
  r0: number | null;
  warnings: Warning[];
}

function assemble(a: AssembleInput): FscResult {
  const boxA = a.nx * a.px;
  const n = a.fscUnmasked.length;
  const shells: FscShell[] = [];
  for (let i = 0; i < n; i++) {
    shells.push({
      shell: i,
      spatialFrequencyInvA: i / boxA,
      resolutionA: i > 0 ? boxA / i : null,
      fscUnmasked: a.fscUnmasked[i]!,
      fscMasked: a.fscMasked?.[i] ?? null,
      fscPhaseRandomized: a.fscRandom?.[i] ?? null,
      fscCorrected: a.fscCorrected?.[i] ?? null,
      fscParticle: a.particle?.fsc[i] ?? null,
      nVoxels: a.unmaskedSums.count[i]!,
    });
  }
  const curves: [CurveName, Float64Array | null][] = [
    ['fscUnmasked', a.fscUnmasked],
    ['fscMasked', a.fscMasked],
    ['fscCorrected', a.fscCorrected],
    ['fscParticle', a.particle?.fsc ?? null],
  ];
  const crossings: FscResult['crossings'] = {};
  for (const [name, curve] of curves) {
    if (!curve) continue;
    const byCriterion = {} as Record<CriterionName, Crossing>;
    for (const c of CRITERIA)
      byCriterion[c] = findCrossing(
        curve,
        thresholdCurve(c, a.unmaskedSums.fullCount, a.options.symmetryOrder ?? 1),
        boxA,
        c,
      );
    crossings[name] = byCriterion;
  }
  const mainName: CurveName = a.fscCorrected ? 'fscCorrected' : 'fscUnmasked';
  const main = crossings[mainName]!['0.143'];
  const mainCurve = a.fscCorrected ?? a.fscUnmasked;
  const info = a.info ? { ...a.info, particleFraction: a.particle?.particleVolumeFraction ?? null } : null;
  const result: FscResult = {
    resolutionA: main.resolutionA,
    resolutionInterpolatedA: main.resolutionInterpolatedA,
    criterion:
      `FSC = 0.143 on the ${a.fscCorrected ? 'phase-randomisation corrected masked' : 'unmasked'} FSC ` +
      `(RELION rule: last shell before the first drop)`,
    randomizeFromA: a.r0 !== null ? boxA / a.r0 : null,
    randomizeFromShell: a.r0,
    pixelSizeA: a.px,
    boxSize: a.nx,
    mask: info,
    particleCurve: a.particle
      ? { method: a.particle.method, particleVolumeFraction: a.particle.particleVolumeFraction }
      : null,
    shells,
    crossings,
    shape: readShape(mainCurve),
    warnings: a.warnings,
  };
  result.warnings.push(...diagnose(result, a));
  return result;
}

/** The warnings a careful user would want (REFERENCE.md; RELION's own checks; seed 002). */
function diagnose(r: FscResult, a: AssembleInput): Warning[] {
  const w: Warning[] = [];
  const main = r.crossings[a.fscCorrected ? 'fscCorrected' : 'fscUnmasked']!['0.143'];
  if (main.shell === null)
    w.push({
      code: 'no-signal',
      message:
        'the FSC drops below 0.143 at the first shell: the half maps share no signal (wrong files, or not aligned ' +
        'to each other?)',
    });
  if (main.reachesNyquist)
    w.push({
      code: 'nyquist-limited',
      message:
        `the FSC stays above 0.143 up to Nyquist (${(2 * a.px).toFixed(2)} Å): the resolution is limited by ` +
        `the pixel size, not the data`,
    });
  if (main.reRiseShells.length > 0) {
    const first = main.reRiseShells[0]!;
    w.push({
      code: 'fsc-rerise',
      message:
        `the FSC rises above 0.143 again after crossing it (shells ` +
        `${main.reRiseShells.slice(0, 5).join(', ')}${main.reRiseShells.length > 5 ? ', …' : ''}, first at ` +
        `${((a.nx * a.px) / first).toFixed(2)} Å): noise spikes, often from solvent in a loose mask (seed 002); ` +
        (main.resolutionA !== null
          ? `the first crossing (${main.resolutionA.toFixed(2)} Å) is the honest resolution`
          : 'the FSC is below 0.143 from the first shell on, so no resolution is measured'),
    });
  }
  if (a.fscCorrected) {
    const um = r.crossings.fscUnmasked!['0.143'];
    if (um.shell !== null && main.shell !== null && um.shell > main.shell)
      w.push({
        code: 'unmasked-beyond-corrected',
        message:
          `the unmasked FSC extends beyond the corrected one (${um.resolutionA?.toFixed(2)} vs ` +
          `${main.resolutionA?.toFixed(2)} Å): the mask may be cutting off density; check that it covers the whole ` +
          `particle`,
      });
    if (a.fscRandom && main.shell !== null && a.fscRandom[main.shell]! > 0.1)
      w.push({
        code: 'mask-too-sharp',
        message:
          `the phase-randomised masked FSC is ${a.fscRandom[main.shell]!.toFixed(3)} (> 0.1) at the ` +
          `resolution: the mask is too sharp; use a wider soft edge`,
      });
  }
  const fill =
    a.particle?.method === 'cistem-mw' ? a.particle.particleVolumeFraction : (a.info?.densityFraction ?? null);
  if (fill !== null && fill < 0.2 && (a.particle?.method === 'cistem-mw' || a.info?.kind !== 'auto')) {
    const how =
      a.particle?.method === 'cistem-mw' ? `from --mw ${a.options.mwKDa} kDa` : 'from the thresholded density';
    w.push({
      code: 'mask-mostly-solvent',
      message:
        `the particle fills only ${(100 * fill).toFixed(0)} % of the ${a.info ? 'mask' : 'box'} (${how}): ` +
        `solvent noise dominates the masked FSC and any particle scaling of it amplifies that noise (seed 002); ` +
        `use a tighter soft mask (--auto-mask)`,
    });
  }
  if (a.particle) {
    const pc = r.crossings.fscParticle!['0.143'];
    if (pc.reRiseShells.length > 0)
      w.push({
        code: 'particle-fsc-rerise',
        message:
          `the particle-scaled FSC ` +
          `(${a.particle.method === 'cistem-mw' ? "cisTEM's Part_FSC" : "RELION's mask-fraction curve"}) rises ` +
          `above 0.143 again after crossing it (first at ${((a.nx * a.px) / pc.reRiseShells[0]!).toFixed(2)} Å): ` +
          `scaled solvent noise, not signal; read the resolution from the masked, corrected FSC`,
      });
  }
  const tail = a.fscUnmasked.subarray(Math.max(1, a.fscUnmasked.length - 4));
  const tailMean = tail.reduce((s, v) => s + v, 0) / tail.length;
  if (tailMean > 0.5)
    w.push({
      code: 'halves-not-independent',
      message:
        `the unmasked FSC is ${tailMean.toFixed(2)} near Nyquist: the half maps are not independent (same ` +
        `particles, or refined together); the resolution is not meaningful`,
    });
  return w;
}
