import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { computeFsc } from '../../../core/analysis/fsc/suite.js';
import { localResolution, type LocresMethod } from '../../../core/analysis/locres/locres.js';
import { readLocres } from '../../../core/analysis/locres/reading.js';
import type { Warning } from '../../../core/io/errors.js';
import { writeMrc } from '../../../core/io/mrc/write.js';
import { writeStar } from '../../../core/io/star/write.js';
import { createVolume } from '../../../core/model/volume.js';
import { InputError, writeOutputAtomic } from '../../files.js';
import { loadMap, resolvePixelSize } from '../../maps.js';
import { terminalProgress } from '../../progress.js';
import { fmt, printJson, warn } from '../output.js';
import { positiveNumber } from '../options.js';
import { addMaskOptions, maskChoice, type MaskFlags } from './fsc.js';

interface LocresFlags extends MaskFlags {
  angpix?: number;
  windowA?: string;
  stepA?: number;
  method: string;
  json?: boolean;
  out?: string;
}

export function registerLocres(program: Command): void {
  const cmd = program
    .command('locres')
    .description('local resolution (RELION --locres or blocres style), its distribution, the core-vs-periphery gradient and the regions markedly worse than the rest')
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option('--window-a <A|auto>', 'outer diameter of the soft spherical window in Å (auto: RELION 75 Å; blocres 6× the resolution)', 'auto')
    .option('--step-a <A>', 'distance between sample points in Å (default: window / 3, RELION 25 Å)', positiveNumber('--step-a'))
    .option('--method <relion|blocres>', 'relion: phase-randomisation corrected FSC per window; blocres: larger window, no randomisation', 'relion')
    .option('--json', 'print one JSON object to stdout')
    .requiredOption('--out <dir>', 'output folder: locres.mrc, locres_filtered.mrc, locres_points.star, locres.json')
    .addHelpText('after', '\nExamples:\n  cryodx locres run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc --out LocalRes/\n  cryodx locres half1.mrc half2.mrc --auto-mask --method blocres --out locres --json')
    .action(async (h1: string, h2: string, opts: LocresFlags) => {
      if (opts.method !== 'relion' && opts.method !== 'blocres') throw new InputError(`--method takes relion or blocres, got "${opts.method}"`);
      const maps = [await loadMap(h1), await loadMap(h2)];
      const px = resolvePixelSize(maps, opts.angpix);
      const { choice } = await maskChoice(opts, maps);
      const progress = terminalProgress('local resolution');
      let fsc, lr;
      try {
        fsc = computeFsc(maps[0]!.volume, maps[1]!.volume, { pixelSizeA: px.pixelSizeA, mask: choice });
        const windowA = opts.windowA === undefined || opts.windowA === 'auto' ? undefined : Number(opts.windowA);
        if (windowA !== undefined && !(windowA > 0)) throw new InputError(`--window-a takes a diameter in Å or "auto", got "${opts.windowA}"`);
        lr = localResolution(maps[0]!.volume, maps[1]!.volume, {
          pixelSizeA: px.pixelSizeA,
          method: opts.method as LocresMethod,
          ...(windowA !== undefined ? { windowRadiusA: windowA / 6, edgeA: windowA / 3, stepA: opts.stepA ?? windowA / 3 } : opts.stepA !== undefined ? { stepA: opts.stepA } : {}),
        }, fsc.result.resolutionA, progress.ctx);
      } finally {
        progress.stop();
      }
      const n = maps[0]!.volume.nx;
      const reading = readLocres(lr.locres, n, px.pixelSizeA, fsc.mask, fsc.result.resolutionA);
      const warnings: Warning[] = [...maps.flatMap((m) => m.warnings), ...px.warnings, ...lr.warnings, ...reading.warnings];
      const result = { ...reading, windowA: lr.windowA, stepA: lr.stepA, method: lr.method, randomizeAtA: lr.randomizeAtA, points: lr.points.map((p) => ({ x: p.x, y: p.y, z: p.z, resolutionA: p.resolutionA })), warnings };
      const dir = opts.out!;
      await mkdir(dir, { recursive: true });
      const inputs = [h1, h2, ...(opts.mask ? [opts.mask] : [])];
      const vol = (d: Float32Array) => {
        const v = createVolume(n, n, n, [px.pixelSizeA, px.pixelSizeA, px.pixelSizeA], d);
        v.originA = maps[0]!.volume.originA;
        return v;
      };
      await writeOutputAtomic(join(dir, 'locres.mrc'), writeMrc(vol(lr.locres), { labels: [`cryodx locres (${lr.method}): local resolution in A, window ${lr.windowA.toFixed(1)} A`] }), inputs);
      await writeOutputAtomic(join(dir, 'locres_filtered.mrc'), writeMrc(vol(lr.filtered), { labels: ['cryodx locres: locally filtered average'] }), inputs);
      await writeOutputAtomic(join(dir, 'locres_points.star'), writeStar([{ name: 'locres', loop: { columns: ['rlnCoordinateX', 'rlnCoordinateY', 'rlnCoordinateZ', 'rlnLocalResolution'], values: [lr.points.map((p) => p.x), lr.points.map((p) => p.y), lr.points.map((p) => p.z), lr.points.map((p) => p.resolutionA)] } }]), inputs);
      await writeOutputAtomic(join(dir, 'locres.json'), JSON.stringify(result, null, 1), inputs);
      if (opts.json) return printJson(result);
      process.stdout.write([
        `Local resolution (${lr.method}, window ${fmt(lr.windowA)} Å every ${fmt(lr.stepA)} Å, ${lr.points.length} points) within the ${fsc.mask ? 'mask' : 'sampled region'}:`,
        `  median ${fmt(reading.medianA)} Å (5 %: ${fmt(reading.percentilesA.p5)} Å, 95 %: ${fmt(reading.percentilesA.p95)} Å); global FSC ${fmt(reading.globalResolutionA)} Å`,
        `  core ${fmt(reading.coreA)} Å, periphery ${fmt(reading.peripheryA)} Å`,
        ...reading.regions.slice(0, 5).map((r) => `  worse region: ${fmt(r.medianA)} Å over ${(r.volumeA3 / 1000).toFixed(1)} nm³ at (${r.centroidA.map((c) => c.toFixed(0)).join(', ')}) Å`),
        `Wrote ${join(dir, 'locres.mrc')} (colour the sharpened map with it in ChimeraX), locres_filtered.mrc, locres_points.star, locres.json`,
      ].join('\n') + '\n');
      warnings.forEach((w) => warn(w.message));
    });
}
