import { describe, expect, it } from 'vitest';
import { guessRole } from './roles.js';

describe('file roles from names', () => {
  it.each([
    ['run_half1_class001_unfil.mrc', 'half1'],
    ['run_half2_class001_unfil.mrc', 'half2'],
    ['emd_3197_half_map_1.map.gz', 'half1'],
    ['emd_3197_half_map_2.map', 'half2'],
    ['J123_003_volume_map_half_A.mrc', 'half1'],
    ['J123_003_volume_map_half_B.mrc', 'half2'],
    ['half1.mrc', 'half1'],
    ['half2.mrc', 'half2'],
    ['h1.mrc', 'half1'],
    ['h2.mrc', 'half2'],
    ['mask.mrc', 'mask'],
    ['J123_mask_fsc_auto.mrc', 'mask'],
    ['run_class001.mrc', 'other'],
    ['run_data.star', 'particles'],
    ['P3_J45_particles.cs', 'particles'],
    ['micrographs_ctf.star', 'ctf'],
    ['mic_0001.txt', 'ctf'],
    ['mic_0001_avrot.txt', 'other'],
    ['AF-P69905-F1-model_v4.cif', 'model'],
    ['model.pdb', 'model'],
    ['AF-P69905-F1-predicted_aligned_error_v4.json', 'pae'],
    ['colabfold_scores_rank_001.json', 'pae'],
    ['settings.json', 'other'],
    ['corrected_micrographs.star', 'motion'],
    ['bfactors.star', 'bfactors'],
    ['particles_ctf_refine.star', 'ctf-refine'],
    ['postprocess.star', 'postprocess'],
    ['run_it025_model.star', 'classes'],
    ['run_it025_data.star', 'classes'],
    ['20170629_00021_frameImage_autopick.star', 'picks-1'],
    ['mic_0001.cbox', 'picks-1'],
  ] as const)('%s → %s', (name, role) => {
    expect(guessRole(name)).toBe(role);
  });
});
