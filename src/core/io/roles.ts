/**
 * What a dropped file is for, guessed from its name the way people name them: RELION
 * (run_half1_class001_unfil.mrc, postprocess masks), cryoSPARC (…_map_half_A.mrc, …_mask_fsc.mrc),
 * EMDB (emd_1234_half_map_1.map), generic (half1, h2, mask). The user can always reassign.
 */
export type FileRole = 'half1' | 'half2' | 'mask' | 'particles' | 'ctf' | 'model' | 'pae' | 'other';

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
  if (/\.star$/.test(stem)) return /ctf|micrograph/.test(stem) ? 'ctf' : 'particles';
  if (/\.txt$/.test(stem) && !/avrot/.test(stem)) return 'ctf';
  return 'other';
}
