/**
 * Particles as columns of typed arrays, with each particle's optics resolved (RELION 3.1+
 * data_optics joined on rlnOpticsGroup, or 3.0's per-particle columns). Angles are RELION's
 * ZYZ Euler angles in degrees; null where the input has no such column.
 */
export interface OpticsGroup {
  id: number;
  name: string;
  voltageKv: number | null;
  csMm: number | null;
  amplitudeContrast: number | null;
  /** Pixel size of the particle images in Å (rlnImagePixelSize; 3.0: detector pixel / magnification). */
  imagePixelSizeA: number | null;
  imageSize: number | null;
}

export interface ParticleSet {
  count: number;
  /** 'relion-3.1' (optics table), 'relion-3.0' (per-particle optics), or 'cryosparc'. */
  convention: 'relion-3.1' | 'relion-3.0' | 'cryosparc';
  optics: OpticsGroup[];
  /** Index into `optics` for each particle. */
  opticsIndex: Int32Array;
  angleRotDeg: Float64Array | null;
  angleTiltDeg: Float64Array | null;
  anglePsiDeg: Float64Array | null;
  originXA: Float64Array | null;
  originYA: Float64Array | null;
  defocusUA: Float64Array | null;
  defocusVA: Float64Array | null;
  defocusAngleDeg: Float64Array | null;
  imageName: string[] | null;
  micrographName: string[] | null;
  /** rlnPhaseShift (degrees), where given. */
  phaseShiftDeg?: Float64Array;
  /** rlnCtfBfactor (Å², RELION's sign: positive damps), where given. */
  ctfBfactorA2?: Float64Array;
  /** rlnCtfScalefactor, where given. */
  ctfScale?: Float64Array;
  /** rlnRandomSubset (1 or 2), where given. */
  randomSubset?: Float64Array;
}
