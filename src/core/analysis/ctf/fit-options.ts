/** A micrograph CTF fit's options and CTFFIND's defaults for them (the fit itself is fit.ts). */
export interface CtfFitOptions {
  voltageKv?: number;
  csMm?: number;
  amplitudeContrast?: number;
  defocusMinA?: number;
  defocusMaxA?: number;
  /** Fit range, low and high resolution limits (Å); CTFFIND's defaults 30 and 5 Å. */
  fitLowResolutionA?: number;
  fitHighResolutionA?: number;
  findPhaseShift?: boolean;
  findThickness?: boolean;
  /** Largest |ΔfU − ΔfV| the coarse grid tries, Å. */
  maxAstigmatismA?: number;
}

export const CTF_FIT_DEFAULTS = {
  voltageKv: 300,
  csMm: 2.7,
  amplitudeContrast: 0.07,
  defocusMinA: 5000,
  defocusMaxA: 50000,
  fitLowResolutionA: 30,
  fitHighResolutionA: 5,
  maxAstigmatismA: 4000,
};
