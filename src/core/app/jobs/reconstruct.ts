import { symmetryOperators } from '../../analysis/orientations/symmetry.js';
import { InputError, type Warning } from '../../errors.js';
import { writeMrc } from '../../io/mrc/write.js';
import { createVolume } from '../../model/volume.js';
import type { ParticleBatch } from '../../analysis/reconstruct/batch.js';
import { FinishScratch, finishReconstruction } from '../../analysis/reconstruct/finish.js';
import { InsertionGrid, type GridShape } from '../../analysis/reconstruct/grid.js';
import { decodePartials, encodePartials, sumPartials } from '../../analysis/reconstruct/partial.js';
import {
  particleTable,
  planWithPixelSize,
  type ReconstructionPlan,
  type SubsetChoice,
} from '../../analysis/reconstruct/particles.js';
import { checkStacks, type ImageSource } from '../../analysis/reconstruct/stream.js';
import type { Compute } from '../../parallel/compute.js';
import type { ProgressContext } from '../../util/progress.js';
import { fscJob, type FscResult } from './fsc.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult, type NamedBytes } from '../job.js';
import type { MaskSpec } from '../inputs/maps.js';
import { particleStar } from '../inputs/particles.js';
import { RLN } from '../../io/star/labels.js';
import { insertPass, maxRadius, serialInserter } from './particle-maps.js';

export { serialInserter };

export interface ReconstructJobInput {
  particles: NamedBytes;
  images: ImageSource;
  symmetry?: string;
  /** Default: 'both' when the particles carry half-set numbers, else 'all'. */
  subset?: SubsetChoice;
  /** Highest resolution inserted (Å); default Nyquist. */
  maxresA?: number | null;
  pad?: number;
  noCtf?: boolean;
  pixelSizeA?: number | null;
  /** Mask for the half maps' FSC (with subset 'both'). */
  mask?: MaskSpec;
  /** Gridding-weight iterations (RELION --iter). */
  iterations?: number;
  /**
   * Inserts the batches into grids[target]: the CLI hands them to worker threads; without it they are
   * inserted here, one after the other. Returns the filled grids (the given ones or their sums).
   */
  inserter?: Inserter;
  /** Insert only shard `index` of `count` (contiguous ranges of the STAR's rows) and give partial sums. */
  shard?: { index: number; count: number };
}

/** Partial sums from shards, finished into the same maps as one local run. */
export interface MergeJobInput {
  partials: NamedBytes[];
  symmetry?: string;
  mask?: MaskSpec;
  iterations?: number;
}

/** Fills grids from batches; `finish` returns one summed grid per target. */
export interface Inserter {
  start(shape: GridShape, targets: number): Promise<void> | void;
  insert(batch: ParticleBatch): Promise<void> | void;
  finish(): Promise<InsertionGrid[]> | InsertionGrid[];
}

export interface ReconstructResult {
  particles: number;
  /** Particles in half 1 and 2 (subset 'both'), or in the one map. */
  perHalf: number[];
  boxSize: number;
  pixelSizeA: number;
  symmetry: string;
  subset: SubsetChoice;
  ctfCorrected: boolean;
  maxresA: number;
  pad: number;
  /** Half-map FSC resolution (masked and corrected with a mask), null for a single map. */
  resolutionA: number | null;
  fsc: FscResult | null;
  seconds: number;
  /** Of which reading and inserting the particles, and finishing the maps (gridding, transforms, FSC). */
  insertSeconds: number;
  finishSeconds: number;
  warnings: Warning[];
}

