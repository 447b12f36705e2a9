import { cheapestRadius, FINISH_CHECK, lastShellRadius } from '../../analysis/reconstruct/grid-fsc.js';
import type { InsertionGrid } from '../../analysis/reconstruct/grid.js';
import { parseRule, type ParticleGroup } from '../../diagnosis/whatif-groups.js';
import { gatherGroups } from './whatif-groups.js';
import { reachItems, slopeOf, type CleanMaps } from './whatif-reach.js';
import type { PickerFiles } from '../report/processing-files.js';
import { shuffledHalves } from '../../analysis/whatif/subsets.js';
import { groupEffect, MIN_GROUP_FRACTION, projectToCount } from '../../diagnosis/whatif-verdict.js';
import type { GroupResult, MeasuredMaps, ReachItem, WhatifResult } from '../../diagnosis/whatif-result.js';
import { InputError, type Warning } from '../../errors.js';
import { writeMrc } from '../../io/mrc/write.js';
import { createVolume, type Volume } from '../../model/volume.js';
import { subProgress, type ProgressContext } from '../../util/progress.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult, type NamedBytes } from '../job.js';
import { derivedMap } from '../../model/checked-map.js';
import type { Compute } from '../../parallel/compute.js';
import type { MaskSpec } from '../inputs/maps.js';
import {
  type PairMask,
  openParticleMaps,
  type PairMeasure,
  type ParticleMaps,
  type ParticleMapsInput,
} from './particle-maps.js';

export interface WhatifJobInput extends ParticleMapsInput {
  mask: MaskSpec;
  /** micrographs_ctf.star (CTFFIND / Gctf through RELION): unreliable fits, fits coarser than the map, thick ice. */
  ctf?: NamedBytes;
  /** corrected_micrographs.star: motion outliers. */
  motion?: NamedBytes;
  /** A particle STAR with rlnClassNumber (a Class3D run_data.star): one group per class, joined by image name. */
  classes?: NamedBytes;
  /** Pickers' coordinates (one entry per picker): the particles only one picker found, as groups. */
  picks?: PickerFiles[];
  /** Particle diameter (Å) and micrograph pixel (Å): the radius picks are matched within. */
  particleDiameterA?: number | null;
  micrographPixelSizeA?: number | null;
  /** Rules as typed: 'rlnDefocusU>25000'. */
  exclude?: string[];
  /** Groups the particle STAR's own columns flag (defocus, astigmatism, optics groups, pMax, classes); default on. */
  metadataGroups?: boolean;
  /** Random-removal draws per group (default 3, at least 2). */
  controls?: number;
  seed?: number;
  /** A reslog.json of the same particles: its slope projects each result back to the full count. */
  reslog?: NamedBytes;
  /** Write the full and each what-if map (half-map average) and a ChimeraX script that opens them. */
  writeMaps?: boolean;
}

export type { GroupResult, MeasuredMaps, ReachItem, WhatifResult };

/**
 * `cryodx whatif`: for each group a finding flags, the half maps rebuilt without it and without as many random
 * particles (the controls), measured as relion_postprocess. Every particle is inserted once into the full grids;
 * a map without a set of particles is the full grids minus that set's grids (partial sums are linear), so a group
 * costs an insertion of its own particles and each control of as many. The same steps run as SLURM tasks: the full
 * grids (whatifFull), one task per map without a group or control (whatifUnit), and the verdicts (whatifAssemble).
 */
export async function whatifJob(
  inp: WhatifJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): Promise<JobResult<WhatifResult>> {
  const t0 = Date.now();
  const run = await openWhatif(inp, compute);
  progress?.report?.(0, 'inserting every particle');
  const full = await whatifFull(run, subProgress(progress, 0, 0.3, 'all particles'));
  const plan = whatifPlan(run, full.state);
  const results: WhatifUnitResult[] = [];
  for (const [i, u] of plan.units.entries()) {
    const label =
      u.control === null
        ? plan.groups[u.group]!.name
        : `${plan.groups[u.group]!.name}: control ${u.control + 1}/${run.controls}`;
    results.push(
      await whatifUnit(
        run,
        full,
        plan,
        i,
        subProgress(progress, 0.3 + (0.6 * i) / plan.units.length, 0.6 / plan.units.length, label),
      ),
    );
  }
  progress?.report?.(0.92, 'the resolution within reach');
  const job = await whatifAssemble(run, full, plan, results, t0);
  progress?.report?.(1, 'done');
  return job;
}

