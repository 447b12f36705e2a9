import { fitBudget, singleMapBudget, type BudgetFit, type SingleMapBudget } from '../analysis/budget/budget.js';

export type { BudgetFit, SingleMapBudget };
import { InputError, type Warning } from '../errors.js';
import { bfactorFromStar, readBudgetCsv, resolutionFromStar } from '../io/budget-points.js';
import { decodeText } from '../io/bytes.js';
import { readStar } from '../io/star/read.js';
import type { BudgetPoint } from '../model/budget.js';
import { jsonText, type JobResult, type NamedBytes } from './job.js';
import { parseNumber } from './options.js';

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
  let fit: BudgetFit | null = null;
  if (points.length === 1)
    throw new InputError(
      `one (particles, resolution) point (${points[0]!.source ?? ''}) cannot be fitted: give at least two ` +
        `refinements of different sizes, or a B-factor`,
    );
  if (points.length > 1) {
    if (new Set(points.map((p) => p.particles)).size < 2) {
      throw new InputError(
        `all ${points.length} points have ${points[0]!.particles} particles: a budget needs refinements of ` +
          `different sizes (e.g. N/4, N/2, N)`,
      );
    }
    fit = fitBudget(points, inp.targetA !== undefined ? { targetA: inp.targetA } : {});
  }
  let singleMap: SingleMapBudget | null = null;
  const count = inp.particleCount ?? null;
  if (inp.postprocess) {
    const { bfactorA2, resolutionA } = bfactorFromStar(
      readStar(inp.postprocess.bytes, { source: inp.postprocess.name }),
    );
    singleMap = singleMapBudget(bfactorA2, resolutionA, count, target);
  } else if (inp.bfactorA2 !== undefined) {
    if (inp.resolutionA === undefined)
      throw new InputError('--bfactor needs --resolution-a (the map’s current resolution in Å)');
    if (inp.bfactorA2 === 0)
      throw new InputError(
        '--bfactor 0 says the map has no fall-off: a budget needs a B-factor (e.g. −80 Å² from postprocess)',
      );
    singleMap = singleMapBudget(inp.bfactorA2, inp.resolutionA, count, target);
  }
  if (!fit && !singleMap) {
    throw new InputError(
      'give (particles, resolution) points (--point N:d, a CSV, or postprocess.star:N files) or a B-factor ' +
        '(--bfactor with --resolution-a, or --from-postprocess)',
    );
  }
  const warnings = fit?.warnings ?? [];
  const result = { fit, singleMap, warnings };
  return { result, outputs: [{ name: 'budget.json', text: jsonText(result) }], warnings };
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
