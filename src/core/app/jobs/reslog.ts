import {
  BLIND_FACTOR,
  cheapestRadius,
  FINISH_CHECK,
  finishingRadius,
  gridFsc,
  lastShellRadius,
} from '../../analysis/reconstruct/grid-fsc.js';
import type { InsertionGrid } from '../../analysis/reconstruct/grid.js';
import { readReslog, reslogPoint, type ReslogResult } from '../../analysis/whatif/reslog.js';

export type { ReslogResult };
import { blockTargets, defaultSizes, perHalf, shuffledHalves } from '../../analysis/whatif/subsets.js';
import { InputError, type Warning } from '../../errors.js';
import { lineChartSvg } from '../../report/figures/line-svg.js';
import type { Volume } from '../../model/volume.js';
import type { ProgressContext } from '../../util/progress.js';
import { jsonText, uniqueWarnings, type JobResult } from '../job.js';
import { derivedMap } from '../../model/checked-map.js';
import type { Compute } from '../../parallel/compute.js';
import type { MaskSpec } from '../inputs/maps.js';
import {
  type PairMask,
  openParticleMaps,
  type ParticleMaps,
  type ParticleMapsInput,
  type PairMeasure,
} from './particle-maps.js';

export interface ReslogJobInput extends ParticleMapsInput {
  mask: MaskSpec;
  /** Particle counts (both halves together); default from ~200 doubling to all. */
  sizes?: number[];
  /** Random orders per size below the full set (default 3). */
  repeats?: number;
  seed?: number;
}

/**
 * `cryodx reslog`: half maps from nested random subsets, each measured as relion_postprocess, and the
 * Rosenthal–Henderson line through them. Each particle is inserted once per random order: a size's grids are the
 * previous size's plus the particles added (partial sums), and subsets are finished only as far out as their
 * grids' FSC says they reach. The largest size is the whole set (one order suffices); the others are repeated
 * with other orders for their spread. The same steps run as SLURM tasks (reslogFull, reslogOrder, reslogAssemble):
 * the whole set first (its maps give the automatic mask), then one task per order.
 */
export async function reslogJob(
  inp: ReslogJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): Promise<JobResult<ReslogResult>> {
  const t0 = Date.now();
  const run = await openReslog(inp, compute);
  const work = run.sizes.length + (run.repeats - 1) * (run.sizes.length - 1);
  let step = 0;
  const tick = (): number => step++ / work;
  // The first order goes to the whole set (every order gives the same full maps); its maps give an automatic mask.
  const first = await orderPass(run, 0, run.fixedMask, true, progress, tick);
  const mask = reslogMask(run, first.autoMask);
  const measured = [...first.measured];
  for (let r = 1; r < run.repeats; r++)
    measured.push(...(await orderPass(run, r, mask, false, progress, tick)).measured);
  return reslogOutputs(assemble(run, measured, t0));
}

/** A ResLog run's particles, sizes, orders and mask, checked once (every task of a SLURM run opens the same). */
export interface ReslogRun {
  maps: ParticleMaps;
  counts: [number, number];
  total: number;
  sizes: number[];
  repeats: number;
  seed: number;
  /** The mask given (a file, a sphere, none); null for --auto-mask, made from the whole set's maps. */
  fixedMask: PairMask | null;
  warnings: Warning[];
}

export async function openReslog(inp: ReslogJobInput, compute?: Compute): Promise<ReslogRun> {
  const maps = await openParticleMaps({ ...inp, ...(compute ? { compute } : {}) });
  const warnings: Warning[] = [...maps.warnings];
  const counts: [number, number] = [0, 0];
  for (const h of maps.half) if (h === 1 || h === 2) counts[h - 1]! += 1;
  const total = counts[0] + counts[1];
  const sizes = checkedSizes(inp.sizes ?? defaultSizes(total), total);
  const repeats = inp.repeats ?? 3;
  if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 20))
    throw new InputError(`--repeats must be a whole number from 1 to 20, got ${repeats}`);
  if (inp.mask.kind === 'none')
    warnings.push({
      code: 'reslog-unmasked',
      message: 'no mask: each point is the unmasked FSC, which the solvent pulls down; give --mask or --auto-mask',
    });
  const fixedMask = maps.mask.kind === 'auto' ? null : maps.mask;
  return { maps, counts, total, sizes, repeats, seed: inp.seed ?? 1, fixedMask, warnings };
}

/** One size's maps measured (what a task hands on: no arrays). */
export interface ReslogMeasure {
  size: number;
  repeat: number;
  resolutionA: number | null;
  resolutionInterpolatedA: number | null;
  bfactorA2: number | null;
  seconds: number;
}

