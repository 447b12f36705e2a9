import { CAUSES, type CauseId } from './causes.js';

/**
 * Evidence → findings → ranked causes (seed 000: "diagnose which of the seven causes is dominant,
 * fix that one, then move to the next"). Pure rules over the analyses' results; no numerics of its
 * own. Every finding says what was measured, against which threshold, and what would test the
 * causes the inputs could not.
 */
export type Strength = 'strong' | 'possible' | 'ruled out' | 'not measured';

export interface Evidence {
  /** What was measured, with its unit in the name, e.g. 'sphericity' or 'bfactorA2'. */
  measure: string;
  value: number | string;
  /** The comparison that makes it evidence, e.g. '< 0.85'. */
  threshold: string;
  /** One sentence a user can read. */
  statement: string;
}

export interface Finding {
  cause: CauseId;
  title: string;
  strength: Strength;
  evidence: Evidence[];
  /** Estimated B-factor cost range, Å², where seed 000 gives one and the cause is not ruled out. */
  bCostA2: [number, number] | null;
  remedies: string[];
  /** For 'not measured': the input that would test it. */
  needs: string | null;
}

/** The measurements the diagnosis reads; every field optional — missing inputs mean "not measured". */
export interface DiagnosisInput {
  fsc?: { resolutionA: number | null; shape: string; warnings: string[] };
  bfactorA2?: number | null;
  anisotropy?: { sphericity: number; bestA: number | null; worstA: number | null; cfar: number };
  orientations?: { scfStar: number; unsampledFraction: number; recommendedTiltDeg: number };
  locres?: { medianA: number; coreA: number; peripheryA: number; worseRegions: number };
  budget?: { particleLimited: boolean; gainFromDoublingA: number };
  ctf?: { fractionFitWorseThanMap: number; medianDefocusUA: number; medianFitResolutionA: number; medianThicknessA: number | null; micrographs: number };
  calibration?: { pixelSizeErrorPercent: number; phaseErrorDeg: number | null };
}

const STRENGTH_RANK: Record<Strength, number> = { strong: 0, possible: 1, 'not measured': 2, 'ruled out': 3 };

export function diagnose(input: DiagnosisInput): Finding[] {
  const findings = [
    heterogeneity(input),
    compositional(input),
    orientation(input),
    ice(input),
    motion(input),
    ctf(input),
    picking(input),
    microscope(input),
    particles(input),
  ];
  // Strong first, then possible (larger typical B cost first), then not measured, then ruled out.
  return findings.sort((a, b) => STRENGTH_RANK[a.strength] - STRENGTH_RANK[b.strength] || (b.bCostA2?.[1] ?? 0) - (a.bCostA2?.[1] ?? 0));
}

function finding(cause: CauseId, strength: Strength, evidence: Evidence[], needs: string | null = null): Finding {
  const info = CAUSES[cause];
  return { cause, title: info.title, strength, evidence, bCostA2: strength === 'ruled out' || strength === 'not measured' ? null : info.typicalBCostA2, remedies: info.remedies, needs };
}

function heterogeneity(i: DiagnosisInput): Finding {
  if (!i.locres && !i.fsc) return finding('1b-conformational', 'not measured', [], 'half maps (for local resolution)');
  const ev: Evidence[] = [];
  let score = 0;
  if (i.locres) {
    const ratio = i.locres.peripheryA / i.locres.coreA;
    ev.push({ measure: 'peripheryOverCoreResolution', value: round(ratio, 2), threshold: '> 1.25', statement: `local resolution ${i.locres.coreA.toFixed(1)} Å in the core, ${i.locres.peripheryA.toFixed(1)} Å at the periphery` });
    if (ratio > 1.5) score += 2;
    else if (ratio > 1.25) score += 1;
    if (i.locres.worseRegions > 0) {
      ev.push({ measure: 'worseRegions', value: i.locres.worseRegions, threshold: '> 0', statement: `${i.locres.worseRegions} connected region(s) ≥ 25 % worse than the median local resolution` });
      score += 1;
    }
  }
  if (i.fsc?.shape === 'long tail above 0.143') {
    ev.push({ measure: 'fscShape', value: i.fsc.shape, threshold: 'long tail', statement: 'the FSC has a long tail above 0.143 (unresolved heterogeneity or anisotropy)' });
    score += 1;
  }
  return finding('1b-conformational', score >= 2 ? 'strong' : score === 1 ? 'possible' : i.locres ? 'ruled out' : 'not measured', ev, i.locres ? null : 'local resolution (cryodx locres)');
}

function compositional(i: DiagnosisInput): Finding {
  // Needs 2D/3D classification results, which cryodx does not read yet; local asymmetric drops are a hint.
  if (i.locres && i.locres.worseRegions > 0 && i.locres.peripheryA / i.locres.coreA <= 1.25) {
    return finding('1a-compositional', 'possible', [{ measure: 'worseRegions', value: i.locres.worseRegions, threshold: '> 0 without a radial gradient', statement: 'regions of poor local resolution that are not simply the periphery (partial occupancy of a partner?)' }], '3D classification results (class populations)');
  }
  return finding('1a-compositional', 'not measured', [], '3D classification results (class populations and compositions)');
}

