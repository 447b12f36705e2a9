import { fitBudget, singleMapBudget, type BudgetFit, type SingleMapBudget } from '../../analysis/budget/budget.js';

export type { BudgetFit, SingleMapBudget };
import { GUINIER_MIN } from '../../diagnosis/evidence.js';
import { InputError, type Warning } from '../../errors.js';
import { bfactorFromStar, nyquistFromStar, readBudgetCsv, resolutionFromStar } from '../../io/budget-points.js';
import { decodeText } from '../../io/bytes.js';
import { readStar } from '../../io/star/read.js';
import type { BudgetPoint } from '../../model/budget.js';
import { jsonText, type JobResult, type NamedBytes } from '../job.js';
import { parseNumber } from '../inputs/options.js';

export interface BudgetJobInput {
  /** (particles, resolution) points as typed: "N:d". */
  points?: string[];
  /** CSV files with a particles and a resolution column. */
  csv?: NamedBytes[];
  /** RELION postprocess.star / run_model.star files of refinements with their particle counts. */
  refinements?: { file: NamedBytes; particles: number }[];
  targetA?: number;
  /** Single-map estimate: a B-factor (either sign; RELION's negative sharpening B or the overall B) and resolution … */
  bfactorA2?: number;
  resolutionA?: number;
  /** … or both from a postprocess.star. */
  postprocess?: NamedBytes;
  /** Particles in the current map (single-map estimate). */
  particleCount?: number;
  /** Pixel size in Å: no prediction beyond its Nyquist (taken from postprocess.star files when not given). */
  pixelSizeA?: number;
}

export interface BudgetJobResult {
  fit: BudgetFit | null;
  singleMap: SingleMapBudget | null;
  warnings: Warning[];
}

/** `cryodx budget`: the Rosenthal–Henderson fit over refinements, or the estimate from one map's B. */
export function budgetJob(inp: BudgetJobInput): JobResult<BudgetJobResult> {
  const points: BudgetPoint[] = [
    ...(inp.points ?? []).map(parsePoint),
    ...(inp.csv ?? []).flatMap((f) => readBudgetCsv(decodeText(f.bytes), f.name)),
    ...(inp.refinements ?? []).map(({ file, particles }) => ({
      particles,
      resolutionA: resolutionFromStar(readStar(file.bytes, { source: file.name })),
      source: file.name,
    })),
  ];
  const target = inp.targetA !== undefined ? [inp.targetA] : undefined;
  // Nyquist from --angpix, or from the finest shell of the postprocess.star files given.
  const stars = [...(inp.refinements ?? []).map((r) => r.file), ...(inp.postprocess ? [inp.postprocess] : [])];
  const nyquists = stars
    .map((f) => nyquistFromStar(readStar(f.bytes, { source: f.name })))
    .filter((x): x is number => x !== null);
  const nyquistA = inp.pixelSizeA !== undefined ? 2 * inp.pixelSizeA : nyquists.length ? Math.min(...nyquists) : null;
  let fit: BudgetFit | null = null;
  if (points.length === 1) {
    throw new InputError(
      `one (particles, resolution) point (${points[0]!.source ?? ''}) cannot be fitted: give at least two ` +
        `refinements of different sizes, or a B-factor`,
    );
  }
  if (points.length > 1) {
    if (new Set(points.map((p) => p.particles)).size < 2) {
      throw new InputError(
        `all ${points.length} points have ${points[0]!.particles} particles: a budget needs refinements of ` +
          `different sizes (e.g. N/4, N/2, N)`,
      );
    }
    fit = fitBudget(points, { ...(inp.targetA !== undefined ? { targetA: inp.targetA } : {}), nyquistA });
  }
  let singleMap: SingleMapBudget | null = null;
  const count = inp.particleCount ?? null;
  if (inp.postprocess) {
    const pp = bfactorFromStar(readStar(inp.postprocess.bytes, { source: inp.postprocess.name }));
    checkBfactor(pp.bfactorA2, pp.guinierR2, inp.postprocess.name);
    singleMap = singleMapBudget(pp.bfactorA2, pp.resolutionA, count, target, nyquistA);
    if (pp.resolutionA > BUDGET_B.maxResolutionA) singleMap.warnings.push(coarseMap(pp.resolutionA));
  } else if (inp.bfactorA2 !== undefined) {
    if (inp.resolutionA === undefined)
      throw new InputError('--bfactor needs --resolution-a (the map’s current resolution in Å)');
    checkBfactor(inp.bfactorA2, null, '--bfactor');
    singleMap = singleMapBudget(inp.bfactorA2, inp.resolutionA, count, target, nyquistA);
    if (inp.resolutionA > BUDGET_B.maxResolutionA) singleMap.warnings.push(coarseMap(inp.resolutionA));
  }
  if (!fit && !singleMap) {
    throw new InputError(
      'give (particles, resolution) points (--point N:d, a CSV, or postprocess.star:N files) or a B-factor ' +
        '(--bfactor with --resolution-a, or --from-postprocess)',
    );
  }
  const warnings = [...(fit?.warnings ?? []), ...(singleMap?.warnings ?? [])];
  const result = { fit, singleMap, warnings };
  return { result, outputs: [{ name: 'budget.json', text: jsonText(result) }], warnings };
}

/**
 * What a single-map budget needs of its B: a Guinier fit that is a line (RELION's r²) and a fall-off a
 * budget can use. Below these the "prediction" is the fit's noise (a real r² 0.007, B −1.6 Å² gave
 * "doubling buys 1.83 Å").
 */
export const BUDGET_B = {
  minR2: GUINIER_MIN.r2,
  minAbsA2: GUINIER_MIN.absBfactorA2,
  maxResolutionA: GUINIER_MIN.resolutionA,
};

function checkBfactor(bfactorA2: number, r2: number | null, source: string): void {
  if (r2 !== null && r2 < BUDGET_B.minR2) {
    throw new InputError(
      `${source}: its B-factor (${bfactorA2.toFixed(1)} Å²) comes from a Guinier fit with r² ${r2.toFixed(3)} (< ` +
        `${BUDGET_B.minR2}): it is not a fall-off a budget can use; refine subsets of 1/4, 1/2 and all the ` +
        `particles and give their resolutions instead`,
    );
  }
  if (Math.abs(bfactorA2) < BUDGET_B.minAbsA2) {
    throw new InputError(
      `${source}: a B-factor of ${bfactorA2.toFixed(1)} Å² (|B| < ${BUDGET_B.minAbsA2}) says the map barely falls ` +
        `off, which no real map does: check the postprocessing, or give refinements of different sizes instead`,
    );
  }
}

function coarseMap(resolutionA: number): { code: string; message: string } {
  return {
    code: 'budget-coarse-map',
    message:
      `at ${resolutionA.toFixed(1)} Å the Guinier fit (from 10 Å) has next to no range: a B-factor from ` +
      `this map is a rough guide, and so is this budget`,
  };
}

/** "N:d" → a point (particles, resolution in Å). */
export function parsePoint(v: string): BudgetPoint {
  const parts = v.split(':');
  if (parts.length !== 2)
    throw new InputError(`--point takes N:d (particles:resolution in Å), e.g. 100000:3.8; got "${v}"`);
  const rule = { min: 0, exclusiveMin: true, what: 'N:d (particles:resolution in Å), e.g. 100000:3.8' };
  return {
    particles: parseNumber(parts[0]!, '--point', rule),
    resolutionA: parseNumber(parts[1]!, '--point', rule),
    source: `--point ${v}`,
  };
}