const measureOf = (size: number, repeat: number, m: PairMeasure, seconds: number): ReslogMeasure => ({
  size,
  repeat,
  resolutionA: m.resolutionA,
  resolutionInterpolatedA: m.resolutionInterpolatedA,
  bfactorA2: m.bfactorA2,
  seconds,
});

/**
 * The largest size on its own (a SLURM run's first task; the whole set unless --sizes stops short of it): the first
 * order's particles of that size inserted in one pass, finished as the first order finishes it and measured; with
 * --auto-mask the automatic mask made from those maps, which every size is then measured in — as reslogJob does.
 */
export async function reslogFull(
  run: ReslogRun,
  progress?: ProgressContext,
): Promise<{ measure: ReslogMeasure; autoMask: Volume | null }> {
  const t = Date.now();
  const { maps } = run;
  const top = run.sizes[run.sizes.length - 1]!;
  const orders = shuffledHalves(maps.half, run.seed);
  const grids = await maps.insert(blockTargets(maps.plan.count, orders, [0, 0], perHalf(top, run.counts)), 2, progress);
  const rFinish = sizeRadius(run, top, grids, !run.fixedMask);
  const v = await maps.finishAll(grids, rFinish);
  let mask = run.fixedMask;
  let autoMask: Volume | null = null;
  if (!mask) {
    autoMask = { ...v[0]!, data: maps.measure(v[0]!, v[1]!, { kind: 'auto' }).mask! };
    mask = reslogMask(run, autoMask);
  }
  const m = await measureChecked(maps, v, mask, rFinish, () => maps.finishAll(grids, topRadius(maps)));
  return { measure: measureOf(top, 0, m!, secs(t)), autoMask };
}

/**
 * How far out a size's maps are finished: the whole set to rMax, a subset as far as its grids' FSC says — further
 * (BLIND_FACTOR) when no mask is at hand yet to check the cut while the grids are.
 */
function sizeRadius(run: ReslogRun, size: number, grids: InsertionGrid[], blind = false): number {
  const { rMax, pad } = run.maps.shape;
  if (size === run.total) return rMax;
  const need = finishingRadius(gridFsc(grids[0]!, grids[1]!), rMax, blind ? BLIND_FACTOR : 2);
  return cheapestRadius(need, rMax, pad);
}

/** The cheapest radius that stands for the last shell: where a size whose check failed is finished again. */
function topRadius(maps: ParticleMaps): number {
  return cheapestRadius(maps.shape.rMax, maps.shape.rMax, maps.shape.pad);
}

/** The mask every size is measured in: the one given, or the whole set's automatic mask. */
export function reslogMask(run: ReslogRun, autoMask: Volume | null): PairMask {
  if (run.fixedMask) return run.fixedMask;
  if (!autoMask) throw new InputError('reslog: no automatic mask of the full maps to measure the sizes in');
  const volume = derivedMap(autoMask, run.maps.pixelSizeA);
  return { kind: 'user', file: { name: 'automatic mask of the full maps', volume } };
}

/** One random order's sizes below the whole set, measured in `mask` (a SLURM run's task per order). */
export async function reslogOrder(
  run: ReslogRun,
  repeat: number,
  mask: PairMask,
  progress?: ProgressContext,
): Promise<ReslogMeasure[]> {
  const work = run.sizes.length - 1;
  let step = 0;
  return (await orderPass(run, repeat, mask, false, progress, () => step++ / work)).measured;
}

/**
 * One random order: the sizes below the whole set (and the whole set with `withFull`), each finished as far out as
 * its grids' FSC says it reaches and measured. Without a mask (--auto-mask, first order) the maps wait for the whole
 * set's, whose automatic mask then measures them all; a size whose crossing passes the check is then inserted again
 * and finished to the last shell, where with a mask at hand its grids are simply finished again.
 */
