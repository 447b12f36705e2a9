import { CAUSES, type CauseId } from './causes.js';
import { levelOf, thresholdText, THRESHOLDS, type Level, type Threshold } from './thresholds.js';

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
  /**
   * From refinements of different sizes ('fit') or from one map's B ('single-map', a lower bound on what more data
   * buys).
   */
  budget?: { particleLimited: boolean; gainFromDoublingA: number; from: 'fit' | 'single-map' };
  ctf?: {
    fractionFitWorseThanMap: number;
    medianDefocusUA: number;
    medianFitResolutionA: number;
    medianThicknessA: number | null;
    micrographs: number;
  };
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
  return findings.sort(
    (a, b) => STRENGTH_RANK[a.strength] - STRENGTH_RANK[b.strength] || (b.bCostA2?.[1] ?? 0) - (a.bCostA2?.[1] ?? 0),
  );
}

function finding(cause: CauseId, strength: Strength, evidence: Evidence[], needs: string | null = null): Finding {
  const info = CAUSES[cause];
  return {
    cause,
    title: info.title,
    strength,
    evidence,
    bCostA2: strength === 'ruled out' || strength === 'not measured' ? null : info.typicalBCostA2,
    remedies: info.remedies,
    needs,
  };
}

/** One piece of evidence judged against its threshold: the text and the comparison come from the same row. */
function judged(t: Threshold, value: number, statement: string, digits = 3): { evidence: Evidence; level: Level } {
  return {
    evidence: { measure: t.measure, value: round(value, digits), threshold: thresholdText(t), statement },
    level: levelOf(t, value),
  };
}

const T = THRESHOLDS;

function heterogeneity(i: DiagnosisInput): Finding {
  if (!i.locres && !i.fsc) return finding('1b-conformational', 'not measured', [], 'half maps (for local resolution)');
  const ev: Evidence[] = [];
  let score = 0;
  if (i.locres) {
    const g = judged(
      T.peripheryOverCore,
      i.locres.peripheryA / i.locres.coreA,
      `local resolution ${i.locres.coreA.toFixed(1)} Å in the core, ${i.locres.peripheryA.toFixed(1)} Å at the ` +
        `periphery`,
      2,
    );
    ev.push(g.evidence);
    score += g.level === 'strong' ? 2 : g.level === 'possible' ? 1 : 0;
    const w = judged(
      T.worseRegions,
      i.locres.worseRegions,
      `${i.locres.worseRegions} connected region(s) ≥ 25 % worse than the median local resolution`,
      0,
    );
    if (w.level !== 'none') {
      ev.push(w.evidence);
      score += 1;
    }
  }
  if (i.fsc?.shape === 'long tail above 0.143') {
    ev.push({
      measure: 'fscShape',
      value: i.fsc.shape,
      threshold: 'long tail',
      statement: 'the FSC has a long tail above 0.143 (unresolved heterogeneity or anisotropy)',
    });
    score += 1;
  }
  return finding(
    '1b-conformational',
    score >= 2 ? 'strong' : score === 1 ? 'possible' : i.locres ? 'ruled out' : 'not measured',
    ev,
    i.locres ? null : 'local resolution (cryodx locres)',
  );
}

function compositional(i: DiagnosisInput): Finding {
  // Needs 2D/3D classification results, which cryodx does not read yet; local asymmetric drops are a hint.
  if (
    i.locres &&
    i.locres.worseRegions > 0 &&
    levelOf(T.peripheryOverCore, i.locres.peripheryA / i.locres.coreA) === 'none'
  ) {
    return finding(
      '1a-compositional',
      'possible',
      [
        {
          measure: 'worseRegions',
          value: i.locres.worseRegions,
          threshold: '> 0 without a radial gradient',
          statement:
            'regions of poor local resolution that are not simply the periphery (partial occupancy of a partner?)',
        },
      ],
      '3D classification results (class populations)',
    );
  }
  return finding(
    '1a-compositional',
    'not measured',
    [],
    '3D classification results (class populations and compositions)',
  );
}

function orientation(i: DiagnosisInput): Finding {
  if (!i.anisotropy && !i.orientations)
    return finding('2-preferred-orientation', 'not measured', [], 'particle angles (STAR / .cs) or half maps');
  const parts: { evidence: Evidence; level: Level }[] = [];
  if (i.anisotropy) {
    const { sphericity, bestA, worstA, cfar } = i.anisotropy;
    const sph = judged(T.sphericity, sphericity, `3DFSC sphericity ${sphericity.toFixed(3)}`);
    parts.push(sph);
    if (bestA !== null && worstA !== null) {
      // The spread of conical FSCs has a floor of its own (few voxels per cone in a small box, the
      // particle's shape): it strengthens a low sphericity but does not grade the cause alone.
      const spread = judged(
        T.directionalSpread,
        worstA - bestA,
        `directional resolution ${bestA.toFixed(2)}–${worstA.toFixed(2)} Å`,
        2,
      );
      parts.push(sph.level === 'none' ? { ...spread, level: 'none' } : spread);
    }
    // cFAR is reported beside sphericity; alone it does not grade the cause.
    parts.push({ ...judged(T.cfar, cfar, `cFAR ${cfar.toFixed(2)}`, 2), level: 'none' });
  }
  if (i.orientations) {
    const { scfStar, recommendedTiltDeg } = i.orientations;
    const low = levelOf(T.scfStar, scfStar) !== 'none';
    parts.push(
      judged(
        T.scfStar,
        scfStar,
        `SCF* ${scfStar.toFixed(3)}` +
          (low && recommendedTiltDeg > 0 ? `; a ${recommendedTiltDeg}° tilt would fill the gaps` : ''),
      ),
    );
  }
  return finding(
    '2-preferred-orientation',
    strongest(parts.map((p) => p.level)),
    parts.map((p) => p.evidence),
  );
}

