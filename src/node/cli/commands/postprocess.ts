import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { postprocess, type BfactorChoice, type PostprocessResult } from '../../../core/analysis/postprocess/postprocess.js';
import type { Warning } from '../../../core/io/errors.js';
import { writeMrc } from '../../../core/io/mrc/write.js';
import { readMtf } from '../../../core/io/mtf.js';
import { emdbFscXml, postprocessStarTables } from '../../../core/io/relion-postprocess.js';
import { readStar } from '../../../core/io/star/read.js';
import { writeStar } from '../../../core/io/star/write.js';
import { createVolume, type Volume } from '../../../core/model/volume.js';
import { InputError, readInput, writeOutputAtomic } from '../../files.js';
import { loadMap, resolvePixelSize } from '../../maps.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';
import { addMaskOptions, maskChoice, type MaskFlags } from './fsc.js';

interface PostprocessFlags extends MaskFlags {
  angpix?: number;
  autoBfactor?: boolean;
  bfactor?: number;
  autobLowres: number;
  autobHighres: number;
  mtf?: string;
  lowPass?: string;
  randomizeAt?: number;
  json?: boolean;
  out?: string;
}

export function registerPostprocess(program: Command): void {
  const cmd = program
    .command('postprocess')
    .description('RELION-style post-processing: corrected FSC, Guinier plot and automatic B-factor, FSC-weighted sharpened map, postprocess.star')
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option('--auto-bfactor', 'fit the B-factor to the Guinier plot (default when no --bfactor)')
    .option('--bfactor <A2>', 'ad-hoc B-factor in Å² (negative sharpens)', (v) => {
      const b = Number(v);
      if (!Number.isFinite(b)) throw new InputError(`--bfactor takes a number of Å², got "${v}"`);
      return b;
    })
    .option('--autob-lowres <A>', 'lowest resolution in the B-factor fit', positiveNumber('--autob-lowres'), 10)
    .option('--autob-highres <A>', 'highest resolution in the B-factor fit (0: up to where the FSC vanishes)', (v) => Number(v), 0)
    .option('--mtf <star>', 'detector MTF (STAR with _rlnResolutionInversePixel, _rlnMtfValue)')
    .option('--low-pass <A|resolution>', 'low-pass the sharpened map at A Å, or at the FSC resolution (default: none, as RELION 3.1)')
    .option('--randomize-at <A>', 'randomise phases beyond this resolution', positiveNumber('--randomize-at'))
    .option('--json', 'print one JSON object to stdout')
    .requiredOption('--out <dir>', 'output folder: postprocess.mrc, postprocess_masked.mrc, postprocess.star, postprocess_fsc.xml, postprocess.json')
    .addHelpText('after', '\nExamples:\n  cryodx postprocess run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc --auto-bfactor --out PostProcess/\n  cryodx postprocess half1.mrc half2.mrc --auto-mask --bfactor -80 --low-pass resolution --out pp --json')
    .action(async (h1: string, h2: string, opts: PostprocessFlags) => {
      if (opts.autoBfactor && opts.bfactor !== undefined) throw new InputError('choose --auto-bfactor or --bfactor, not both');
      if (opts.mask === undefined && !opts.autoMask && opts.sphereRadius === undefined) throw new InputError('postprocess needs a mask: give --mask M or --auto-mask (or --sphere-radius A)');
      const maps = [await loadMap(h1), await loadMap(h2)];
      const px = resolvePixelSize(maps, opts.angpix);
      const { choice } = await maskChoice(opts, maps);
      const bfactor: BfactorChoice = opts.bfactor !== undefined ? { kind: 'adhoc', bfactorA2: opts.bfactor } : { kind: 'auto', lowResA: opts.autobLowres, highResA: opts.autobHighres };
      const mtf = opts.mtf ? readMtf(readStar(await readInput(opts.mtf), { source: opts.mtf })) : undefined;
      const lowPass = parseLowPass(opts.lowPass);
      const progress = terminalProgress('postprocess');
      let out;
      try {
        out = postprocess(maps[0]!.volume, maps[1]!.volume, {
          pixelSizeA: px.pixelSizeA,
          mask: choice,
          bfactor,
          ...(mtf ? { mtf } : {}),
          ...(lowPass !== undefined ? { lowPass } : {}),
          ...(opts.randomizeAt !== undefined ? { randomizeAtA: opts.randomizeAt } : {}),
        }, progress.ctx);
      } finally {
        progress.stop();
      }
      const { result } = out;
      const warnings: Warning[] = [...maps.flatMap((m) => m.warnings), ...px.warnings, ...result.warnings];
      result.warnings = warnings;
      const dir = opts.out!;
      await mkdir(dir, { recursive: true });
      const inputs = [h1, h2, ...(opts.mask ? [opts.mask] : []), ...(opts.mtf ? [opts.mtf] : [])];
      const like = (data: Float32Array): Volume => {
        const v = createVolume(maps[0]!.volume.nx, maps[0]!.volume.ny, maps[0]!.volume.nz, [px.pixelSizeA, px.pixelSizeA, px.pixelSizeA], data);
        v.originA = maps[0]!.volume.originA;
        return v;
      };
      const label = `cryodx postprocess: B ${result.bfactorA2.toFixed(2)} A^2, resolution ${fmt(result.resolutionA)} A`;
      await writeOutputAtomic(join(dir, 'postprocess.mrc'), writeMrc(like(out.sharpened), { labels: [label] }), inputs);
      if (out.maskedSharpened) await writeOutputAtomic(join(dir, 'postprocess_masked.mrc'), writeMrc(like(out.maskedSharpened), { labels: [label + ', masked'] }), inputs);
      if (out.autoMask) await writeOutputAtomic(join(dir, 'postprocess_automask.mrc'), writeMrc(like(out.autoMask.mask)), inputs);
      const maskName = opts.mask ?? (out.autoMask ? join(dir, 'postprocess_automask.mrc') : null);
      await writeOutputAtomic(join(dir, 'postprocess.star'), writeStar(postprocessStarTables(result, { half1: h1, half2: h2, maskName })), inputs);
      await writeOutputAtomic(join(dir, 'postprocess_fsc.xml'), emdbFscXml({ ...result.fsc, shells: result.shells, warnings: [] }, 'cryodx masked-corrected FSC'), inputs);
      await writeOutputAtomic(join(dir, 'postprocess.json'), JSON.stringify(result, null, 1), inputs);
      if (opts.json) return printJson(result);
      process.stdout.write(summary(result, dir) + '\n');
      warnings.forEach((w) => warn(w.message));
    });
}