/** `cryodx reconstruct`: half maps (or one map) by direct Fourier inversion, as relion_reconstruct. */
export async function reconstructJob(
  inp: ReconstructJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): Promise<JobResult<ReconstructResult>> {
  const t0 = Date.now();
  const star = particleStar(inp.particles);
  const table = particleTable(star.doc, { noCtf: !!inp.noCtf });
  const symmetry = (inp.symmetry ?? 'C1').toUpperCase();
  symmetryOperators(symmetry);
  const subset = inp.subset ?? (table.hasSubsets ? 'both' : 'all');
  if (subset !== 'all' && !table.hasSubsets)
    throw new InputError(
      `${table.source}: --subset ${subset} needs half-set numbers (${RLN.randomSubset} or alignments3D/split); ` +
        'use --subset all',
    );
  const layouts = await checkStacks(table, inp.images);
  const plan = planWithPixelSize(table, layouts, { valueA: inp.pixelSizeA, flag: '--angpix' });
  const warnings: Warning[] = [...star.warnings, ...plan.warnings];
  const box = plan.boxSize || layouts.values().next().value!.nx;
  const pad = inp.pad ?? 2;
  if (!(pad >= 1 && pad <= 4)) throw new InputError(`--pad must be between 1 and 4, got ${pad}`);
  const rMax = maxRadius(box, plan.pixelSizeA, inp.maxresA ?? null);
  const { targets, counts } = assignTargets(plan, subset, inp.shard);
  if (!inp.shard && counts.some((c) => c === 0))
    throw new InputError(
      `${plan.source}: no particles in ${subset === 'both' ? 'one of the half sets' : `subset ${subset}`}`,
    );
  const shape: GridShape = { oriSize: box, pad, rMax };
  const scaled: ProgressContext | undefined = progress && {
    ...progress,
    report: (f, label) => progress.report?.(0.8 * f, label),
  };
  const grids = await insertPass(
    plan,
    layouts,
    inp.images,
    shape,
    targets,
    counts.length,
    inp.inserter ? () => inp.inserter! : undefined,
    scaled,
  );
  const insertSeconds = (Date.now() - t0) / 1000;
  if (inp.shard) {
    const range = shardRange(plan.count, inp.shard);
    const header = { shape, source: plan.source, subset, ctf: !inp.noCtf, pixelSizeA: plan.pixelSizeA, range };
    const name = `partial_sums_${String(inp.shard.index + 1).padStart(3, '0')}.cxps`;
    const result = resultOf(
      plan.source,
      grids,
      { symmetry, subset, ctf: !inp.noCtf, pixelSizeA: plan.pixelSizeA, t0, insertSeconds },
      null,
      warnings,
    );
    return { result, outputs: [{ name, parts: encodePartials(header, grids) }], warnings: result.warnings };
  }
  return finishJob(
    grids,
    { symmetry, subset, ctf: !inp.noCtf, pixelSizeA: plan.pixelSizeA, t0, insertSeconds, source: plan.source },
    inp,
    warnings,
    progress,
    compute,
  );
}

/** `cryodx reconstruct --merge`: shards' partial sums added and finished (the SLURM merge job). */
export function mergeReconstructJob(
  inp: MergeJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): JobResult<ReconstructResult> {
  const t0 = Date.now();
  const parts = inp.partials.map((p) => decodePartials(p.bytes, p.name));
  const grids = sumPartials(
    parts,
    inp.partials.map((p) => p.name),
  );
  const h = parts[0]!.header;
  const px = h.pixelSizeA;
  const meta = {
    symmetry: (inp.symmetry ?? 'C1').toUpperCase(),
    subset: h.subset as SubsetChoice,
    ctf: h.ctf,
    pixelSizeA: px,
    t0,
    source: h.source,
    insertSeconds: 0,
  };
  return finishJob(grids, meta, inp, [], progress, compute);
}

interface FinishMeta {
  /** Time spent reading and inserting (0 for a merge of partial sums). */
  insertSeconds: number;
  symmetry: string;
  subset: SubsetChoice;
  ctf: boolean;
  pixelSizeA: number;
  t0: number;
  source?: string;
}