/** A what-if run's particles, options and rules, checked once (every task of a SLURM run opens the same). */
export interface WhatifRun {
  inp: WhatifJobInput;
  maps: ParticleMaps;
  controls: number;
  seed: number;
  rules: ReturnType<typeof parseRule>[];
  /** 1 for the particles in a half set. */
  inHalves: Uint8Array;
  total: number;
  warnings: Warning[];
}

export async function openWhatif(inp: WhatifJobInput, compute?: Compute): Promise<WhatifRun> {
  const maps = await openParticleMaps({ ...inp, ...(compute ? { compute } : {}) });
  const controls = inp.controls ?? 3;
  if (!(Number.isInteger(controls) && controls >= 2 && controls <= 20))
    throw new InputError(`--controls must be a whole number from 2 to 20, got ${controls}`);
  const rules = (inp.exclude ?? []).map(parseRule);
  const inHalves = Uint8Array.from(maps.half, (h) => (h === 1 || h === 2 ? 1 : 0));
  const total = inHalves.reduce((a, b) => a + b, 0);
  return { inp, maps, controls, seed: inp.seed ?? 1, rules, inHalves, total, warnings: [...maps.warnings] };
}

/** What the full maps measured, and how every what-if map is finished and compared (a task hands it on as JSON). */
export interface WhatifFullState {
  first: { resolutionA: number | null; resolutionInterpolatedA: number | null; bfactorA2: number | null };
  /** The full map's interpolated crossing (Å): the groups' thresholds and the reported resolution. */
  fullA: number;
  /**
   * How far out every what-if map is finished (px of the box): as far as the full map's crossing says a map of
   * fewer particles can reach, on the cheapest gridding box (cheapestRadius); rMax when that is the last shell.
   */
  rWhatif: number;
  /** The full map finished as the what-if maps are (to rWhatif): what removing particles is measured against. */
  compareA: number;
  warnings: Warning[];
}

/** The full grids, the fixed mask and the state; the full maps themselves with --maps. */
export interface WhatifFull {
  grids: InsertionGrid[];
  /** The mask every what-if map is measured in: the one given, or the full maps' automatic mask. */
  mask: PairMask;
  /** The automatic mask's array (to hand on to the tasks), null for a mask given. */
  autoMask: Volume | null;
  /** With --maps: the full map (half-map average) as a file. */
  mapFile: JobOutput | null;
  state: WhatifFullState;
}

/** Every particle into the full grids, their maps finished to rMax and measured; the what-ifs' radius decided. */
export async function whatifFull(run: WhatifRun, progress?: ProgressContext): Promise<WhatifFull> {
  const { maps } = run;
  const grids = await maps.insert(halfTargets(maps.half, run.inHalves), 2, progress);
  const fullMaps = await maps.finishAll(grids);
  const first = maps.measure(fullMaps[0]!, fullMaps[1]!, maps.mask);
  // The automatic mask of the full maps, fixed for every what-if (a mask per map would move with what it measures).
  const autoMask = maps.mask.kind === 'auto' && first.mask ? { ...fullMaps[0]!, data: first.mask } : null;
  const mapFile = run.inp.writeMaps ? mapOutput('whatif_full.mrc', fullMaps, 'all particles') : null;
  const measured = {
    resolutionA: first.resolutionA,
    resolutionInterpolatedA: first.resolutionInterpolatedA,
    bfactorA2: first.bfactorA2,
  };
  return whatifFullFrom(run, grids, autoMask, measured, mapFile);
}