async function orderPass(
  run: ReslogRun,
  repeat: number,
  given: PairMask | null,
  withFull: boolean,
  progress: ProgressContext | undefined,
  fraction: () => number,
): Promise<{ measured: ReslogMeasure[]; autoMask: Volume | null }> {
  const { maps } = run;
  const orders = shuffledHalves(maps.half, run.seed + 7919 * repeat);
  // The largest size is measured once, in the first order (with it, all of them: every order gives the same maps).
  const upto = withFull ? run.sizes : run.sizes.slice(0, -1);
  const top = topRadius(maps);
  const measured: ReslogMeasure[] = [];
  const pending: { size: number; v: Volume[]; rFinish: number; seconds: number }[] = [];
  // The first order with --auto-mask is measured only once the whole set's mask is made (here, or in a SLURM run's
  // first task): cut as if blind, in either place, so that both give the same maps.
  const blind = repeat === 0 && !run.fixedMask;
  const radius = (size: number, grids: InsertionGrid[]): number => sizeRadius(run, size, grids, blind);
  await nestedGrids(maps, orders, run.counts, upto, progress, fraction, radius, async (size, grids, rFinish, t) => {
    const v = await maps.finishAll(grids, rFinish);
    if (!given) return void pending.push({ size, v, rFinish, seconds: secs(t) });
    const m = await measureChecked(maps, v, given, rFinish, () => maps.finishAll(grids, top));
    measured.push(measureOf(size, repeat, m!, secs(t)));
  });
  if (given) return { measured, autoMask: null };
  const last = pending[pending.length - 1]!;
  const m = maps.measure(last.v[0]!, last.v[1]!, { kind: 'auto' });
  const autoMask = { ...last.v[0]!, data: m.mask! };
  const mask = reslogMask(run, autoMask);
  const redo: number[] = [];
  for (const p of pending) {
    const got = await measureChecked(maps, p.v, mask, p.rFinish, null);
    if (got) measured.push(measureOf(p.size, repeat, got, p.seconds));
    else redo.push(p.size);
  }
  // Rare: a crossing beyond what the grids' FSC promised; those sizes are inserted again and finished fully.
  if (redo.length)
    await nestedGrids(
      maps,
      orders,
      run.counts,
      run.sizes.filter((s) => s <= Math.max(...redo)),
      progress,
      fraction,
      () => top,
      async (size, grids, _r, t) => {
        if (!redo.includes(size)) return;
        const v = await maps.finishAll(grids, top);
        measured.push(measureOf(size, repeat, maps.measure(v[0]!, v[1]!, mask), secs(t)));
      },
    );
  return { measured: measured.sort((a, b) => a.size - b.size), autoMask };
}

/** The points, the fit and the verdict from every size's measures (the local run's, or the tasks' gathered). */
export function reslogAssemble(run: ReslogRun, measured: ReslogMeasure[], t0: number): JobResult<ReslogResult> {
  return reslogOutputs(assemble(run, measured, t0));
}

function reslogOutputs(result: ReslogResult): JobResult<ReslogResult> {
  return {
    result,
    outputs: [
      { name: 'reslog.json', text: jsonText(result) },
      { name: 'reslog.svg', text: reslogFigure(result) },
    ],
    warnings: result.warnings,
  };
}

function checkedSizes(sizes: number[], total: number): number[] {
  const s = [...new Set(sizes.map((n) => Math.round(n)))].sort((a, b) => a - b);
  if (s.some((n) => !(n >= 4)))
    throw new InputError(`--sizes: every size must be at least 4 particles (2 per half), got ${sizes.join(',')}`);
  if (s[s.length - 1]! > total)
    throw new InputError(`--sizes: ${s[s.length - 1]} is more than the ${total} particles in the half sets`);
  if (s.length < 2) throw new InputError('--sizes: give at least two sizes (a line needs two points)');
  return s;
}

const secs = (t: number): number => (Date.now() - t) / 1000;

/**
 * One random order: the particles of each size minus the previous inserted as one pass and added to the running
 * grids; `done` gets each size's grids (valid until it resolves) and how far out to finish them (`radius`).
 */
async function nestedGrids(
  maps: ParticleMaps,
  orders: [Int32Array, Int32Array],
  counts: [number, number],
  sizes: number[],
  progress: ProgressContext | undefined,
  fraction: () => number,
  radius: (size: number, grids: InsertionGrid[]) => number,
  done: (size: number, grids: InsertionGrid[], rFinish: number, started: number) => Promise<void>,
): Promise<void> {
  let grids: InsertionGrid[] | null = null;
  let from: [number, number] = [0, 0];
  for (const size of sizes) {
    const t = Date.now();
    const to = perHalf(size, counts);
    const f = fraction();
    const sub = progress && {
      ...progress,
      report: (_x: number, l: string) => progress.report?.(f, `${size} particles: ${l}`),
    };
    const block = await maps.insert(blockTargets(maps.plan.count, orders, from, to), 2, sub);
    if (grids) {
      grids.forEach((g, h) => g.add(block[h]!));
      maps.release(block);
    } else grids = block;
    from = to;
    const rFinish = radius(size, grids);
    progress?.report?.(f, `${size} particles: finishing the half maps to shell ${rFinish}`);
    await done(size, grids, rFinish, t);
  }
  if (grids) maps.release(grids);
}

/** The shell of a measured crossing (px of the box); 0 without one. */
function shellOf(maps: ParticleMaps, m: PairMeasure): number {
  return m.resolutionA ? (maps.box * maps.pixelSizeA) / m.resolutionA : 0;
}

/**
 * The pair's measure. A crossing past FINISH_CHECK of how far the maps were finished may lie further out: then the
 * maps are finished again to rMax (`refinish`), or, without one, null (the caller inserts that size again).
 */