function orientation(i: DiagnosisInput): Finding {
  const ev: Evidence[] = [];
  let strong = false, possible = false;
  if (i.anisotropy) {
    const { sphericity, bestA, worstA, cfar } = i.anisotropy;
    ev.push({ measure: 'sphericity', value: round(sphericity, 3), threshold: '< 0.85', statement: `3DFSC sphericity ${sphericity.toFixed(3)}` });
    if (sphericity < 0.85) strong = true;
    else if (sphericity < 0.92) possible = true;
    if (bestA !== null && worstA !== null) {
      ev.push({ measure: 'directionalSpreadA', value: round(worstA - bestA, 2), threshold: '> 1 Å', statement: `directional resolution ${bestA.toFixed(2)}–${worstA.toFixed(2)} Å` });
      if (worstA - bestA > 1) strong = true;
    }
    ev.push({ measure: 'cfar', value: round(cfar, 2), threshold: '< 0.5', statement: `cFAR ${cfar.toFixed(2)}` });
  }
  if (i.orientations) {
    const { scfStar, recommendedTiltDeg } = i.orientations;
    ev.push({ measure: 'scfStar', value: round(scfStar, 3), threshold: '< 0.81', statement: `SCF* ${scfStar.toFixed(3)}${scfStar < 0.81 && recommendedTiltDeg > 0 ? `; a ${recommendedTiltDeg}° tilt would fill the gaps` : ''}` });
    if (scfStar < 0.6) strong = true;
    else if (scfStar < 0.81) possible = true;
  }
  if (!i.anisotropy && !i.orientations) return finding('2-preferred-orientation', 'not measured', [], 'particle angles (STAR / .cs) or half maps');
  return finding('2-preferred-orientation', strong ? 'strong' : possible ? 'possible' : 'ruled out', ev);
}

function ice(i: DiagnosisInput): Finding {
  if (!i.ctf || i.ctf.medianThicknessA === null) return finding('3-ice-thickness', 'not measured', [], 'CTFFIND5 results with sample thickness');
  const t = i.ctf.medianThicknessA;
  const ev = [{ measure: 'medianThicknessA', value: Math.round(t), threshold: '> 500 Å', statement: `median sample thickness ${(t / 10).toFixed(0)} nm` }];
  return finding('3-ice-thickness', t > 800 ? 'strong' : t > 500 ? 'possible' : 'ruled out', ev);
}

function motion(i: DiagnosisInput): Finding {
  if (i.bfactorA2 === undefined || i.bfactorA2 === null) return finding('4-motion-damage', 'not measured', [], 'a post-processing B-factor, and motion-correction / polishing statistics');
  const b = Math.abs(i.bfactorA2);
  const ev: Evidence[] = [{ measure: 'bfactorA2', value: round(b, 1), threshold: '> 150 Å²', statement: `overall B-factor ${b.toFixed(0)} Å² (> 150 Å²: no amount of polishing alone reaches 3 Å)` }];
  // Seed 000: an FSC above 0.5 over most of its range that then collapses is a B-factor problem.
  const collapse = i.fsc?.shape === 'high then sharp collapse';
  if (collapse) ev.push({ measure: 'fscShape', value: 'high then sharp collapse', threshold: 'shape', statement: 'the FSC stays above 0.5 over most of its range, then collapses: a B-factor problem rather than alignment' });
  return finding('4-motion-damage', b > 150 || (collapse && b > 100) ? 'possible' : 'ruled out', ev);
}

function ctf(i: DiagnosisInput): Finding {
  if (!i.ctf) return finding('5-ctf', 'not measured', [], 'CTFFIND or RELION micrograph CTF results');
  const { fractionFitWorseThanMap: f, medianDefocusUA: df } = i.ctf;
  const ev: Evidence[] = [
    { measure: 'fractionFitWorseThanMap', value: round(f, 3), threshold: '> 0.3', statement: `${(100 * f).toFixed(0)} % of micrographs have a CTF fit worse than the map's resolution` },
    { measure: 'medianDefocusUA', value: Math.round(df), threshold: '> 20000 Å', statement: `median defocus ${(df / 10000).toFixed(2)} µm` },
  ];
  return finding('5-ctf', f > 0.3 || df > 25000 ? 'strong' : f > 0.1 || df > 20000 ? 'possible' : 'ruled out', ev);
}

function picking(i: DiagnosisInput): Finding {
  if (i.orientations && i.orientations.unsampledFraction > 0.05) {
    return finding('6-picking', 'possible', [{ measure: 'unsampledFraction', value: round(i.orientations.unsampledFraction, 3), threshold: '> 0.05', statement: `${(100 * i.orientations.unsampledFraction).toFixed(1)} % of Fourier space has no view: some views may be missing from the picks rather than the grid` }], 'picks from a second picker to compare');
  }
  return finding('6-picking', 'not measured', [], 'picks from two methods (or 2D class populations)');
}

function microscope(i: DiagnosisInput): Finding {
  if (!i.calibration) return finding('7-microscope', 'not measured', [], 'refined Cs / aberrations (cryodx calibrate)');
  const { pixelSizeErrorPercent: e, phaseErrorDeg } = i.calibration;
  const ev = [{ measure: 'pixelSizeErrorPercent', value: round(e, 2), threshold: '> 1 %', statement: `the refined Cs implies a ${Math.abs(e).toFixed(1)} % pixel-size error${phaseErrorDeg !== null ? ` (${phaseErrorDeg.toFixed(0)}° phase error at the resolution)` : ''}` }];
  return finding('7-microscope', Math.abs(e) > 2 || (phaseErrorDeg ?? 0) > 45 ? 'strong' : Math.abs(e) > 1 ? 'possible' : 'ruled out', ev);
}

function particles(i: DiagnosisInput): Finding {
  if (!i.budget) return finding('particle-limited', 'not measured', [], 'resolutions of refinements with different particle counts (cryodx budget)');
  const ev = [{ measure: 'gainFromDoublingA', value: round(i.budget.gainFromDoublingA, 2), threshold: '≥ 0.1 Å', statement: `doubling the particles is predicted to gain ${i.budget.gainFromDoublingA.toFixed(2)} Å` }];
  return finding('particle-limited', i.budget.particleLimited ? 'strong' : 'ruled out', ev);
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
