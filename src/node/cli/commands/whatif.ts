import type { Command } from 'commander';
import { whatifJob, type WhatifResult } from '../../../core/app/jobs/whatif.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { withParticleEngine } from '../../reconstruct/engine.js';
import { fmt, printJson, warn } from '../output.js';
import { addMaskOptions, inputPaths, maskSpec, num, positiveNumber, type MaskFlags } from '../options.js';
import { RLN } from '../../../core/io/star/labels.js';

interface WhatifFlags extends MaskFlags {
  sym: string;
  ctf?: string;
  motion?: string;
  classes?: string;
  exclude: string[];
  metadata: boolean;
  controls: number;
  seed: number;
  reslog?: string;
  maps?: boolean;
  pad: number;
  angpix?: number;
  projectDir?: string;
  json?: boolean;
  out?: string;
}

export function registerWhatif(program: Command): void {
  const cmd = program
    .command('whatif')
    .description(
      'What each fix buys, measured: half maps rebuilt without each group of particles a finding flags (and ' +
        'without as many random particles, the control); harmful / neutral / useful, with the spread that decides it',
    )
    .argument('<particles>', 'particle STAR (RELION 3.0–5) or cryoSPARC .cs with angles, CTF and half sets')
    .option('--sym <S>', 'point-group symmetry (C1, Cn, Dn, T, O, I) in RELION’s conventions', 'C1')
    .option('--ctf <star>', 'micrographs_ctf.star: unreliable fits, fits coarser than the map, thick ice')
    .option('--motion <star>', 'corrected_micrographs.star: motion outliers')
    .option('--classes <star>', `a classification’s particle STAR (${RLN.classNumber}): one group per class`)
    .option(
      '--exclude <rule>',
      `a group of your own, e.g. '${RLN.defocusU}>25000' or '${RLN.opticsGroup}==2'; repeat`,
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--no-metadata', 'no groups from the particle STAR’s own columns (defocus, astigmatism, optics, pMax)')
    .option(
      '--controls <n>',
      'random-removal draws per group',
      num('--controls', { integer: true, min: 2, max: 20 }),
      3,
    )
    .option('--seed <n>', 'seed of the random controls', num('--seed', { integer: true, min: 0 }), 1)
    .option('--reslog <json>', 'reslog.json of the same particles: its slope projects results to the full count')
    .option('--maps', 'with --out: write the full and each what-if map and whatif.cxc (ChimeraX) to compare them')
    .option('--pad <n>', 'padding factor of the Fourier grid (RELION --pad)', positiveNumber('--pad'), 2)
    .option('--angpix <A>', 'pixel size of the images in Å (overrides the optics table)', positiveNumber('--angpix'))
    .option('--project-dir <dir>', 'folder the image paths are relative to (RELION project; cryoSPARC project)');
  addMaskOptions(cmd)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'write whatif.json (and with --maps the maps and whatif.cxc) here')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx whatif Refine3D/job029/run_data.star --auto-mask ' +
        '--ctf CtfFind/job003/micrographs_ctf.star ' +
        '--motion MotionCorr/job002/corrected_micrographs.star --out whatif/\n' +
        `  cryodx whatif run_data.star --mask mask.mrc --exclude '${RLN.defocusU}>25000' ` +
        '--reslog reslog/reslog.json --json',
    )
    .action(async (particlesPath: string, opts: WhatifFlags) => {
      const [particles, mask, ctf, motion, classes, reslog] = await Promise.all([
        readNamed(particlesPath),
        maskSpec(opts),
        readNamedOptional(opts.ctf),
        readNamedOptional(opts.motion),
        readNamedOptional(opts.classes),
        readNamedOptional(opts.reslog),
      ]);
      const { value: job } = await withParticleEngine(particlesPath, opts.projectDir, 'What-if', (e) =>
        whatifJob(
          {
            particles,
            ...e.input,
            symmetry: opts.sym,
            mask: mask ?? { kind: 'none' },
            ...(ctf ? { ctf } : {}),
            ...(motion ? { motion } : {}),
            ...(classes ? { classes } : {}),
            ...(reslog ? { reslog } : {}),
            exclude: opts.exclude,
            metadataGroups: opts.metadata,
            controls: opts.controls,
            seed: opts.seed,
            pad: opts.pad,
            pixelSizeA: opts.angpix ?? null,
            writeMaps: !!opts.maps && !!opts.out,
          },
          e.progress,
          e.compute,
        ),
      );
      const inputs = inputPaths(particlesPath, opts.mask, opts.ctf, opts.motion, opts.classes, opts.reslog);
      if (opts.out) await writeOutputs(opts.out, job.outputs, inputs);
      if (opts.json) return printJson(job.result);
      process.stdout.write(summary(job.result, opts.out) + '\n');
      job.warnings.forEach((w) => warn(w.message));
    });
}

function summary(r: WhatifResult, out: string | undefined): string {
  const d = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
  const lines = [
    `All ${r.full.particles} particles: ${d(r.full.resolutionInterpolatedA)} Å` +
      (r.full.bfactorA2 !== null ? `, B ${r.full.bfactorA2.toFixed(0)} Å²` : '') +
      ` (box ${r.boxSize} px at ${fmt(r.pixelSizeA)} Å, ${r.symmetry}; ${r.controls} random controls per group)`,
    '  group                                     particles   without   control (± sd)   effect   verdict',
    ...r.groups.map(
      (g) =>
        `  ${g.name.slice(0, 40).padEnd(40)}  ${`${g.particles} (${(100 * g.fraction).toFixed(0)} %)`.padStart(11)}  ` +
        `${d(g.resolutionWithoutA).padStart(8)}  ` +
        `${`${d(g.controlResolutionA)} ± ${d(g.controlSpreadA)}`.padStart(15)}  ` +
        `${(g.effectA === null ? '—' : (g.effectA > 0 ? '+' : '') + g.effectA.toFixed(2)).padStart(7)}   ${g.verdict}`,
    ),
    'Effect: the control’s resolution minus the map’s without the group (Å); positive = leaving the group out helps.',
  ];
  if (r.reach.length) {
    lines.push('Within reach:');
    for (const x of r.reach)
      lines.push(
        `  ${x.what}: ` +
          (x.resolutionA === null
            ? 'beyond the last shell the maps hold (a finer pixel first)'
            : `${d(x.resolutionA)} Å`) +
          (x.bandA && x.bandA[0] !== null && x.bandA[1] !== null ? ` (${d(x.bandA[0])}–${d(x.bandA[1])})` : '') +
          ` [${x.kind}]`,
      );
  }
  if (out) lines.push(`Wrote whatif.json into ${out}/`);
  return lines.join('\n');
}
