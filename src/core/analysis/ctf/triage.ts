import type { CtfEstimate } from '../../model/ctf.js';

/**
 * A dataset's CTF results summarised for the diagnosis (seed 000, reason 5): how many micrographs
 * fit worse than the map's resolution, defocus and thickness medians.
 */
export interface CtfSummary {
  micrographs: number;
  fractionFitWorseThanMap: number;
  medianDefocusUA: number;
  medianFitResolutionA: number;
  medianThicknessA: number | null;
  medianAstigmatismA: number;
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : NaN;
}

export function summarizeCtf(estimates: CtfEstimate[], mapResolutionA: number | null): CtfSummary {
  if (estimates.length === 0) throw new RangeError('no CTF estimates to summarise');
  const worse = mapResolutionA === null ? 0 : estimates.filter((e) => e.fitResolutionA > mapResolutionA).length;
  const thickness = estimates.map((e) => e.thicknessA).filter((t): t is number => t !== null && t > 0);
  return {
    micrographs: estimates.length,
    fractionFitWorseThanMap: worse / estimates.length,
    medianDefocusUA: median(estimates.map((e) => e.defocusUA)),
    medianFitResolutionA: median(estimates.map((e) => e.fitResolutionA)),
    medianThicknessA: thickness.length ? median(thickness) : null,
    medianAstigmatismA: median(estimates.map((e) => Math.abs(e.defocusUA - e.defocusVA))),
  };
}