/**
 * The state from the full grids and their measure (whatifFull's, or a task's reloaded): the radius the what-if maps
 * are finished to and, when it is below rMax, the full map finished there too, to compare like with like.
 */
export async function whatifFullFrom(
  run: WhatifRun,
  grids: InsertionGrid[],
  autoMask: Volume | null,
  first: WhatifFullState['first'],
  mapFile: JobOutput | null,
  known?: WhatifFullState,
): Promise<WhatifFull> {
  const { maps } = run;
  const mask: PairMask = autoMask
    ? {
        kind: 'user',
        file: { name: 'automatic mask of the full maps', volume: derivedMap(autoMask, maps.pixelSizeA) },
      }
    : maps.mask;
  if (known) return { grids, mask, autoMask, mapFile, state: known };
  const warnings: Warning[] = [];
  const fullA = first.resolutionInterpolatedA ?? first.resolutionA;
  if (fullA === null)
    throw new InputError(
      'the half maps of all the particles never cross FSC 0.143: there is no resolution to compare what-ifs with',
    );
  const lastShellA = (maps.box * maps.pixelSizeA) / maps.shape.rMax;
  if (fullA <= lastShellA * 1.02)
    warnings.push({
      code: 'whatif-sampling-limited',
      message:
        `all ${run.total} particles reach the last shell the maps hold (${lastShellA.toFixed(2)} Å` +
        `${maps.shape.rMax === maps.box >> 1 ? ', Nyquist' : ''}): a map without a harmful group cannot read better ` +
        'than that shell, so harm shows only where leaving out as many random particles costs resolution, and no ' +
        'group can rule its cause out here. Re-extract with a smaller pixel to measure what each group costs',
    });
  // A map of fewer particles reaches no further than the full one (a harmful group's removal past it is caught by
  // the check in measureWithout): finished to where that crossing sits at FINISH_CHECK of the cut.
  const shell = (maps.box * maps.pixelSizeA) / fullA;
  const rWhatif = cheapestRadius(Math.ceil((shell + 1) / FINISH_CHECK), maps.shape.rMax, maps.shape.pad);
  let compareA = fullA;
  if (rWhatif < maps.shape.rMax) {
    const v = await maps.finishAll(grids, rWhatif);
    compareA = interpolated(maps.measure(v[0]!, v[1]!, mask)) ?? fullA;
  }
  return { grids, mask, autoMask, mapFile, state: { first, fullA, rWhatif, compareA, warnings } };
}

/** One map a what-if run measures: without group `group` (control null) or without control draw `control`. */
export interface WhatifUnit {
  group: number;
  control: number | null;
}

export interface WhatifPlan {
  groups: ParticleGroup[];
  /** Groups rebuilt (big enough): their maps without them and their controls, in order. */
  units: WhatifUnit[];
  warnings: Warning[];
}

/** The groups (they depend on the full map's resolution: fits coarser than the map) and the maps to rebuild. */
export function whatifPlan(run: WhatifRun, state: WhatifFullState): WhatifPlan {
  const warnings: Warning[] = [];
  const groups = gatherGroups(run.maps, run.inp, run.rules, state.fullA, warnings);
  const units: WhatifUnit[] = [];
  for (const [k, g] of groups.entries()) {
    if (!measurable(run, g)) continue;
    units.push({ group: k, control: null });
    for (let c = 0; c < run.controls; c++) units.push({ group: k, control: c });
  }
  return { groups, units, warnings };
}

/** The group's particles in the half sets, and whether there are enough (and enough left) to rebuild. */
function membersOf(run: WhatifRun, g: ParticleGroup): { members: Uint8Array; count: number; fraction: number } {
  const members = Uint8Array.from(g.members, (m, i) => m & run.inHalves[i]!);
  const count = members.reduce((a, b) => a + b, 0);
  return { members, count, fraction: count / run.total };
}

