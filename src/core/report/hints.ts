import type { Finding, InputKind } from '../diagnosis/finding.js';
import { ROLE_LABELS, type FileRole } from '../io/roles.js';

/**
 * "To test this, add …" as the browser app says it: the files to drop, where RELION and cryoSPARC keep them, and
 * the role they take on the page. The CLI says the same need with its flags (Finding.needs); both come from the
 * finding's input kinds, so a hint can only name roles the page offers (test: src/core/report/hints.test.ts).
 */
export const INPUT_HINTS: Record<InputKind, { roles: FileRole[]; files: string }> = {
  'half-maps': {
    roles: ['half1', 'half2'],
    files:
      'the two unfiltered half maps' +
      ' (RELION Refine3D/jobNNN/run_half1_class001_unfil.mrc and run_half2_…; cryoSPARC …_map_half_A.mrc and _B.mrc)',
  },
  particles: {
    roles: ['particles'],
    files: 'the refined particles with their angles (RELION Refine3D/jobNNN/run_data.star; cryoSPARC …_particles.cs)',
  },
  ctf: {
    roles: ['ctf'],
    files:
      'the micrographs’ CTF fits' +
      ' (RELION CtfFind/jobNNN/micrographs_ctf.star or CTFFIND .txt files; CTFFIND5 adds the ice thickness)',
  },
  motion: {
    roles: ['motion'],
    files:
      'motion correction' +
      ' (RELION MotionCorr/jobNNN/corrected_micrographs.star with its per-micrograph .star files)',
  },
  bfactors: {
    roles: ['bfactors'],
    files: 'Bayesian polishing’s per-frame B-factors (RELION Polish/jobNNN/bfactors.star)',
  },
  classes: {
    roles: ['classes'],
    files:
      'a 3D classification' +
      ' (RELION Class3D/jobNNN/run_itNNN_model.star and run_itNNN_data.star;' +
      ' cryoSPARC heterogeneous refinement particles .cs)',
  },
  picks: {
    roles: ['picks-1', 'picks-2'],
    files:
      'coordinates from two pickers, one per role' +
      ' (RELION AutoPick/jobNNN/…_autopick.star, crYOLO .cbox, EMAN .box, Topaz .txt)',
  },
  'ctf-refine': {
    roles: ['ctf-refine'],
    files: 'CTF refinement’s particles (RELION CtfRefine/jobNNN/particles_ctf_refine.star)',
  },
  postprocess: {
    roles: ['postprocess'],
    files:
      'RELION’s post-processing (PostProcess/jobNNN/postprocess.star; for the particle budget, those of' +
      ' refinements with different particle counts, each with its count)',
  },
  model: { roles: ['model'], files: 'an atomic model placed in the map (PDB or mmCIF)' },
};

/**
 * The page's "To test this, add …" sentence for a finding (its CLI sentence when no file would do); after a project
 * was read, it says that the project holds none of them.
 */
export function pageNeeds(f: Pick<Finding, 'needs' | 'needsInputs'>, fromProject = false): string | null {
  if (f.needs === null) return null;
  const kinds = f.needsInputs ?? [];
  if (!kinds.length) return f.needs;
  const one = (k: InputKind): string => {
    const h = INPUT_HINTS[k];
    return `${h.files} as ${h.roles.map((r) => `“${ROLE_LABELS[r]}”`).join(' and ')}`;
  };
  const where = fromProject ? ' (the project given holds none)' : ' — or drop the whole project folder';
  return `${kinds.map(one).join('; or ')}${where}`;
}
