import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NamedBytes } from '../../core/app/job.js';
import type { MaskSpec } from '../../core/app/inputs/maps.js';
import { reportInput } from '../../core/app/report/input.js';
import type { Warning } from '../../core/errors.js';
import { RLN } from '../../core/io/star/labels.js';
import { readStar } from '../../core/io/star/read.js';
import type { InputUse } from '../../core/report/report.js';
import { InputError } from '../files.js';
import { readNamed, readNamedOptional } from '../job-io.js';
import { projectSource } from '../project.js';
import { maskSpec, type MaskFlags } from '../cli/options.js';
import { VERSION } from '../cli/version.js';

/** The flags reslog and whatif share to name their inputs. */
export interface ParticleFlags extends MaskFlags {
  sym?: string;
  project?: string;
  projectDir?: string;
}

/** A flag and its value as typed again for a staged run's tasks (nothing when not given). */
export function flagArgs(name: string, v: string | number | undefined): string[] {
  return v === undefined ? [] : [name, String(v)];
}

/** The particle, project and mask flags as a staged run passes them on to its tasks. */
export function particleFlagArgs(o: ParticleFlags): string[] {
  return [
    ...flagArgs('--sym', o.sym),
    ...flagArgs('--project', o.project),
    ...flagArgs('--project-dir', o.projectDir),
    ...flagArgs('--mask', o.mask),
    ...(o.autoMask ? ['--auto-mask'] : []),
    ...flagArgs('--mask-threshold', o.maskThreshold),
    ...flagArgs('--sphere-radius', o.sphereRadius),
    ...(o.sphereRadius !== undefined ? flagArgs('--sphere-edge', o.sphereEdge) : []),
  ];
}

/** whatif's per-micrograph and classification files (reslog reads none). */
export interface MicrographFlags {
  ctf?: string;
  motion?: string;
  classes?: string;
}

/** What a rebuild from particles reads, found from the flags and, with --project, from the project. */
export interface ParticleInputs {
  particles: NamedBytes;
  /** The particle STAR's path (the image paths' last fallback: its folder) and the folder they are relative to. */
  particlesPath: string;
  projectDir: string | undefined;
  /** The flag that named projectDir (for the message when a stack is missing). */
  projectFlag: string;
  mask: MaskSpec;
  symmetry: string;
  ctf?: NamedBytes;
  motion?: NamedBytes;
  classes?: NamedBytes;
  /** Every file read (never overwritten by an output). */
  paths: string[];
  /** With --project: which file was used for each role, and the project's notes. */
  used: InputUse[];
  notes: Warning[];
}

/**
 * The inputs of reslog / whatif. With --project DIR the refinement's particle STAR, its mask (the one RELION
 * post-processed it with, else the latest MaskCreate), micrographs_ctf.star, corrected_micrographs.star and the
 * latest classification's particles are found as `report --project` finds them (reportInput); a file or mask flag
 * given wins; image paths are relative to the project. No mask given or found: the automatic mask, said so.
 */
