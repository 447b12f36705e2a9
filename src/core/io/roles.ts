/**
 * What a dropped file is for, guessed from its name the way people name them: RELION
 * (run_half1_class001_unfil.mrc, postprocess masks, each job's outputs), cryoSPARC (…_map_half_A.mrc,
 * …_mask_fsc.mrc), EMDB (emd_1234_half_map_1.map), generic (half1, h2, mask). The user can always reassign.
 */
export type FileRole =
  | 'half1'
  | 'half2'
  | 'mask'
  | 'particles'
  | 'ctf'
  | 'model'
  | 'pae'
  | 'motion'
  | 'bfactors'
  | 'classes'
  | 'picks-1'
  | 'picks-2'
  | 'ctf-refine'
  | 'postprocess'
  | 'other';

/** Every role, in the order a role menu lists them, with the words the page and its hints use for each. */
export const ROLE_LABELS: Record<FileRole, string> = {
  half1: 'half map 1',
  half2: 'half map 2',
  mask: 'mask',
  particles: 'particles',
  ctf: 'CTF results',
  motion: 'motion correction',
  bfactors: 'polishing',
  'ctf-refine': 'CTF refinement',
  classes: 'classes',
  'picks-1': 'picks (picker 1)',
  'picks-2': 'picks (picker 2)',
  postprocess: 'post-processing',
  model: 'model',
  pae: 'PAE',
  other: 'not used',
};

export const FILE_ROLES = Object.keys(ROLE_LABELS) as FileRole[];

export function guessRole(fileName: string): FileRole {
  const base = fileName.split(/[\\/]/).pop()!.toLowerCase();
  const stem = base.replace(/\.gz$/, '');
  if (/\.(mrc|map|mrcs|ccp4)$/.test(stem)) {
    if (/mask/.test(stem)) return 'mask';
    if (/(half[_-]?(map)?[_-]?0?1|half[_-]?a\b|_half_a|half1|(^|[_.-])h1([_.-]|\.)|_a\.mrc$|map_half_a)/.test(stem))
      return 'half1';
    if (/(half[_-]?(map)?[_-]?0?2|half[_-]?b\b|_half_b|half2|(^|[_.-])h2([_.-]|\.)|_b\.mrc$|map_half_b)/.test(stem))
      return 'half2';
    return 'other';
  }
  if (/\.(pdb|ent|cif|mmcif)$/.test(stem)) return 'model';
  if (/\.json$/.test(stem)) return /pae|predicted_aligned_error|scores/.test(stem) ? 'pae' : 'other';
  if (/\.cs$/.test(stem)) return 'particles';
  if (/\.star$/.test(stem)) return starRole(stem);
  if (/\.(box|cbox)$/.test(stem)) return 'picks-1';
  if (/\.txt$/.test(stem) && !/avrot/.test(stem)) return 'ctf';
  return 'other';
}

/** RELION's STAR outputs by the names its jobs give them. */
function starRole(stem: string): FileRole {
  if (/^corrected_micrographs\.star$/.test(stem)) return 'motion';
  if (/^bfactors\.star$/.test(stem)) return 'bfactors';
  if (/^particles_ctf_refine\.star$/.test(stem)) return 'ctf-refine';
  if (/^postprocess\.star$/.test(stem)) return 'postprocess';
  if (/_it\d+_(model|optimiser|data)\.star$/.test(stem)) return 'classes';
  if (/(_autopick|_manualpick|_pick)\.star$/.test(stem)) return 'picks-1';
  if (/ctf|micrograph/.test(stem)) return 'ctf';
  return 'particles';
}
