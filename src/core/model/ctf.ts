/** Per-micrograph CTF parameters as CTFFIND reports them (defocus in Å, positive = underfocus). */
export interface CtfEstimate {
  micrograph: string;
  defocusUA: number;
  defocusVA: number;
  astigmatismAngleDeg: number;
  phaseShiftRad: number;
  crossCorrelation: number;
  /** Resolution up to which Thon rings were fit (CTFFIND column 7), Å. */
  fitResolutionA: number;
  tiltAxisDeg: number | null;
  tiltAngleDeg: number | null;
  thicknessA: number | null;
  /** For a micrograph summarised from a particle STAR: its particles and the SD of their mean defocus (Å). */
  particles?: { count: number; defocusSpreadA: number };
}

/** Acquisition settings CTFFIND prints in its header. */
export interface CtfSettings {
  pixelSizeA: number | null;
  voltageKv: number | null;
  csMm: number | null;
  amplitudeContrast: number | null;
}