function measurable(run: WhatifRun, g: ParticleGroup): boolean {
  const { count, fraction } = membersOf(run, g);
  return !(fraction < MIN_GROUP_FRACTION || run.total - count < 0.1 * run.total);
}

/** What one what-if map measured (a task writes it as JSON). */
export interface WhatifUnitResult {
  group: number;
  control: number | null;
  resolutionA: number | null;
  resolutionInterpolatedA: number | null;
  bfactorA2: number | null;
  /** The map itself (half-map average) with --maps, for the map without a group. */
  map?: JobOutput;
}

/** Unit `index` of the plan: the full grids minus its particles' grids, finished, measured. */
export async function whatifUnit(
  run: WhatifRun,
  full: WhatifFull,
  plan: WhatifPlan,
  index: number,
  progress?: ProgressContext,
): Promise<WhatifUnitResult> {
  const u = plan.units[index];
  if (!u) throw new InputError(`what-if map ${index + 1} does not exist (the run has ${plan.units.length})`);
  const g = plan.groups[u.group]!;
  const { members } = membersOf(run, g);
  const removed =
    u.control === null
      ? members
      : randomLike(run.maps.half, members, run.inHalves, run.seed + 101 * (u.group + 1) + u.control);
  const m = await mapsWithout(run.maps, full, removed, progress);
  return {
    group: u.group,
    control: u.control,
    resolutionA: m.measure.resolutionA,
    resolutionInterpolatedA: m.measure.resolutionInterpolatedA,
    bfactorA2: m.measure.bfactorA2,
    ...(u.control === null && run.inp.writeMaps
      ? { map: mapOutput(`whatif_without_${g.id}.mrc`, m.maps, `without ${g.name}`) }
      : {}),
  };
}

/** The verdicts, the slope and what is within reach, from every unit's measure; whatif.json and the maps. */
export async function whatifAssemble(
  run: WhatifRun,
  full: WhatifFull,
  plan: WhatifPlan,
  units: WhatifUnitResult[],
  t0: number,
): Promise<JobResult<WhatifResult>> {
  const { maps, controls } = run;
  const { state } = full;
  const warnings = [...run.warnings, ...state.warnings, ...plan.warnings];
  const outputs: JobOutput[] = [];
  if (full.mapFile) outputs.push(full.mapFile);
  const results: GroupResult[] = [];
  const shellWidthA = state.fullA ** 2 / (maps.box * maps.pixelSizeA);
  for (const [k, g] of plan.groups.entries()) {
    const { count, fraction } = membersOf(run, g);
    const base = {
      id: g.id,
      name: g.name,
      rule: g.rule,
      basis: g.basis,
      cause: g.cause,
      rulesOut: g.rulesOut,
      particles: count,
      fraction,
    };
    if (!measurable(run, g)) {
      results.push(notMeasured(base, fraction));
      continue;
    }
    const mine = units.filter((x) => x.group === k);
    const without = mine.find((x) => x.control === null);
    const controlA = mine
      .filter((x) => x.control !== null)
      .sort((a, b) => a.control! - b.control!)
      .map(interpolated)
      .filter((d): d is number => d !== null);
    const withoutA = without ? interpolated(without) : null;
    if (!without || withoutA === null || controlA.length < 2) {
      results.push({
        ...notMeasured(base, fraction),
        why: 'a map without the group (or its controls) never crossed FSC 0.143',
      });
      continue;
    }
    const e = groupEffect({ fraction, fullA: state.compareA, withoutA, controlA, shellWidthA });
    results.push({
      ...base,
      resolutionWithoutA: withoutA,
      bfactorWithoutA2: without.bfactorA2,
      controlResolutionA: e.controlResolutionA,
      controlSpreadA: e.controlSpreadA,
      controlResolutionsA: controlA,
      effectA: e.effectA,
      removalCostA: e.removalCostA,
      thresholdA: e.thresholdA,
      projectedResolutionA: null,
      verdict: e.verdict,
      why: e.why,
    });
    if (without.map) outputs.push(without.map);
  }
  const slope = slopeOf(run.inp.reslog, run.total, state.compareA, results, warnings);
  if (slope)
    for (const r of results)
      if (r.resolutionWithoutA !== null)
        r.projectedResolutionA = projectToCount(r.resolutionWithoutA, run.total - r.particles, run.total, slope.value);
  const lastShellA = (maps.box * maps.pixelSizeA) / maps.shape.rMax;
  const reach = reachItems({
    fullA: state.fullA,
    particles: run.total,
    bfactorA2: state.first.bfactorA2,
    slope,
    clean: await withoutHarmful(run, full, plan.groups, results),
    lastShellA,
  });
  const result: WhatifResult = {
    full: {
      particles: run.total,
      resolutionA: state.first.resolutionA,
      resolutionInterpolatedA: state.fullA,
      bfactorA2: state.first.bfactorA2,
    },
    groups: results,
    reach,
    slope,
    controls,
    seed: run.seed,
    boxSize: maps.box,
    pixelSizeA: maps.pixelSizeA,
    symmetry: maps.symmetry,
    seconds: (Date.now() - t0) / 1000,
    warnings: uniqueWarnings(warnings),
  };
  outputs.push({ name: 'whatif.json', text: jsonText(result) });
  if (run.inp.writeMaps) outputs.push({ name: 'whatif.cxc', text: chimeraScript(outputs) });
  return { result, outputs, warnings: result.warnings };
}

