import { credibleBfactor } from '../../diagnosis/evidence.js';
import { postprocess } from '../../analysis/postprocess/postprocess.js';
import {
  resolveMask,
  type MaskFile,
  type MaskSpec as MaskSpecOf,
  type ResolvedMask,
} from '../../analysis/masks/choice.js';
import { symmetryOperators, type Mat } from '../../analysis/orientations/symmetry.js';
import { BatchInserter } from '../../analysis/reconstruct/batch.js';
import { finishReconstruction } from '../../analysis/reconstruct/finish.js';
import { InsertionGrid, type GridShape } from '../../analysis/reconstruct/grid.js';
import { particleTable, planWithPixelSize, type ReconstructionPlan } from '../../analysis/reconstruct/particles.js';
import { checkStacks, streamBatches, type ImageSource } from '../../analysis/reconstruct/stream.js';
import { InputError, type Warning } from '../../errors.js';
import type { StackLayout } from '../../io/mrc/stack.js';
import type { StarLoop } from '../../io/star/loop.js';
import { findParticleBlock } from '../../io/star/particles.js';
import { checkHalves, checkMap, type CheckedHalves } from '../../model/checked-map.js';
import { statedByMap } from '../../model/pixel-size.js';
import { createVolume, type Volume } from '../../model/volume.js';
import type { ProgressContext } from '../../util/progress.js';
import type { Compute, NamedBytes } from '../job.js';
import { readMap, type MaskSpec } from '../inputs/maps.js';
import { particleStar } from '../inputs/particles.js';
import type { Inserter } from './reconstruct.js';
import { RLN } from '../../io/star/labels.js';

/**
 * The reconstruction engine as the measuring jobs use it (reslog, whatif): the particles read and their stacks
 * checked once, then any number of insertion passes over chosen particles into chosen grids, and maps finished
 * from grids (or sums and differences of them: partial sums are linear), each measured as relion_postprocess
 * would (masked, phase-randomisation corrected FSC; Guinier B).
 */
export interface ParticleMapsInput {
  particles: NamedBytes;
  images: ImageSource;
  symmetry?: string;
  pad?: number;
  noCtf?: boolean;
  /** Å, over the optics table's, the stacks' and the mask's (`--angpix`). */
  pixelSizeA?: number | null;
  /** The measures' mask; a mask file's pixel size is decided with the particles'. */
  mask?: MaskSpec;
  compute?: Compute;
  /** Highest resolution inserted (Å); default Nyquist. */
  maxresA?: number | null;
  /** A fresh inserter per pass (worker threads in the CLI); default: on this thread. */
  inserterFor?: (particles: number) => Inserter | null;
  /** Gridding-weight iterations (RELION --iter, 10). */
  iterations?: number;
  /** Finishes several grids at once (worker threads in the CLI); default: one after the other on this thread. */
  finisher?: GridFinisher;
}

/**
 * Finishes grids at the same time (the two halves of a pair on two threads): each grid is a private copy, already
 * cut to its radius, that the finisher may take (transfer) and symmetrise; returns each map (box³, x fastest) in
 * order, as finishReconstruction makes it.
 */
export type GridFinisher = (
  grids: InsertionGrid[],
  o: { symmetry: string; iterations: number },
) => Promise<Float32Array[]>;

export interface ParticleMaps {
  plan: ReconstructionPlan;
  /** The particle table (row i = particle i of the plan), for rules on any column. */
  loop: StarLoop;
  shape: GridShape;
  box: number;
  pixelSizeA: number;
  symmetry: string;
  /** The mask every pair is measured with: a file read and checked, a sphere, 'auto' (made per pair) or none. */
  mask: PairMask;
  warnings: Warning[];
  /** Half set (1 or 2) of each particle; from the STAR, or assigned alternately when it has none. */
  half: Uint8Array;
  /** Inserts particle i into grids[targets[i]] (−1: left out); one grid per target. */
  insert(targets: Int32Array, count: number, progress?: ProgressContext, label?: string): Promise<InsertionGrid[]>;
  /** The map of a grid (left unchanged), optionally only up to frequency rMax (px of the box). */
  finish(grid: InsertionGrid, rMax?: number): Volume;
  /** The maps of several grids (left unchanged) up to rMax, finished at the same time where a finisher is given. */
  finishAll(grids: InsertionGrid[], rMax?: number): Promise<Volume[]>;
  /** A pair of these maps measured (measurePair at their pixel size, on the job's compute context). */
  measure(h1: Volume, h2: Volume, mask: PairMask): PairMeasure;
}

