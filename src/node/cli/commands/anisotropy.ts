import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { anisotropy } from '../../../core/analysis/anisotropy/anisotropy.js';
import { autoMask } from '../../../core/analysis/masks/masks.js';
import { sphericalMask, validateMask } from '../../../core/analysis/masks/masks.js';
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

interface AnisotropyFlags extends MaskFlags {
  angpix?: number;
  coneAngle: number;
  directions: number;
  json?: boolean;
  out?: string;
}

export function registerAnisotropy(program: Command): void {
  const cmd = program
    .command('anisotropy')
    .description('directional resolution from the half maps: conical FSCs (3DFSC), sphericity, cFAR and the 3D FSC volume')
    .argument('<half1>', 'first half map (MRC)')
    .argument('<half2>', 'second half map (MRC)');
  addMaskOptions(cmd)
    .option('--angpix <A>', 'pixel size in Å (overrides the header)', positiveNumber('--angpix'))
    .option('--cone-angle <deg>', 'half-angle of each cone (3DFSC: 20)', positiveNumber('--cone-angle'), 20)
    .option('--directions <n>', 'number of cone axes on the hemisphere', (v) => {
      const n = Number.parseInt(v, 10);
      if (!(n >= 10 && n <= 20000)) throw new InputError(`--directions takes a number from 10 to 20000, got "${v}"`);
      return n;
    }, 500)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write 3dfsc.mrc (the 3D FSC volume), directions.star (axis and resolution) and anisotropy.json')
    .addHelpText('after', '\nExamples:\n  cryodx anisotropy run_half1_class001_unfil.mrc run_half2_class001_unfil.mrc --mask mask.mrc --out 3DFSC/\n  cryodx anisotropy half1.mrc half2.mrc --auto-mask --cone-angle 20 --directions 1000 --json')
    .action(async (h1: string, h2: string, opts: AnisotropyFlags) => {
      const maps = [await loadMap(h1), await loadMap(h2)];
      const px = resolvePixelSize(maps, opts.angpix);
      const { choice } = await maskChoice(opts, maps);
      const v = maps[0]!.volume;
      const warnings: Warning[] = [...maps.flatMap((m) => m.warnings), ...px.warnings];
      let mask: Float32Array | null = null;
      if (choice.kind === 'user') {
        warnings.push(...validateMask(choice.mask, v, px.pixelSizeA, choice.source));
        mask = choice.mask.data;
      } else if (choice.kind === 'sphere') mask = sphericalMask(v.nx, v.ny, v.nz, px.pixelSizeA, choice.radiusA, choice.edgeA ?? 10);
      else if (choice.kind === 'auto') mask = autoMask(v.data.map((x, i) => 0.5 * (x + maps[1]!.volume.data[i]!)), v.nx, v.ny, v.nz, px.pixelSizeA, choice.threshold !== undefined ? { threshold: choice.threshold } : {}).mask;
      if (v.nx !== v.ny || v.nx !== v.nz || maps[1]!.volume.nx !== v.nx) throw new InputError('half maps must be cubic and of the same size');
      const progress = terminalProgress('anisotropy');
      let out;
      try {
        out = anisotropy(v, maps[1]!.volume, { pixelSizeA: px.pixelSizeA, coneAngleDeg: opts.coneAngle, directions: opts.directions, mask }, progress.ctx);
      } finally {
        progress.stop();
      }
      const r = out.result;
      const json = { sphericity: r.sphericity, cfar: r.cfar, directionalResolutionA: r.directionalResolutionA, bestDirection: r.bestDirection, worstDirection: r.worstDirection, globalResolutionA: r.globalResolutionA, coneAngleDeg: r.coneAngleDeg, directions: r.directions.map((d) => ({ x: d.x, y: d.y, z: d.z, resolutionA: d.resolutionA })), warnings: [...warnings, ...r.warnings] };
      if (opts.out) {
        await mkdir(opts.out, { recursive: true });
        const inputs = [h1, h2, ...(opts.mask ? [opts.mask] : [])];
        const fscVol = createVolume(v.nx, v.ny, v.nz, [1 / (v.nx * px.pixelSizeA), 1 / (v.nx * px.pixelSizeA), 1 / (v.nx * px.pixelSizeA)], out.fsc3d);
        await writeOutputAtomic(join(opts.out, '3dfsc.mrc'), writeMrc(fscVol, { labels: ['cryodx 3D FSC: voxel = conical FSC of its nearest axis; voxel size in 1/A'] }), inputs);
        const d = r.directions;
        await writeOutputAtomic(join(opts.out, 'directions.star'), writeStar([{ name: 'directions', loop: { columns: ['cryodxAxisX', 'cryodxAxisY', 'cryodxAxisZ', 'rlnAngstromResolution'], values: [d.map((x) => x.x), d.map((x) => x.y), d.map((x) => x.z), d.map((x) => x.resolutionA ?? 999)] } }]), inputs);
        await writeOutputAtomic(join(opts.out, 'anisotropy.json'), JSON.stringify(json, null, 1), inputs);
      }
      if (opts.json) return printJson(json);
      const dir = (a: [number, number, number]): string => `(${a.map((c) => c.toFixed(2)).join(', ')})`;
      process.stdout.write([
        `Sphericity ${r.sphericity.toFixed(3)} (3DFSC: < 0.85 suggests preferred orientation); cFAR ${r.cfar.toFixed(2)} (cryoSPARC: < 0.5 is anisotropic)`,
        `Directional resolution over ${r.directions.length} cones of ${r.coneAngleDeg}°: best ${fmt(r.directionalResolutionA.best)} Å along ${dir(r.bestDirection)}, worst ${fmt(r.directionalResolutionA.worst)} Å along ${dir(r.worstDirection)}, median ${fmt(r.directionalResolutionA.median)} Å; global ${fmt(r.globalResolutionA)} Å`,
      ].join('\n') + '\n');
      json.warnings.forEach((w) => warn(w.message));
    });
}
