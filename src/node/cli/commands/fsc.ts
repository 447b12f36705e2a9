import type { Command } from 'commander';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { computeFsc, type FscResult, type MaskChoice } from '../../../core/analysis/fsc/suite.js';
import type { Warning } from '../../../core/io/errors.js';
import { writeMrc } from '../../../core/io/mrc/write.js';
import { emdbFscXml, fscStarTables } from '../../../core/io/relion-postprocess.js';
import { writeStar } from '../../../core/io/star/write.js';
import { createVolume } from '../../../core/model/volume.js';
import { InputError, writeOutputAtomic } from '../../files.js';
import { loadMap, resolvePixelSize, type LoadedMap } from '../../maps.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { COLORS, plotCurves } from '../plot.js';
import { positiveNumber } from '../options.js';

export interface MaskFlags {
  mask?: string;
  autoMask?: boolean;
  sphereRadius?: number;
  sphereEdge?: number;
  maskThreshold?: number;
}

export function addMaskOptions(cmd: Command): Command {
  return cmd
    .option('--mask <file>', 'soft mask on the half maps’ grid, values in [0, 1]')
    .option('--auto-mask', 'make a RELION-like soft mask from the data (low-pass 15 Å, threshold, extend 3 px, 6 px soft edge)')
    .option('--mask-threshold <value>', 'threshold for --auto-mask instead of the data-driven one', positiveNumber('--mask-threshold'))
    .option('--sphere-radius <A>', 'spherical soft mask of this radius (Å)', positiveNumber('--sphere-radius'))
    .option('--sphere-edge <A>', 'soft edge of the spherical mask (Å)', positiveNumber('--sphere-edge'), 10);
}

export async function maskChoice(flags: MaskFlags, inputs: LoadedMap[]): Promise<{ choice: MaskChoice; loaded: LoadedMap | null }> {
  const given = [flags.mask !== undefined, !!flags.autoMask, flags.sphereRadius !== undefined].filter(Boolean).length;
  if (given > 1) throw new InputError('choose one of --mask, --auto-mask and --sphere-radius');
  if (flags.mask) {
    const loaded = await loadMap(flags.mask);
    void inputs;
    return { choice: { kind: 'user', mask: loaded.volume, source: flags.mask }, loaded };
  }
  if (flags.autoMask) return { choice: { kind: 'auto', ...(flags.maskThreshold !== undefined ? { threshold: flags.maskThreshold } : {}) }, loaded: null };
  if (flags.sphereRadius !== undefined) return { choice: { kind: 'sphere', radiusA: flags.sphereRadius, edgeA: flags.sphereEdge ?? 10 }, loaded: null };
  return { choice: { kind: 'none' }, loaded: null };
}

interface FscFlags extends MaskFlags {
  angpix?: number;
  mw?: number;
  randomizeAt?: number;
  seed?: number;
  json?: boolean;
  out?: string;
}