export async function openParticleMaps(inp: ParticleMapsInput): Promise<ParticleMaps> {
  const star = particleStar(inp.particles);
  const table = particleTable(star.doc, { noCtf: !!inp.noCtf });
  const symmetry = (inp.symmetry ?? 'C1').toUpperCase();
  const operators = symmetryOperators(symmetry);
  const layouts = await checkStacks(table, inp.images);
  // One pixel size for the images and the mask: the option over the optics table, the stacks' and the mask's headers.
  const maskFile = inp.mask?.kind === 'user' ? readMap(inp.mask.file, 'mask') : null;
  const stated = maskFile ? [statedByMap(maskFile.name, 'mask', maskFile.volume)] : [];
  const plan = planWithPixelSize(table, layouts, { valueA: inp.pixelSizeA, flag: '--angpix' }, stated);
  const warnings: Warning[] = [...star.warnings, ...(maskFile?.warnings ?? []), ...plan.warnings];
  const mask: PairMask = maskFile
    ? {
        kind: 'user',
        file: { name: maskFile.name, volume: checkMap(maskFile.name, maskFile.volume, plan.pixelSizeA, maskFile.scan) },
      }
    : ((inp.mask as Exclude<MaskSpec, { kind: 'user' }> | undefined) ?? { kind: 'none' });
  const box = plan.boxSize || layouts.values().next().value!.nx;
  const pad = inp.pad ?? 2;
  if (!(pad >= 1 && pad <= 4)) throw new InputError(`--pad must be between 1 and 4, got ${pad}`);
  const shape: GridShape = { oriSize: box, pad, rMax: maxRadius(box, plan.pixelSizeA, inp.maxresA ?? null) };
  const half = halfSets(plan, warnings);
  const resolved = maskCache();
  return {
    plan,
    loop: findParticleBlock(star.doc).loop!,
    shape,
    box,
    pixelSizeA: plan.pixelSizeA,
    symmetry,
    mask,
    warnings,
    half,
    insert: (targets, count, progress, label) =>
      insertPass(plan, layouts, inp.images, shape, targets, count, inp.inserterFor, progress, label),
    finish: (grid, rMax) => finishGrid(grid, operators, plan.pixelSizeA, inp.iterations ?? 10, rMax, inp.compute),
    finishAll: async (grids, rMax) => {
      const iterations = inp.iterations ?? 10;
      if (!inp.finisher || grids.length < 2)
        return grids.map((g) => finishGrid(g, operators, plan.pixelSizeA, iterations, rMax, inp.compute));
      const copies = grids.map((g) => g.cropped(rMax ?? g.rMax));
      const px = plan.pixelSizeA;
      return (await inp.finisher(copies, { symmetry, iterations })).map((data) =>
        createVolume(box, box, box, [px, px, px], data),
      );
    },
    measure: (h1, h2, m) => measurePair(h1, h2, m, plan.pixelSizeA, inp.compute, resolved),
  };
}

/**
 * The arrays of fixed masks (a file, a sphere), made and checked once per mask and reused for every pair measured
 * with it; an automatic mask is made from each pair.
 */
function maskCache(): MaskMemo {
  const made = new WeakMap<PairMask, ResolvedMask | null>();
  return (halves, mask, warnings, compute) => {
    if (mask.kind === 'auto') return resolveMask(halves, mask, warnings, compute);
    if (!made.has(mask)) made.set(mask, resolveMask(halves, mask, warnings, compute));
    return made.get(mask)!;
  };
}

type MaskMemo = (halves: CheckedHalves, mask: PairMask, warnings: Warning[], compute?: Compute) => ResolvedMask | null;

/** RELION: r_max = ⌈box · pixel / maxres⌉, never beyond Nyquist (box/2). */
export function maxRadius(box: number, px: number, maxresA: number | null): number {
  if (maxresA === null) return box >> 1;
  if (!(maxresA > 0)) throw new InputError(`--maxres-a must be a positive number of Å, got ${maxresA}`);
  return Math.min(box >> 1, Math.ceil((box * px) / maxresA));
}