function parseLowPass(v: string | undefined): number | 'resolution' | undefined {
  if (v === undefined) return undefined;
  if (v === 'resolution') return 'resolution';
  const a = Number(v);
  if (a < 0) return 'resolution';
  if (!(a > 0)) throw new InputError(`--low-pass takes a resolution in Å or "resolution", got "${v}"`);
  return a;
}

function summary(r: PostprocessResult, dir: string): string {
  const g = r.guinier;
  return [
    `Resolution ${fmt(r.resolutionA)} Å (corrected FSC = 0.143), phases randomised beyond ${fmt(r.randomizeFromA)} Å`,
    r.bfactorFrom === 'auto' && g
      ? `B-factor ${r.bfactorA2.toFixed(2)} Å² from the Guinier fit ${g.fitRangeA ? `${fmt(g.fitRangeA[0])}–${fmt(g.fitRangeA[1])} Å` : ''} (slope ${g.slope.toFixed(3)}, intercept ${g.intercept.toFixed(3)}, r² ${g.r2.toFixed(3)}, ${g.points} shells)`
      : `B-factor ${r.bfactorA2.toFixed(2)} Å² (${r.bfactorFrom})`,
    `Low-pass: ${r.lowPassA ? `${fmt(r.lowPassA)} Å` : 'none (FSC weighting only, as RELION 3.1)'}`,
    `Wrote ${join(dir, 'postprocess.mrc')}, postprocess_masked.mrc, postprocess.star, postprocess_fsc.xml, postprocess.json`,
  ].join('\n');
}