function ice(i: DiagnosisInput): Finding {
  if (!i.ctf || i.ctf.medianThicknessA === null)
    return finding('3-ice-thickness', 'not measured', [], 'CTFFIND5 results with sample thickness');
  const t = i.ctf.medianThicknessA;
  const g = judged(T.thickness, t, `median sample thickness ${(t / 10).toFixed(0)} nm`, 0);
  return finding('3-ice-thickness', strongest([g.level]), [g.evidence]);
}

function motion(i: DiagnosisInput): Finding {
  if (i.bfactorA2 === undefined || i.bfactorA2 === null)
    return finding(
      '4-motion-damage',
      'not measured',
      [],
      'a post-processing B-factor, and motion-correction / polishing statistics',
    );
  const b = Math.abs(i.bfactorA2);
  // Seed 000: an FSC above 0.5 over most of its range that then collapses is a B-factor problem.
  const collapse = i.fsc?.shape === 'high then sharp collapse';
  const rule = collapse ? T.bfactorWithCollapse : T.bfactor;
  const g = judged(rule, b, `overall B-factor ${b.toFixed(0)} Å² (RELION's sharpening B ${(-b).toFixed(0)} Å²)`, 1);
  const ev = [g.evidence];
  if (collapse)
    ev.push({
      measure: 'fscShape',
      value: 'high then sharp collapse',
      threshold: 'shape',
      statement:
        'the FSC stays above 0.5 over most of its range, then collapses: a B-factor problem rather than alignment',
    });
  return finding('4-motion-damage', g.level === 'none' ? 'ruled out' : 'possible', ev);
}

function ctf(i: DiagnosisInput): Finding {
  if (!i.ctf) return finding('5-ctf', 'not measured', [], 'CTFFIND or RELION micrograph CTF results');
  const { fractionFitWorseThanMap: f, medianDefocusUA: df } = i.ctf;
  const parts = [
    judged(
      T.fitWorseThanMap,
      f,
      `${(100 * f).toFixed(0)} % of micrographs have a CTF fit worse than the map's resolution`,
    ),
    judged(T.defocus, df, `median defocus ${(df / 10000).toFixed(2)} µm`, 0),
  ];
  return finding(
    '5-ctf',
    strongest(parts.map((p) => p.level)),
    parts.map((p) => p.evidence),
  );
}

function picking(i: DiagnosisInput): Finding {
  if (i.orientations) {
    const g = judged(
      T.unsampled,
      i.orientations.unsampledFraction,
      `${(100 * i.orientations.unsampledFraction).toFixed(1)} % of Fourier space has no view: some views may be ` +
        `missing from the picks rather than the grid`,
    );
    if (g.level !== 'none')
      return finding('6-picking', 'possible', [g.evidence], 'picks from a second picker to compare');
  }
  return finding('6-picking', 'not measured', [], 'picks from two methods (or 2D class populations)');
}

function microscope(i: DiagnosisInput): Finding {
  if (!i.calibration)
    return finding(
      '7-microscope',
      'not measured',
      [],
      'refined Cs / aberrations (report --cs-refined with --cs-nominal, or cryodx calibrate)',
    );
  const { pixelSizeErrorPercent: e, phaseErrorDeg } = i.calibration;
  const parts = [
    judged(T.pixelSizeError, Math.abs(e), `the refined Cs implies a ${Math.abs(e).toFixed(1)} % pixel-size error`, 2),
  ];
  if (phaseErrorDeg !== null)
    parts.push(
      judged(
        T.phaseError,
        phaseErrorDeg,
        `${phaseErrorDeg.toFixed(0)}° phase error at the map's resolution after defocus compensation`,
        1,
      ),
    );
  return finding(
    '7-microscope',
    strongest(parts.map((p) => p.level)),
    parts.map((p) => p.evidence),
  );
}

function particles(i: DiagnosisInput): Finding {
  if (!i.budget)
    return finding(
      'particle-limited',
      'not measured',
      [],
      'resolutions of refinements with different particle counts (cryodx budget), or a post-processing B-factor',
    );
  const b = i.budget;
  const g = judged(
    T.doublingGain,
    b.gainFromDoublingA,
    `doubling the particles is predicted to gain ${b.gainFromDoublingA.toFixed(2)} ` +
      `Å${b.from === 'single-map' ? " (from the map's B-factor alone: a best case)" : ''}`,
    2,
  );
  // From one map's B the gain is what an ideal doubling buys: a hint, never a strong call.
  const strength =
    b.from === 'fit' ? (b.particleLimited ? 'strong' : 'ruled out') : g.level === 'none' ? 'ruled out' : 'possible';
  return finding(
    'particle-limited',
    strength,
    [g.evidence],
    b.from === 'single-map' ? 'refinements of 1/4, 1/2 and all the particles (cryodx budget) to measure it' : null,
  );
}

function strongest(levels: Level[]): Strength {
  return levels.includes('strong') ? 'strong' : levels.includes('possible') ? 'possible' : 'ruled out';
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