/** The STAR's half sets, or (without them) alternate particles, said in a warning. */
function halfSets(plan: ReconstructionPlan, warnings: Warning[]): Uint8Array {
  if (plan.hasSubsets) return plan.subset;
  warnings.push({
    code: 'no-half-sets',
    message:
      `the particles carry no half-set numbers (${RLN.randomSubset} / alignments3D/split): alternate particles were ` +
      'put in halves 1 and 2; with angles refined on all particles together the FSC is not gold-standard',
  });
  return Uint8Array.from({ length: plan.count }, (_, i) => (i % 2) + 1);
}

export async function insertPass(
  plan: ReconstructionPlan,
  layouts: Map<string, StackLayout>,
  images: ImageSource,
  shape: GridShape,
  targets: Int32Array,
  count: number,
  inserterFor: ParticleMapsInput['inserterFor'],
  progress?: ProgressContext,
  label = 'inserting particles',
): Promise<InsertionGrid[]> {
  let total = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i]! >= 0) total++;
  const inserter = inserterFor?.(total) ?? serialInserter();
  await inserter.start(shape, count);
  const t0 = Date.now();
  let done = 0;
  await streamBatches(
    plan,
    targets,
    layouts,
    images,
    async (batch) => {
      await inserter.insert(batch);
      done += batch.count;
      const rate = done / Math.max(1e-3, (Date.now() - t0) / 1000);
      progress?.report?.(
        done / total,
        `${label} ${done}/${total}, ${rate.toFixed(0)} particles/s, ~${Math.round((total - done) / rate)} s left`,
      );
    },
    progress?.signal ? { signal: progress.signal } : {},
  );
  return inserter.finish();
}

/** Inserts on the calling thread (the browser's worker, tests, small jobs). */
export function serialInserter(): Inserter {
  let grids: InsertionGrid[] = [];
  const inserter = new BatchInserter();
  return {
    start(shape, n) {
      grids = Array.from({ length: n }, () => new InsertionGrid(shape));
    },
    insert(batch) {
      inserter.insert(batch, grids);
    },
    finish: () => grids,
  };
}

function finishGrid(
  grid: InsertionGrid,
  operators: Mat[],
  px: number,
  iterations: number,
  rMax?: number,
  compute?: Compute,
): Volume {
  const g = grid.cropped(rMax ?? grid.rMax);
  g.symmetrise(operators);
  const n = g.oriSize;
  return createVolume(n, n, n, [px, px, px], finishReconstruction(g, { iterations, ...(compute ? { compute } : {}) }));
}

/** What a pair of half maps measures: relion_postprocess's resolution, interpolated crossing and B. */
export interface PairMeasure {
  resolutionA: number | null;
  /** The 0.143 crossing interpolated between shells (finer than one shell: what small effects are read on). */
  resolutionInterpolatedA: number | null;
  /** Guinier B in RELION's sign (negative: the sharpening that restores the fall-off); null when not fitted. */
  bfactorA2: number | null;
  /** The mask the FSC used (the automatic one, made from these maps, when asked for). */
  mask: Float32Array | null;
}

/** How a pair is masked: a mask file read and checked, a sphere, an automatic mask made from the pair, or none. */
export type PairMask = MaskSpecOf<MaskFile>;

/**
 * A pair of finished maps measured. They enter the analyses here for the first time, so they are checked here
 * (one scan each), the mask resolved on them.
 */
export function measurePair(
  h1: Volume,
  h2: Volume,
  mask: PairMask,
  pixelSizeA: number,
  compute?: Compute,
  masks: MaskMemo = resolveMask,
): PairMeasure {
  const halves = checkHalves(['half map 1', 'half map 2'], [h1, h2], pixelSizeA);
  const resolved = masks(halves, mask, [], compute);
  const options = { pixelSizeA, mask: resolved, bfactor: { kind: 'auto' as const } };
  const out = postprocess(halves.half1, halves.half2, options, undefined, compute);
  const r = out.result;
  // The diagnosis's own test of a B it may reason with (enough shells, straight, a map finer than 7 Å).
  const fitted = credibleBfactor(r);
  return {
    resolutionA: r.resolutionA,
    resolutionInterpolatedA: r.fsc.resolutionInterpolatedA,
    bfactorA2: fitted ? r.bfactorA2 : null,
    mask: out.mask,
  };
}
