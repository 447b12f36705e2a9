/**
 * Seed 000's seven reasons a map stops near 4 Å, plus the particle budget: what each is, the
 * B-factor it typically costs, and the remedies. Text and numbers from the seed document.
 */
export type CauseId =
  | '1a-compositional'
  | '1b-conformational'
  | '2-preferred-orientation'
  | '3-ice-thickness'
  | '4-motion-damage'
  | '5-ctf'
  | '6-picking'
  | '7-microscope'
  | 'particle-limited'
  | 'sampling-limit';

export interface CauseInfo {
  id: CauseId;
  title: string;
  /** Typical B-factor inflation, Å², when uncorrected (seed 000); null where the seed gives none. */
  typicalBCostA2: [number, number] | null;
  remedies: string[];
}

export const CAUSES: Record<CauseId, CauseInfo> = {
  '1a-compositional': {
    id: '1a-compositional',
    title: 'Compositional heterogeneity',
    typicalBCostA2: [40, 80],
    remedies: [
      '3D classification (K = 4–8) or cryoSPARC 3D Variability to separate species',
      'Saturating ligand, cross-linking of transient partners, size exclusion right before grid preparation',
      'A more stable construct if proteolysis',
    ],
  },
  '1b-conformational': {
    id: '1b-conformational',
    title: 'Conformational heterogeneity / flexible regions',
    typicalBCostA2: [30, 60],
    remedies: [
      'Multi-body refinement (rigid bodies) or 3DFlex / cryoDRGN (continuous motion)',
      'Focused classification with a mask on the flexible region',
      'Lock the conformation (ligand, peptide stapling) or engineer the flexibility away',
    ],
  },
  '2-preferred-orientation': {
    id: '2-preferred-orientation',
    title: 'Preferred orientation',
    typicalBCostA2: null,
    remedies: [
      'Tilted data collection at 30–40°',
      'Other grids (UltrAuFoil, graphene oxide) or surfactants (CHAPSO, fluorinated octyl maltoside) against the ' +
        'air–water interface',
      'Detergent / nanodisc / amphipol screens for membrane proteins',
    ],
  },
  '3-ice-thickness': {
    id: '3-ice-thickness',
    title: 'Ice thickness',
    typicalBCostA2: null,
    remedies: [
      'Blotting time / force screen; aim for 1.1–1.5× the particle’s longest dimension',
      'Select micrographs from thinner ice (CTFFIND5 thickness, energy-filter ratio)',
      'Plasma cleaning for reproducible hydrophilicity',
    ],
  },
  '4-motion-damage': {
    id: '4-motion-damage',
    title: 'Beam-induced motion and radiation damage',
    typicalBCostA2: [20, 40],
    remedies: [
      'Bayesian polishing (RELION) or patch motion correction',
      'Dose weighting; total dose 30–50 e⁻/Å² in 40–60 frames',
      'Supports that reduce motion (graphene oxide)',
    ],
  },
  '5-ctf': {
    id: '5-ctf',
    title: 'CTF estimation',
    typicalBCostA2: [15, 30],
    remedies: [
      'Per-particle defocus and higher-order aberration refinement (beam tilt, trefoil, anisotropic magnification)',
      'Collect at lower defocus (0.5–1.5 µm) once the particles are known',
      'Discard micrographs whose CTF fit stops well before the map’s resolution',
    ],
  },
  '6-picking': {
    id: '6-picking',
    title: 'Particle picking bias',
    typicalBCostA2: null,
    remedies: [
      'Pick with several methods (Topaz, crYOLO, templates) and pool',
      'Keep marginal 2D classes through to 3D classification',
      'Check that views missing from the picks are not missing from the sample',
    ],
  },
  '7-microscope': {
    id: '7-microscope',
    title: 'Microscope and detector',
    typicalBCostA2: null,
    remedies: [
      'Coma-free alignment and stigmation; energy-filter slit at 10–20 eV',
      'Fresh gain references; counting mode at the right dose rate',
      'Calibrate the pixel size (apoferritin) and refine Cs only if it is real',
    ],
  },
  'sampling-limit': {
    id: 'sampling-limit',
    title: 'Sampling (pixel size)',
    typicalBCostA2: null,
    remedies: [
      'Re-extract the particles with less binning (a smaller pixel size) and refine again',
      'Keep the box at ≥ 1.5× the particle diameter after re-extraction',
      'Judge B-factor, budget and local resolution again on the finer map: at Nyquist they measure the sampling',
    ],
  },
  'particle-limited': {
    id: 'particle-limited',
    title: 'Too few particles',
    typicalBCostA2: null,
    remedies: [
      'Collect more data of the same quality (the budget says how much)',
      'Recover particles discarded by aggressive 2D classification',
    ],
  },
};
