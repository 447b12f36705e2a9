import type { Command } from 'commander';
import { budgetJob, type BudgetFit, type SingleMapBudget } from '../../../core/app/jobs/budget.js';
import { InputError } from '../../files.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { fmt, printJson, warn } from '../output.js';
import { finiteNumber, inputPaths, num, positiveNumber } from '../options.js';

interface BudgetFlags {
  angpix?: number;
  point: string[];
  targetA?: number;
  target?: number;
  bfactor?: number;
  resolutionA?: number;
  resolution?: number;
  particleCount?: number;
  particles?: number;
  fromPostprocess?: string;
  json?: boolean;
  out?: string;
}

export function registerBudget(program: Command): void {
  program
    .command('budget')
    .description(
      'Rosenthal–Henderson particle budget: fit 1/d² = a·ln N + b to refinements of different sizes, predict what ' +
        'more particles buy, and say when the data are not particle-limited',
    )
    .argument(
      '[inputs...]',
      'CSV files (particles, resolution) and RELION postprocess.star / run_model.star files as FILE:N (N = ' +
        'particles in that refinement)',
    )
    .option('--point <N:d>', 'a (particles, resolution Å) point; repeat', (v: string, acc: string[]) => [...acc, v], [])
    .option('--target-a <A>', 'resolution to reach: how many particles it needs', positiveNumber('--target-a'))
    .option('--target <A>', 'old spelling of --target-a', positiveNumber('--target'))
    .option(
      '--bfactor <A2>',
      'single-map estimate from this B-factor (either sign; with --resolution-a, optional --particle-count)',
      finiteNumber('--bfactor'),
    )
    .option('--resolution-a <A>', 'current resolution for the single-map estimate', positiveNumber('--resolution-a'))
    .option('--resolution <A>', 'old spelling of --resolution-a', positiveNumber('--resolution'))
    .option(
      '--particle-count <N>',
      'particles in the current map, for the single-map estimate',
      num('--particle-count', { integer: true, min: 1 }),
    )
    .option(
      '--particles <N>',
      'old spelling of --particle-count (a count, not a file)',
      num('--particles', { integer: true, min: 1, what: 'a particle count (a whole number ≥ 1), not a file' }),
    )
    .option('--from-postprocess <star>', 'single-map estimate from a postprocess.star (its B-factor and resolution)')
    .option(
      '--angpix <A>',
      'pixel size: nothing is predicted beyond its Nyquist (default: from the postprocess.star files)',
      positiveNumber('--angpix'),
    )
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write budget.json to this folder')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx budget --point 50000:4.6 --point 100000:4.2 --point 200000:3.9 --target-a 3.2\n  ' +
        'cryodx budget subsets.csv\n  cryodx budget PostProcess/job030/postprocess.star:120000 ' +
        'PostProcess/job031/postprocess.star:240000\n  cryodx budget --from-postprocess ' +
        'PostProcess/job031/postprocess.star --particle-count 240000',
    )
    .action(async (inputs: string[], opts: BudgetFlags) => {
      const stars = inputs.filter((i) => /\.star(\.gz)?(:|$)/i.test(i));
      const csv = inputs.filter((i) => !stars.includes(i));
      const refinements = await Promise.all(
        stars.map(async (input) => {
          const m = /^(.*\.star(?:\.gz)?):(\d+(?:\.\d+)?(?:[eE]\d+)?)$/i.exec(input);
          if (!m) throw new InputError(`${input}: give the particle count of that refinement as ${input}:N`);
          return { file: await readNamed(m[1]!), particles: Number(m[2]) };
        }),
      );
      const targetA = opts.targetA ?? opts.target;
      const resolutionA = opts.resolutionA ?? opts.resolution;
      const particleCount = opts.particleCount ?? opts.particles;
      const postprocess = await readNamedOptional(opts.fromPostprocess);
      const job = budgetJob({
        points: opts.point,
        csv: await Promise.all(csv.map(readNamed)),
        refinements,
        ...(targetA !== undefined ? { targetA } : {}),
        ...(opts.bfactor !== undefined ? { bfactorA2: opts.bfactor } : {}),
        ...(resolutionA !== undefined ? { resolutionA } : {}),
        ...(particleCount !== undefined ? { particleCount } : {}),
        ...(postprocess ? { postprocess } : {}),
        ...(opts.angpix !== undefined ? { pixelSizeA: opts.angpix } : {}),
      });
      if (opts.out)
        await writeOutputs(
          opts.out,
          job.outputs,
          inputPaths(
            csv,
            stars.map((s) => s.replace(/:[^:]*$/, '')),
            opts.fromPostprocess,
          ),
        );
      if (opts.json) return printJson(job.result);
      process.stdout.write(render(job.result.fit, job.result.singleMap) + '\n');
      job.warnings.forEach((w) => warn(w.message));
    });
}

function render(fit: BudgetFit | null, single: SingleMapBudget | null): string {
  const out: string[] = [];
  if (fit) {
    const sign = fit.intercept >= 0 ? '+' : '−';
    out.push(
      `Fit over ${fit.points.length} refinements: 1/d² = ${fit.slope.toExponential(3)}·ln N ${sign} ` +
        `${Math.abs(fit.intercept).toExponential(3)} (r² ` +
        `${fit.r2.toFixed(3)})${fit.overallBfactorA2 ? `, B = 2/a = ${fit.overallBfactorA2.toFixed(0)} Å²` : ''}`,
    );
    for (const p of fit.predictions)
      out.push(
        `  ${p.factor}× (${p.particles.toLocaleString('en-US')} particles): ${fmt(p.resolutionA)} ` +
          `Å${p.bandA[0] !== null ? ` (95 %: ${fmt(p.bandA[0])}–${fmt(p.bandA[1])} Å)` : ''}`,
      );
    if (fit.target)
      out.push(
        `  ${fit.target.resolutionA} Å needs ` +
          (fit.target.particles !== null
            ? `${fit.target.particles.toLocaleString('en-US')} particles (${fmt(fit.target.factor)}× now)`
            : 'more particles than the fit can promise'),
      );
    out.push(fit.verdict);
  }
  if (single) {
    out.push(
      `From B = ${single.bfactorA2.toFixed(0)} Å² (overall fall-off ${single.overallBfactorA2.toFixed(0)} Å²) at ` +
        `${fmt(single.resolutionA)} Å: doubling the particles buys ${single.doublingGainA.toFixed(2)} Å.`,
    );
    for (const t of single.targets)
      out.push(
        `  ${fmt(t.resolutionA)} Å needs ${fmt(t.factor, 3)}× the ` +
          `particles${t.particles !== null ? ` (${t.particles.toLocaleString('en-US')})` : ''}`,
      );
    out.push(`  Assumes: ${single.assumptions}`);
  }
  return out.join('\n');
}