async function measureChecked(
  maps: ParticleMaps,
  v: Volume[],
  mask: PairMask,
  rFinish: number,
  refinish: (() => Promise<Volume[]>) | null,
): Promise<PairMeasure | null> {
  const m = maps.measure(v[0]!, v[1]!, mask);
  if (rFinish >= lastShellRadius(maps.shape.rMax, maps.shape.pad) || shellOf(maps, m) < FINISH_CHECK * rFinish)
    return m;
  if (!refinish) return null;
  const w = await refinish();
  return maps.measure(w[0]!, w[1]!, mask);
}

function assemble(run: ReslogRun, measured: ReslogMeasure[], t0: number): ReslogResult {
  const { maps, sizes } = run;
  const px = maps.pixelSizeA;
  const nyquistA = 2 * px;
  const lastShellA = (maps.box * px) / maps.shape.rMax;
  const warnings = [...run.warnings];
  const points = sizes.flatMap((size) => {
    const at = measured.filter((x) => x.size === size).sort((a, b) => a.repeat - b.repeat);
    // The crossing interpolated between shells: whole shells would make the repeats of a size identical.
    const ok = at.filter((x) => (x.resolutionInterpolatedA ?? x.resolutionA) !== null);
    if (ok.length < at.length)
      warnings.push({
        code: 'reslog-no-crossing',
        message:
          `${size} particles: ${at.length - ok.length} of ${at.length} maps never cross FSC 0.143 ` +
          '(no resolution); left out',
      });
    if (!ok.length) return [];
    const p = reslogPoint(
      size,
      ok.map((x) => (x.resolutionInterpolatedA ?? x.resolutionA)!),
      ok.map((x) => x.bfactorA2),
      lastShellA,
    );
    return [{ ...p, seconds: at.reduce((a, x) => a + x.seconds, 0) }];
  });
  const reading = readReslog(points, nyquistA, lastShellA);
  warnings.push(...reading.warnings);
  const fit = reading.fit;
  return {
    points,
    fit: fit
      ? {
          overallBfactorA2: fit.overallBfactorA2,
          bfactorA2: fit.bfactorA2,
          slope: fit.slope,
          intercept: fit.intercept,
          r2: fit.r2,
          slopeStdError: fit.slopeStdError,
          doublingGainA: fit.doublingGainA,
        }
      : null,
    predictions: fit
      ? fit.predictions.map((p) => ({
          particles: p.particles,
          factor: p.factor,
          resolutionA: p.resolutionA,
          bandA: p.bandA,
        }))
      : [],
    particleLimited: fit ? fit.particleLimited : null,
    samplingLimitedFrom: reading.samplingLimitedFrom,
    verdict: reading.verdict,
    particles: sizes[sizes.length - 1]!,
    boxSize: maps.box,
    pixelSizeA: px,
    nyquistA,
    symmetry: maps.symmetry,
    repeats: run.repeats,
    seed: run.seed,
    seconds: (Date.now() - t0) / 1000,
    warnings: uniqueWarnings(warnings),
  };
}

/** ln N against 1/d²: the points (each repeat), the fitted line and its 95 % band. */
export function reslogFigure(r: ReslogResult): string {
  const xs = r.points.map((p) => Math.log(p.particles));
  const reps = r.points.flatMap((p) => p.perRepeatA.map((d) => [Math.log(p.particles), 1 / d ** 2] as const));
  const series = [
    {
      name: 'mean of the repeats',
      color: '#1f77b4',
      x: xs,
      y: r.points.map((p) => 1 / p.resolutionA ** 2),
    },
    ...reps.map(([x, y], i) => ({ name: i === 0 ? 'each map' : '', color: '#9ecae1', x: [x, x + 1e-3], y: [y, y] })),
  ];
  if (r.fit) {
    const x0 = Math.min(...xs),
      x1 = Math.log(10 * r.particles);
    series.push({
      name: `fit: B = ${r.fit.overallBfactorA2?.toFixed(0) ?? '—'} Å²`,
      color: '#d62728',
      x: [x0, x1],
      y: [r.fit.slope * x0 + r.fit.intercept, r.fit.slope * x1 + r.fit.intercept],
    });
  }
  const ys = series.flatMap((s) => Array.from(s.y));
  return lineChartSvg({
    title: 'ResLog: resolution against particles',
    xTitle: 'ln(particles)',
    yTitle: '1/d² (Å⁻²)',
    width: 420,
    height: 260,
    xDomain: [Math.min(...xs) - 0.2, Math.log(10 * r.particles) + 0.2],
    yDomain: [Math.min(0, ...ys), Math.max(...ys, 1 / r.nyquistA ** 2) * 1.05],
    series,
    rules: [],
  });
}