export async function particleInputs(
  particlesArg: string | undefined,
  opts: ParticleFlags,
  micrographs: MicrographFlags | null,
): Promise<ParticleInputs> {
  const m = micrographs ?? {};
  const [given, mask, ctf, motion, classes] = await Promise.all([
    particlesArg ? readNamed(particlesArg) : undefined,
    maskSpec(opts),
    readNamedOptional(m.ctf),
    readNamedOptional(m.motion),
    readNamedOptional(m.classes),
  ]);
  const roles = { micrographs: micrographs !== null };
  const explicitPaths = [particlesArg, opts.mask, m.ctf, m.motion, m.classes].filter(
    (p): p is string => typeof p === 'string',
  );
  if (!opts.project) {
    if (!given || !particlesArg) throw new InputError('give the particle STAR (or .cs), or --project DIR');
    return {
      particles: given,
      particlesPath: particlesArg,
      projectDir: opts.projectDir,
      projectFlag: '--project-dir',
      mask: mask ?? { kind: 'none' },
      symmetry: (opts.sym ?? 'C1').toUpperCase(),
      ...(ctf ? { ctf } : {}),
      ...(motion ? { motion } : {}),
      ...(classes ? { classes } : {}),
      paths: explicitPaths,
      used: [],
      notes: [],
    };
  }
  const root = resolve(opts.project);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(
      `--project ${opts.project}: give the project's folder (the particle images are read from it; a zip is not)`,
    );
  const found = await reportInput({
    files: {
      ...(given ? { particles: given } : {}),
      ...(mask?.kind === 'user' ? { mask: mask.file } : {}),
      ...(ctf ? { ctf: [ctf] } : {}),
      ...(motion ? { motion: [motion] } : {}),
      ...(classes ? { classes: [classes] } : {}),
    },
    options: {
      ...(opts.sym !== undefined ? { symmetry: opts.sym } : {}),
      ...(mask && mask.kind !== 'user' ? { maskChoice: mask } : {}),
    },
    project: await projectSource(root),
    version: VERSION,
  });
  if (!found.particles)
    throw new InputError(
      `--project ${opts.project}: no refinement's particles found (Refine3D run_data.star, or a cryoSPARC ` +
        'refinement’s particles); give the particle file',
    );
  const inProject = (f: NamedBytes): string => (f === given ? particlesArg! : join(root, f.name));
  const notes: Warning[] = [...(found.project?.notes ?? [])];
  let useMask = found.mask;
  if (!useMask) {
    useMask = { kind: 'auto' };
    notes.push({
      code: 'project-auto-mask',
      message: 'no mask given and none in the project (PostProcess or MaskCreate): the automatic mask is used',
    });
  }
  const classesStar = roles.micrographs ? (classes ?? classificationParticles(found.classes ?? [])) : undefined;
  const ctfStar = roles.micrographs ? found.ctf?.[0] : undefined;
  const motionStar = roles.micrographs ? found.motion?.[0] : undefined;
  return {
    particles: found.particles,
    particlesPath: inProject(found.particles),
    projectDir: opts.projectDir ?? root,
    projectFlag: opts.projectDir ? '--project-dir' : '--project',
    mask: useMask,
    symmetry: (found.symmetry ?? 'C1').toUpperCase(),
    ...(ctfStar ? { ctf: ctfStar } : {}),
    ...(motionStar ? { motion: motionStar } : {}),
    ...(classesStar ? { classes: classesStar } : {}),
    paths: [...explicitPaths, inProject(found.particles)],
    used: usedFiles(found.project?.used ?? [], roles.micrographs, classes ? null : (classesStar ?? null)),
    notes,
  };
}

/** The project's files this command reads: the particles, the mask and (whatif) CTF, motion and the classes' STAR. */
function usedFiles(used: InputUse[], micrographs: boolean, classes: NamedBytes | null): InputUse[] {
  const roles = ['particles', 'mask', ...(micrographs ? ['ctf', 'motion'] : [])];
  const out = used.filter((u) => roles.includes(u.role));
  const job = used.find((u) => u.role === 'classes')?.job ?? null;
  if (micrographs && classes) out.push({ role: 'classes', file: classes.name, job, note: 'its last iteration' });
  return out;
}

/** Of a classification's files, the particle STAR of its last iteration (the one with class numbers). */
function classificationParticles(files: NamedBytes[]): NamedBytes | undefined {
  const data = files.filter((f) => /_data\.star$/.test(f.name) || /particles\.star$/.test(f.name));
  const it = (f: NamedBytes): number => Number(/_it(\d+)_data\.star$/.exec(f.name)?.[1] ?? -1);
  return data
    .sort((a, b) => it(b) - it(a))
    .find((f) => {
      const doc = readStar(f.bytes, { source: f.name });
      return doc.blocks.some((b) => b.loop?.has(RLN.classNumber) && b.loop.has(RLN.imageName));
    });
}