/** The resolution what-ifs compare: the 0.143 crossing interpolated between shells (finer than whole shells). */
function interpolated(m: { resolutionInterpolatedA: number | null; resolutionA: number | null }): number | null {
  return m.resolutionInterpolatedA ?? m.resolutionA;
}

/** Particle i into grid half−1 where selected. */
function halfTargets(half: Uint8Array, selected: Uint8Array): Int32Array {
  return Int32Array.from(half, (h, i) => (selected[i] && (h === 1 || h === 2) ? h - 1 : -1));
}

/**
 * The half maps without `removed`, finished to the run's radius and measured; finished again to the last shell
 * should their crossing pass FINISH_CHECK of that radius (a map better than the full one, where a harmful group was
 * removed). They are the full grids minus that set's grids (partial sums are linear) — or, when more is removed than
 * kept, the rest inserted on its own, which is both fewer insertions and exact: a float32 sum minus most of its terms
 * keeps their rounding residue, which the gridding weights blow up where few particles remain (a map of 17 particles
 * as the difference of 300 and 283 was 25 % off the same 17 inserted directly).
 */
async function mapsWithout(
  maps: ParticleMaps,
  full: WhatifFull,
  removed: Uint8Array,
  progress: ProgressContext | undefined,
): Promise<{ measure: PairMeasure; maps: Volume[] }> {
  let gone = 0;
  let kept = 0;
  for (let i = 0; i < removed.length; i++)
    if (maps.half[i] === 1 || maps.half[i] === 2) {
      if (removed[i]) gone++;
      else kept++;
    }
  let rest: InsertionGrid[];
  if (kept < gone) {
    rest = await maps.insert(
      halfTargets(
        maps.half,
        Uint8Array.from(removed, (x) => (x ? 0 : 1)),
      ),
      2,
      progress,
    );
  } else {
    // The removed particles' grids become the rest: full − removed, in place (no copy of the full grids).
    rest = await maps.insert(halfTargets(maps.half, removed), 2, progress);
    rest.forEach((g, h) => g.takeFrom(full.grids[h]!));
  }
  const r = full.state.rWhatif;
  try {
    const v = await maps.finishAll(rest, r);
    const m = maps.measure(v[0]!, v[1]!, full.mask);
    const shell = m.resolutionA ? (maps.box * maps.pixelSizeA) / m.resolutionA : 0;
    if (r >= lastShellRadius(maps.shape.rMax, maps.shape.pad) || shell < FINISH_CHECK * r)
      return { measure: m, maps: v };
    const w = await maps.finishAll(rest, cheapestRadius(maps.shape.rMax, maps.shape.rMax, maps.shape.pad));
    return { measure: maps.measure(w[0]!, w[1]!, full.mask), maps: w };
  } finally {
    maps.release(rest);
  }
}

