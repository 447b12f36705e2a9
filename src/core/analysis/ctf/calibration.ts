import { wavelengthA } from '../../model/ctf-physics.js';

/**
 * Pixel size, defocus and Cs are coupled (RELION docs, "Pixel size issues"; seed 003): fitting at a
 * nominal pixel size p_nom when the true one is p_true gives Δf_fit = Δf·(p_nom/p_true)² and
 * Cs_fit = Cs·(p_nom/p_true)⁴. So a refined Cs implies p_true = p_nom·(Cs_true/Cs_fit)^¼ — unless the
 * k⁴ term is absorbing other aberrations.
 */
export interface CalibrationInput {
  /** Cs the refinement found (mm), or derive it from RELION's fourth-order Zernike term Z₄⁰. */
  csRefinedMm: number;
  csNominalMm: number;
  pixelSizeA: number;
  voltageKv: number;
  defocusA?: number;
  resolutionA?: number;
}

export interface Calibration {
  pixelSizeImpliedA: number;
  pixelSizeErrorPercent: number;
  /** The defocus the refinement reported, rescaled to the implied pixel size. */
  defocusCorrectedA: number | null;
  /**
   * Largest phase error (degrees) the Cs difference leaves up to the given resolution once the
   * defocus has absorbed what it can (a least-squares defocus shift over the band): 2/9 of the raw
   * (π/2)·λ³·ΔCs·k⁴ at the limit. This is what a CTF refinement with the wrong Cs actually carries.
   */
  phaseErrorDeg: number | null;
  /** The raw term (π/2)·λ³·ΔCs·k⁴ at the given resolution, before any defocus compensation. */
  phaseErrorUncompensatedDeg: number | null;
  /** Resolution where the compensated phase error reaches 45° (a quarter of the way to a sign flip). */
  resolutionAt45DegA: number;
  verdict: string;
}

export function impliedPixelSizeA(pixelSizeNominalA: number, csNominalMm: number, csFittedMm: number): number {
  return pixelSizeNominalA * Math.pow(csNominalMm / csFittedMm, 0.25);
}

/** Forward: what a refinement at p_nom finds for a true Δf and Cs when the true pixel is p_true. */
export function apparentParameters(
  pNomA: number,
  pTrueA: number,
  defocusA: number,
  csMm: number,
): { defocusA: number; csMm: number } {
  const r = pNomA / pTrueA;
  return { defocusA: defocusA * r * r, csMm: csMm * r ** 4 };
}

/** RELION's Z₄⁰ (Å) as an apparent Cs: Cs_app = Cs_nom + 12·Z₄⁰·1e-7/(π·λ³) (mm). */
export function csFromZernike(csNominalMm: number, z40: number, voltageKv: number): number {
  return csNominalMm + (12 * z40 * 1e-7) / (Math.PI * wavelengthA(voltageKv) ** 3);
}

export function calibrate(input: CalibrationInput): Calibration {
  const { csRefinedMm: fit, csNominalMm: nom, pixelSizeA: p, voltageKv } = input;
  if (!(fit > 0) || !(nom > 0))
    throw new RangeError(`Cs values must be positive (refined ${fit} mm, nominal ${nom} mm)`);
  const pTrue = impliedPixelSizeA(p, nom, fit);
  const errorPercent = ((p - pTrue) / pTrue) * 100;
  const defocusCorrectedA = input.defocusA !== undefined ? input.defocusA * (pTrue / p) ** 2 : null;
  const l = wavelengthA(voltageKv);
  const dCsA = Math.abs(fit - nom) * 1e7;
  const raw = (dA: number): number => ((Math.PI / 2) * l ** 3 * dCsA * (1 / dA) ** 4 * 180) / Math.PI;
  // Minimising ∫₀ᴷ (a·k⁴ − b·k²)²·k² dk over the defocus term b gives b = (7/9)·a·K², leaving at most
  // (2/9)·a·K⁴ (at k = K).
  const COMPENSATED = 2 / 9;
  const phaseErrorUncompensatedDeg = input.resolutionA !== undefined ? raw(input.resolutionA) : null;
  const phaseErrorDeg = phaseErrorUncompensatedDeg !== null ? COMPENSATED * phaseErrorUncompensatedDeg : null;
  const resolutionAt45DegA =
    dCsA > 0 ? Math.pow((COMPENSATED * (Math.PI / 2) * l ** 3 * dCsA) / (Math.PI / 4), 0.25) : 0;
  const size = (deg: number): string =>
    deg < 10 ? ' (negligible)' : deg < 45 ? ' (noticeable in high-resolution shells)' : ' (large: it limits the map)';
  const verdict =
    Math.abs(errorPercent) < 0.5
      ? `The refined Cs agrees with the nominal one to within the pixel-size precision that matters ` +
        `(${Math.abs(errorPercent).toFixed(2)} %): nothing to correct.`
      : `A refined Cs of ${fit} mm against ${nom} mm implies the pixel size is ${pTrue.toFixed(4)} Å, not ${p} Å ` +
        `(${errorPercent > 0 ? '+' : ''}${errorPercent.toFixed(2)} %) — or that the k⁴ term absorbs other ` +
        `aberrations. ` +
        (phaseErrorDeg !== null
          ? `Up to ${input.resolutionA} Å the Cs difference leaves a ${phaseErrorDeg.toFixed(1)}° phase error ` +
            `after defocus refinement absorbs what it can${size(phaseErrorDeg)}; ` +
            `it reaches 45° at ${resolutionAt45DegA.toFixed(2)} Å.`
          : `The Cs difference alone reaches a 45° phase error at ${resolutionAt45DegA.toFixed(2)} Å.`) +
        ' Calibrate the pixel size against a known structure (e.g. apoferritin), then refine defocus with Cs fixed ' +
        'at the nominal value.';
  return {
    pixelSizeImpliedA: pTrue,
    pixelSizeErrorPercent: errorPercent,
    defocusCorrectedA,
    phaseErrorDeg,
    phaseErrorUncompensatedDeg,
    resolutionAt45DegA,
    verdict,
  };
}
