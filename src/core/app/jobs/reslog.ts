import { FINISH_CHECK, finishingRadius, gridFsc } from '../../analysis/reconstruct/grid-fsc.js';
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
 * with other orders for their spread.
 */
export async function reslogJob(
  inp: ReslogJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): Promise<JobResult<ReslogResult>> {
  const t0 = Date.now();
  const maps = await openParticleMaps({ ...inp, ...(compute ? { compute } : {}) });
  const warnings: Warning[] = [...maps.warnings];
  const counts: [number, number] = [0, 0];
  for (const h of maps.half) if (h === 1 || h === 2) counts[h - 1]! += 1;
  const total = counts[0] + counts[1];
  const sizes = checkedSizes(inp.sizes ?? defaultSizes(total), total);
  const repeats = inp.repeats ?? 3;
  if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 20))
    throw new InputError(`--repeats must be a whole number from 1 to 20, got ${repeats}`);
  const seed = inp.seed ?? 1;
  let mask: PairMask | null = maps.mask.kind === 'auto' ? null : maps.mask;
  if (inp.mask.kind === 'none')
    warnings.push({
      code: 'reslog-unmasked',
      message: 'no mask: each point is the unmasked FSC, which the solvent pulls down; give --mask or --auto-mask',
    });
  const work = sizes.length + (repeats - 1) * (sizes.length - 1);
  let step = 0;
  const measured: Measured[] = [];
  for (let r = 0; r < repeats; r++) {
    const orders = shuffledHalves(maps.half, seed + 7919 * r);
    // Only the first order goes to the whole set: every order gives the same full maps.
    const upto = r === 0 ? sizes : sizes.slice(0, -1);
    const pending: { size: number; v: [Volume, Volume]; rFinish: number; seconds: number }[] = [];
    await nestedGrids(
      maps,
      orders,
      counts,
      upto,
      null,
      progress,
      () => step++ / work,
      (size, grids, rFinish, t) => {
        const v: [Volume, Volume] = [maps.finish(grids[0]!, rFinish), maps.finish(grids[1]!, rFinish)];
        const full = (): [Volume, Volume] => [maps.finish(grids[0]!), maps.finish(grids[1]!)];
        if (mask)
          measured.push({ size, repeat: r, m: measureChecked(maps, v, mask, rFinish, full)!, seconds: secs(t) });
        else pending.push({ size, v, rFinish, seconds: secs(t) });
      },
    );
    if (!mask) {
      // The automatic mask from the whole set's maps (the last of the first order), used for every size.
      const last = pending[pending.length - 1]!;
      const m = maps.measure(last.v[0], last.v[1], { kind: 'auto' });
      const auto = derivedMap({ ...last.v[0], data: m.mask! }, maps.pixelSizeA);
      mask = { kind: 'user', file: { name: 'automatic mask of the full maps', volume: auto } };
      const redo: number[] = [];
      for (const p of pending) {
        const got = measureChecked(maps, p.v, mask, p.rFinish, null);
        if (got) measured.push({ size: p.size, repeat: r, m: got, seconds: p.seconds });
        else redo.push(p.size);
      }
      // Rare: a crossing beyond what the grids' FSC promised; those sizes are inserted again and finished fully.
      if (redo.length)
        await nestedGrids(
          maps,
          orders,
          counts,
          sizes.filter((s) => s <= Math.max(...redo)),
          redo,
          progress,
          () => step / work,
          (size, grids, _r, t) => {
            if (!redo.includes(size)) return;
            const m = maps.measure(maps.finish(grids[0]!), maps.finish(grids[1]!), mask!);
            measured.push({ size, repeat: r, m, seconds: secs(t) });
          },
        );
    }
  }
  const result = assemble(maps, sizes, measured, { repeats, seed, t0, warnings });
  const svg = reslogFigure(result);
  return {
    result,
    outputs: [
      { name: 'reslog.json', text: jsonText(result) },
      { name: 'reslog.svg', text: svg },
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

interface Measured {
  size: number;
  repeat: number;
  m: PairMeasure;
  seconds: number;
}

const secs = (t: number): number => (Date.now() - t) / 1000;

/**
 * One random order: the particles of each size minus the previous inserted as one pass and added to the running
 * grids; `done` gets each size's grids (valid during the call) and how far out they need finishing (to rMax for
 * the whole set and for the sizes in `full`).
 */
async function nestedGrids(
  maps: ParticleMaps,
  orders: [Int32Array, Int32Array],
  counts: [number, number],
  sizes: number[],
  full: number[] | null,
  progress: ProgressContext | undefined,
  fraction: () => number,
  done: (size: number, grids: InsertionGrid[], rFinish: number, started: number) => void,
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
    if (grids) grids.forEach((g, h) => g.add(block[h]!));
    else grids = block;
    from = to;
    const whole = size === counts[0] + counts[1] || (full?.includes(size) ?? false);
    const rFinish = whole ? maps.shape.rMax : finishingRadius(gridFsc(grids[0]!, grids[1]!), maps.shape.rMax);
    progress?.report?.(f, `${size} particles: finishing the half maps to shell ${rFinish}`);
    done(size, grids, rFinish, t);
  }
}

/**
 * The pair's measure. A crossing past FINISH_CHECK of how far the maps were finished may lie further out: then the
 * maps are finished again to rMax (`refinish`), or, without one, null (the caller inserts that size again).
 */
function measureChecked(
  maps: ParticleMaps,
  v: [Volume, Volume],
  mask: PairMask,
  rFinish: number,
  refinish: (() => [Volume, Volume]) | null,
): PairMeasure | null {
  const m = maps.measure(v[0], v[1], mask);
  const shell = m.resolutionA ? (maps.box * maps.pixelSizeA) / m.resolutionA : 0;
  if (rFinish >= maps.shape.rMax || shell < FINISH_CHECK * rFinish) return m;
  if (!refinish) return null;
  const w = refinish();
  return maps.measure(w[0], w[1], mask);
}

function assemble(
  maps: ParticleMaps,
  sizes: number[],
  measured: Measured[],
  o: { repeats: number; seed: number; t0: number; warnings: Warning[] },
): ReslogResult {
  const px = maps.pixelSizeA;
  const nyquistA = 2 * px;
  const lastShellA = (maps.box * px) / maps.shape.rMax;
  const warnings = [...o.warnings];
  const points = sizes.flatMap((size) => {
    const at = measured.filter((x) => x.size === size);
    // The crossing interpolated between shells: whole shells would make the repeats of a size identical.
    const ok = at.filter((x) => (x.m.resolutionInterpolatedA ?? x.m.resolutionA) !== null);
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
      ok.map((x) => (x.m.resolutionInterpolatedA ?? x.m.resolutionA)!),
      ok.map((x) => x.m.bfactorA2),
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
    repeats: o.repeats,
    seed: o.seed,
    seconds: (Date.now() - o.t0) / 1000,
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