/** As many random particles as the group has in each half, drawn from all particles of that half. */
function randomLike(half: Uint8Array, members: Uint8Array, inHalves: Uint8Array, seed: number): Uint8Array {
  const orders = shuffledHalves(
    Uint8Array.from(half, (h, i) => (inHalves[i] ? h : 0)),
    seed,
  );
  const out = new Uint8Array(half.length);
  for (const h of [1, 2]) {
    let want = 0;
    for (let i = 0; i < half.length; i++) if (members[i] && half[i] === h) want++;
    const order = orders[h - 1]!;
    for (let k = 0; k < want; k++) out[order[k]!] = 1;
  }
  return out;
}

function notMeasured(
  base: Omit<
    GroupResult,
    | 'controlResolutionsA'
    | 'resolutionWithoutA'
    | 'bfactorWithoutA2'
    | 'controlResolutionA'
    | 'controlSpreadA'
    | 'effectA'
    | 'removalCostA'
    | 'thresholdA'
    | 'projectedResolutionA'
    | 'verdict'
    | 'why'
  >,
  fraction: number,
): GroupResult {
  return {
    ...base,
    resolutionWithoutA: null,
    bfactorWithoutA2: null,
    controlResolutionA: null,
    controlSpreadA: null,
    controlResolutionsA: [],
    effectA: null,
    removalCostA: null,
    thresholdA: null,
    projectedResolutionA: null,
    verdict: 'too-small',
    why:
      fraction < MIN_GROUP_FRACTION
        ? `${(100 * fraction).toFixed(1)} % of the particles (< ${100 * MIN_GROUP_FRACTION} %): leaving them out ` +
          'cannot change the map measurably; not rebuilt'
        : `${(100 * fraction).toFixed(0)} % of the particles: too few would be left to compare; not rebuilt`,
  };
}

/** (a) of what is within reach: the half maps without every group measured harmful, rebuilt and measured. */
async function withoutHarmful(
  run: WhatifRun,
  full: WhatifFull,
  groups: ParticleGroup[],
  results: GroupResult[],
): Promise<CleanMaps | null> {
  const harmful = results.filter((r) => r.verdict === 'harmful');
  if (!harmful.length) return null;
  const union = new Uint8Array(run.inHalves.length);
  for (const r of harmful) {
    const g = groups.find((x) => x.id === r.id)!;
    g.members.forEach((m, i) => (union[i] = union[i]! | (m & run.inHalves[i]!)));
  }
  const m = await mapsWithout(run.maps, full, union, undefined);
  return {
    resolutionA: interpolated(m.measure),
    particles: run.total - union.reduce((a, b) => a + b, 0),
    names: harmful.map((h) => h.name),
  };
}

/** The average of a pair of half maps, as a file. */
function mapOutput(name: string, v: Volume[], label: string): JobOutput {
  const a = v[0]!;
  const avg = Float32Array.from(a.data, (x, i) => 0.5 * (x + v[1]!.data[i]!));
  return {
    name,
    bytes: writeMrc(createVolume(a.nx, a.ny, a.nz, a.pixelSizeA, avg), {
      labels: [`cryodx whatif: ${label}`],
    }),
  };
}

/** ChimeraX: the full map and each what-if map side by side at the same threshold. */
function chimeraScript(outputs: JobOutput[]): string {
  const maps = outputs.filter((o) => o.name.endsWith('.mrc')).map((o) => o.name);
  return [
    '# cryodx whatif: the full map (#1) and each map without a group, side by side (open in ChimeraX: open whatif.cxc)',
    ...maps.map((m) => `open ${m}`),
    `volume #1-${maps.length} style surface sdLevel 3`,
    'tile',
    'view',
    '',
  ].join('\n');
}