export function registerFsc(program: Command): void {
  const cmd = program
    .command('fsc')
    .description('Fourier shell correlation of two half maps: unmasked, masked, phase-randomisation corrected, with every criterion and the warnings a careful user wants')
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option('--mw <kDa>', 'molecular weight for cisTEM’s Part_FSC curve', positiveNumber('--mw'))
    .option('--randomize-at <A>', 'randomise phases beyond this resolution instead of where the unmasked FSC < 0.8', positiveNumber('--randomize-at'))
    .option('--seed <n>', 'seed of the phase randomisation', (v) => Number.parseInt(v, 10), 20131)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write fsc.star (RELION postprocess columns), fsc.xml (EMDB), fsc.json and the automatic mask')
    .addHelpText('after', '\nExamples:\n  cryodx fsc run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc\n  cryodx fsc half1.mrc half2.mrc --auto-mask --angpix 1.06 --out fsc/ --json')
    .action(async (h1: string, h2: string, opts: FscFlags) => {
      const maps = [await loadMap(h1), await loadMap(h2)];
      const px = resolvePixelSize(maps, opts.angpix);
      const { choice } = await maskChoice(opts, maps);
      const progress = terminalProgress('FSC');
      let computed;
      try {
        computed = computeFsc(maps[0]!.volume, maps[1]!.volume, {
          pixelSizeA: px.pixelSizeA,
          mask: choice,
          ...(opts.randomizeAt !== undefined ? { randomizeAtA: opts.randomizeAt } : {}),
          ...(opts.mw !== undefined ? { mwKDa: opts.mw } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        }, progress.ctx);
      } finally {
        progress.stop();
      }
      const { result, autoMask } = computed;
      const warnings: Warning[] = [...maps.flatMap((m) => m.warnings), ...px.warnings, ...result.warnings];
      result.warnings = warnings;
      if (opts.out) {
        await mkdir(opts.out, { recursive: true });
        const inputs = [h1, h2, ...(opts.mask ? [opts.mask] : [])];
        const maskName = opts.mask ?? (autoMask ? join(opts.out, 'auto_mask.mrc') : null);
        await writeOutputAtomic(join(opts.out, 'fsc.star'), writeStar(fscStarTables(result, { half1: h1, half2: h2, maskName })), inputs);
        await writeOutputAtomic(join(opts.out, 'fsc.xml'), emdbFscXml(result, `cryodx ${result.mask ? 'masked-corrected' : 'unmasked'} FSC`), inputs);
        await writeOutputAtomic(join(opts.out, 'fsc.json'), JSON.stringify(result, null, 1), inputs);
        if (autoMask) {
          const v = maps[0]!.volume;
          const mv = createVolume(v.nx, v.ny, v.nz, [px.pixelSizeA, px.pixelSizeA, px.pixelSizeA], autoMask.mask);
          mv.originA = v.originA;
          await writeOutputAtomic(join(opts.out, 'auto_mask.mrc'), writeMrc(mv, { labels: [`cryodx auto-mask: lowpass ${autoMask.lowPassA} A, threshold ${autoMask.threshold.toPrecision(4)}, extend ${autoMask.extendPx} px, soft edge ${autoMask.softEdgePx} px`] }), inputs);
        }
      }
      if (opts.json) return printJson(result);
      process.stdout.write(summary(result) + '\n');
      warnings.forEach((w) => warn(w.message));
    });
}

function summary(r: FscResult): string {
  const s = r.shells;
  const c = r.crossings[r.shells[0]!.fscCorrected !== null ? 'fscCorrected' : 'fscUnmasked']!;
  const lines = [
    `Resolution ${fmt(r.resolutionA)} Å (${r.criterion}); interpolated ${fmt(r.resolutionInterpolatedA)} Å`,
    `Pixel ${fmt(r.pixelSizeA)} Å, box ${r.boxSize}${r.mask ? `, mask: ${r.mask.source} (${(100 * r.mask.volumeFraction).toFixed(1)} % of the box)` : ', no mask'}${r.randomizeFromA ? `, phases randomised beyond ${fmt(r.randomizeFromA)} Å` : ''}`,
    `Criteria: 0.5 → ${fmt(c['0.5'].resolutionA)} Å, half-bit → ${fmt(c['half-bit'].resolutionA)} Å, one-bit → ${fmt(c['one-bit'].resolutionA)} Å, 3σ → ${fmt(c['3sigma'].resolutionA)} Å`,
    `Curve shape: ${r.shape.kind}. ${r.shape.meaning}`,
    '',
    plotCurves(
      [
        { name: 'unmasked', values: s.map((x) => x.fscUnmasked), color: COLORS.unmasked },
        ...(r.mask ? [{ name: 'masked', values: s.map((x) => x.fscMasked), color: COLORS.masked }, { name: 'corrected', values: s.map((x) => x.fscCorrected), color: COLORS.corrected }, { name: 'phase-randomised', values: s.map((x) => x.fscPhaseRandomized), color: COLORS.random }] : []),
      ],
      r.boxSize * r.pixelSizeA,
    ),
  ];
  return lines.join('\n');
}