/** Symmetry, gridding and the back-transform of every grid; the maps, their FSC and the summary. */
function finishJob(
  grids: InsertionGrid[],
  meta: FinishMeta,
  inp: { mask?: MaskSpec; iterations?: number },
  warnings: Warning[],
  progress?: ProgressContext,
  compute?: Compute,
): JobResult<ReconstructResult> {
  const operators = symmetryOperators(meta.symmetry);
  const box = grids[0]!.oriSize;
  const px = meta.pixelSizeA;
  // One set of work arrays for both halves: the second finish does not pay for fresh memory again.
  const scratch = new FinishScratch();
  const maps = grids.map((g, k) => {
    progress?.report?.(0.8 + (0.15 * k) / grids.length, `finishing map ${k + 1}/${grids.length}`);
    g.symmetrise(operators);
    return finishReconstruction(g, { iterations: inp.iterations ?? 10, scratch, ...(compute ? { compute } : {}) });
  });
  const names =
    meta.subset === 'both'
      ? ['half1.mrc', 'half2.mrc']
      : [meta.subset === 'all' ? 'map.mrc' : `half${meta.subset}.mrc`];
  const files = maps.map((data, k) => ({
    name: names[k]!,
    bytes: writeMrc(createVolume(box, box, box, [px, px, px], data), {
      labels: [`cryodx reconstruct: ${grids[k]!.particles} particles, ${meta.symmetry}, pad ${grids[k]!.pad}`],
    }),
  }));
  let fsc: FscResult | null = null;
  const outputs: JobOutput[] = [...files];
  if (meta.subset === 'both') {
    progress?.report?.(0.96, 'half-map FSC');
    const halves = { half1: files[0]!, half2: files[1]!, ...(inp.mask ? { mask: inp.mask } : {}), pixelSizeA: px };
    const f = fscJob(halves, undefined, compute);
    fsc = f.result;
    warnings.push(...f.warnings);
    outputs.push(...f.outputs.filter((o) => o.name !== 'fsc.json'));
  }
  const result = resultOf(meta.source ?? '', grids, meta, fsc, warnings);
  outputs.push({ name: 'reconstruct.json', text: jsonText(result) });
  progress?.report?.(1, 'done');
  return { result, outputs, warnings: result.warnings };
}

function resultOf(
  _source: string,
  grids: InsertionGrid[],
  meta: Omit<FinishMeta, 'source'>,
  fsc: FscResult | null,
  warnings: Warning[],
): ReconstructResult {
  const g = grids[0]!;
  const perHalf = grids.map((x) => x.particles);
  return {
    particles: perHalf.reduce((a, b) => a + b, 0),
    perHalf,
    boxSize: g.oriSize,
    pixelSizeA: meta.pixelSizeA,
    symmetry: meta.symmetry,
    subset: meta.subset,
    ctfCorrected: meta.ctf,
    maxresA: (g.oriSize * meta.pixelSizeA) / g.rMax,
    pad: g.pad,
    resolutionA: fsc?.resolutionA ?? null,
    fsc,
    seconds: (Date.now() - meta.t0) / 1000,
    insertSeconds: meta.insertSeconds,
    finishSeconds: fsc || grids.length ? (Date.now() - meta.t0) / 1000 - meta.insertSeconds : 0,
    warnings: uniqueWarnings(warnings),
  };
}

/** Rows [start, end) of shard `index` of `count`. */
export function shardRange(n: number, shard: { index: number; count: number }): [number, number] {
  if (!(Number.isInteger(shard.count) && shard.count >= 1 && shard.index >= 0 && shard.index < shard.count))
    throw new InputError(`shard ${shard.index + 1} of ${shard.count} does not exist`);
  return [Math.floor((shard.index * n) / shard.count), Math.floor(((shard.index + 1) * n) / shard.count)];
}

/** Grid index of each particle (−1: left out) and the particles per grid. */
function assignTargets(
  plan: ReconstructionPlan,
  subset: SubsetChoice,
  shard?: { index: number; count: number },
): { targets: Int32Array; counts: number[] } {
  const targets = new Int32Array(plan.count).fill(-1);
  const counts = subset === 'both' ? [0, 0] : [0];
  const [start, end] = shard ? shardRange(plan.count, shard) : [0, plan.count];
  for (let i = start; i < end; i++) {
    const s = plan.subset[i]!;
    const t = subset === 'all' ? 0 : subset === 'both' ? s - 1 : s === Number(subset) ? 0 : -1;
    targets[i] = t;
    if (t >= 0) counts[t]!++;
  }
  return { targets, counts };
}

export type { SubsetChoice } from '../../analysis/reconstruct/particles.js';
export { ListedImageSource, type RangedFile } from '../../analysis/reconstruct/listed-images.js';
export type { ImageSource } from '../../analysis/reconstruct/stream.js';
