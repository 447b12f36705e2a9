import type { Command } from 'commander';
import { fitBudget, singleMapBudget, type BudgetFit, type BudgetPoint, type SingleMapBudget } from '../../../core/analysis/budget/budget.js';
import { bfactorFromStar, readBudgetCsv, resolutionFromStar } from '../../../core/io/budget-points.js';
import { decodeText } from '../../../core/io/bytes.js';
import { readStar } from '../../../core/io/star/read.js';
import { InputError, readInput } from '../../files.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';

interface BudgetFlags {
  point: string[];
  target?: number;
  bfactor?: number;
  resolution?: number;
  particles?: number;
  fromPostprocess?: string;
  json?: boolean;
}

export function registerBudget(program: Command): void {
  program
    .command('budget')
    .description('Rosenthal–Henderson particle budget: fit 1/d² = a·ln N + b to refinements of different sizes, predict what more particles buy, and say when the data are not particle-limited')
    .argument('[inputs...]', 'CSV files (particles, resolution) and RELION postprocess.star / run_model.star files as FILE:N (N = particles in that refinement)')
    .option('--point <N:d>', 'a (particles, resolution Å) point; repeat', (v: string, acc: string[]) => [...acc, v], [])
    .option('--target <A>', 'resolution to reach: how many particles it needs', positiveNumber('--target'))
    .option('--bfactor <A2>', 'single-map estimate from this B-factor (with --resolution, optional --particles)', (v) => Number(v))
    .option('--resolution <A>', 'current resolution for the single-map estimate', positiveNumber('--resolution'))
    .option('--particles <N>', 'current particle count for the single-map estimate', positiveNumber('--particles'))
    .option('--from-postprocess <star>', 'single-map estimate from a postprocess.star (its B-factor and resolution)')
    .option('--json', 'print one JSON object to stdout')
    .addHelpText('after', '\nExamples:\n  cryodx budget --point 50000:4.6 --point 100000:4.2 --point 200000:3.9 --target 3.2\n  cryodx budget subsets.csv\n  cryodx budget PostProcess/job030/postprocess.star:120000 PostProcess/job031/postprocess.star:240000\n  cryodx budget --from-postprocess PostProcess/job031/postprocess.star --particles 240000')
    .action(async (inputs: string[], opts: BudgetFlags) => {
      const points: BudgetPoint[] = [];
      for (const p of opts.point) points.push(parsePoint(p));
      for (const input of inputs) points.push(...(await readPoints(input)));
      let fit: BudgetFit | null = null;
      if (points.length > 0) fit = fitBudget(points, opts.target !== undefined ? { targetA: opts.target } : {});
      let single: SingleMapBudget | null = null;
      if (opts.fromPostprocess) {
        const { bfactorA2, resolutionA } = bfactorFromStar(readStar(await readInput(opts.fromPostprocess), { source: opts.fromPostprocess }));
        single = singleMapBudget(bfactorA2, resolutionA, opts.particles ?? null, opts.target !== undefined ? [opts.target] : undefined);
      } else if (opts.bfactor !== undefined) {
        if (opts.resolution === undefined) throw new InputError('--bfactor needs --resolution (the map’s current resolution in Å)');
        single = singleMapBudget(opts.bfactor, opts.resolution, opts.particles ?? null, opts.target !== undefined ? [opts.target] : undefined);
      }
      if (!fit && !single) throw new InputError('give (particles, resolution) points (--point N:d, a CSV, or postprocess.star:N files) or a B-factor (--bfactor with --resolution, or --from-postprocess)');
      if (opts.json) return printJson({ fit, singleMap: single, warnings: fit?.warnings ?? [] });
      process.stdout.write(render(fit, single) + '\n');
      fit?.warnings.forEach((w) => warn(w.message));
    });
}

function parsePoint(v: string): BudgetPoint {
  const m = /^\s*([\d.eE+]+)\s*:\s*([\d.eE+]+)\s*$/.exec(v);
  if (!m || !(Number(m[1]) > 0) || !(Number(m[2]) > 0)) throw new InputError(`--point takes N:d (particles:resolution in Å), e.g. 100000:3.8; got "${v}"`);
  return { particles: Number(m[1]), resolutionA: Number(m[2]), source: `--point ${v}` };
}

async function readPoints(input: string): Promise<BudgetPoint[]> {
  const m = /^(.*\.star):(\d+(?:\.\d+)?(?:[eE]\d+)?)$/.exec(input);
  if (m) {
    const resolutionA = resolutionFromStar(readStar(await readInput(m[1]!), { source: m[1]! }));
    return [{ particles: Number(m[2]), resolutionA, source: m[1]! }];
  }
  if (/\.star$/i.test(input)) throw new InputError(`${input}: give the particle count of that refinement as ${input}:N`);
  return readBudgetCsv(decodeText(await readInput(input)), input);
}

function render(fit: BudgetFit | null, single: SingleMapBudget | null): string {
  const out: string[] = [];
  if (fit) {
    out.push(`Fit over ${fit.points.length} refinements: 1/d² = ${fit.slope.toExponential(3)}·ln N ${fit.intercept >= 0 ? '+' : '−'} ${Math.abs(fit.intercept).toExponential(3)} (r² ${fit.r2.toFixed(3)})${fit.bfactorA2 ? `, B = 2/a = ${fit.bfactorA2.toFixed(0)} Å²` : ''}`);
    for (const p of fit.predictions) out.push(`  ${p.factor}× (${p.particles.toLocaleString('en-US')} particles): ${fmt(p.resolutionA)} Å${p.bandA[0] !== null ? ` (95 %: ${fmt(p.bandA[0])}–${fmt(p.bandA[1])} Å)` : ''}`);
    if (fit.target) out.push(`  ${fit.target.resolutionA} Å needs ${fit.target.particles !== null ? `${fit.target.particles.toLocaleString('en-US')} particles (${fmt(fit.target.factor)}× now)` : 'more particles than the fit can promise'}`);
    out.push(fit.verdict);
  }
  if (single) {
    out.push(`From B = ${single.bfactorA2.toFixed(0)} Å² at ${fmt(single.resolutionA)} Å: doubling the particles buys ${single.doublingGainA.toFixed(2)} Å.`);
    for (const t of single.targets) out.push(`  ${fmt(t.resolutionA)} Å needs ${fmt(t.factor, 3)}× the particles${t.particles !== null ? ` (${t.particles.toLocaleString('en-US')})` : ''}`);
    out.push(`  Assumes: ${single.assumptions}`);
  }
  return out.join('\n');
}
