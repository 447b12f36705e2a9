import type { AberrationReading } from '../analysis/ctf/aberrations.js';
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
  fsc?: {
    resolutionA: number | null;
    shape: string;
    warnings: string[];
    /** The corrected (or, without a mask, unmasked) FSC at the Nyquist shell, and Nyquist in Å. */
    fscAtNyquist?: number | null;
    nyquistA?: number | null;
  };
  bfactorA2?: number | null;
  anisotropy?: {
    sphericity: number;
    bestA: number | null;
    worstA: number | null;
    cfar: number;
    /** The sphericity an isotropic map with this FSC, box and cones shows (lowest realisation). */
    sphericityFloor?: number | null;
  };
  orientations?: {
    scfStar: number;
    unsampledFraction: number;
    recommendedTiltDeg: number;
    /** SCF* of as many uniformly random views: the finite-sample floor. */
    scfStarUniform?: number | null;
    particles?: number;
  };
  locres?: { medianA: number; coreA: number; peripheryA: number; worseRegions: number };
  /**
   * From refinements of different sizes ('fit') or from one map's B ('single-map', a lower bound on what more data
   * buys).
   */
  budget?: { particleLimited: boolean; gainFromDoublingA: number; from: 'fit' | 'single-map' };
  ctf?: {
    /** Fits whose numbers cannot be used; the other fields come from the rest. */
    fractionUnreliable?: number;
    fractionFitWorseThanMap: number;
    medianDefocusUA: number;
    medianFitResolutionA: number;
    medianThicknessA: number | null;
    micrographs: number;
  };
  calibration?: { pixelSizeErrorPercent: number; phaseErrorDeg: number | null };
  /** CTF refinement's aberrations read at the map's resolution (analysis/ctf/aberrations.ts). */
  aberrations?: AberrationReading[];
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
    sampling(input),
  ];
  // Strong first, then possible (larger typical B cost first), then not measured, then ruled out.
  // A map cut by its pixel size is limited by that first: nothing else can show beyond Nyquist.
  const first = (f: Finding): number => (f.cause === 'sampling-limit' && f.strength === 'strong' ? 0 : 1);
  const cost = (f: Finding): number => f.bCostA2?.[1] ?? 0;
  const weight = (f: Finding): number => SUPPORT.get(f) ?? 0;
  return findings.sort(
    (a, b) =>
      first(a) - first(b) ||
      STRENGTH_RANK[a.strength] - STRENGTH_RANK[b.strength] ||
      weight(b) - weight(a) ||
      cost(b) - cost(a),
  );
}

/**
 * How many independent measurements carry a finding past its thresholds: among causes of the same
 * strength, the better supported comes first (before the typical B cost decides).
 */
const SUPPORT = new WeakMap<Finding, number>();

function finding(
  cause: CauseId,
  strength: Strength,
  evidence: Evidence[],
  needs: string | null = null,
  support = evidence.length,
): Finding {
  const info = CAUSES[cause];
  const f: Finding = {
    cause,
    title: info.title,
    strength,
    evidence,
    bCostA2: strength === 'ruled out' || strength === 'not measured' ? null : info.typicalBCostA2,
    remedies: info.remedies,
    needs,
  };
  SUPPORT.set(f, support);
  return f;
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
    score,
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
      // A hint, not a measurement of composition: it ranks after measured causes of the same strength.
      0.5,
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
  // The views themselves, against what as many uniformly random views give (a small set is uneven by chance).
  let viewsEven: boolean | null = null;
  if (i.orientations) {
    const { scfStar, recommendedTiltDeg } = i.orientations;
    const floor = i.orientations.scfStarUniform ?? 1;
    const relative = Math.min(1, scfStar / floor);
    const n = i.orientations.particles;
    const chance = floor < 0.99 && n ? ` (${n} uniformly random views give ${floor.toFixed(3)})` : '';
    const p = judged(
      T.scfStarRelative,
      relative,
      `SCF* ${scfStar.toFixed(3)}, ${relative.toFixed(2)} of an even set${chance}`,
    );
    const tilt =
      p.level !== 'none' && recommendedTiltDeg > 0 ? `; a ${recommendedTiltDeg}° tilt would fill the gaps` : '';
    parts.push({ ...p, evidence: { ...p.evidence, statement: p.evidence.statement + tilt } });
    viewsEven = p.level === 'none';
  }
  if (i.anisotropy) {
    const { sphericity, bestA, worstA, cfar } = i.anisotropy;
    const floor = i.anisotropy.sphericityFloor ?? 1;
    // Below the isotropic floor by more than its realisations scatter: only that part is anisotropy of the data.
    const beyond = sphericity < floor - SPHERICITY_FLOOR_MARGIN;
    const floorText = floor < 0.99 ? `; an isotropic map with this FSC and box gives ${floor.toFixed(3)}` : '';
    const sph = judged(T.sphericity, sphericity, `3DFSC sphericity ${sphericity.toFixed(3)}${floorText}`);
    // Views as even as their number allows: a low sphericity is the sparseness of the set (more particles
    // fill it: see the particle budget), not a sample that prefers views (which a tilt would fix).
    const level: Level = beyond && viewsEven !== true ? sph.level : 'none';
    const why =
      beyond && viewsEven === true
        ? ' — with views as even as their number allows: a sparse set, not preferred views'
        : '';
    parts.push({ level, evidence: { ...sph.evidence, statement: sph.evidence.statement + why } });
    if (bestA !== null && worstA !== null) {
      // The spread of conical FSCs has a floor of its own (few voxels per cone in a small box, the
      // particle's shape): it strengthens a low sphericity but does not grade the cause alone.
      const spread = judged(
        T.directionalSpread,
        worstA - bestA,
        `directional resolution ${bestA.toFixed(2)}–${worstA.toFixed(2)} Å`,
        2,
      );
      parts.push(
        level === 'none'
          ? { ...spread, level: 'none' }
          : { ...spread, level: spread.level === 'none' ? 'none' : level },
      );
    }
    // cFAR is reported beside sphericity; alone it does not grade the cause.
    parts.push({ ...judged(T.cfar, cfar, `cFAR ${cfar.toFixed(2)}`, 2), level: 'none' });
  }
  return graded('2-preferred-orientation', parts);
}

/** How far below its isotropic floor sphericity must fall to count (the realisations scatter by ~0.005). */
const SPHERICITY_FLOOR_MARGIN = 0.02;

function ice(i: DiagnosisInput): Finding {
  if (!i.ctf || i.ctf.medianThicknessA === null)
    return finding('3-ice-thickness', 'not measured', [], 'CTFFIND5 results with sample thickness');
  const t = i.ctf.medianThicknessA;
  const g = judged(T.thickness, t, `median sample thickness ${(t / 10).toFixed(0)} nm`, 0);
  return graded('3-ice-thickness', [g]);
}

/** True when the map is cut by its pixel size: then its B-factor measures the sampling, not the data. */
function samplingLimited(i: DiagnosisInput): boolean {
  return (i.fsc?.fscAtNyquist ?? -1) >= T.fscAtNyquist.possible;
}

const AT_NYQUIST =
  'a map not limited by its pixel size (re-extract with less binning): at Nyquist the B-factor measures the sampling';

function motion(i: DiagnosisInput): Finding {
  if (samplingLimited(i) && i.bfactorA2 !== undefined && i.bfactorA2 !== null) {
    return finding('4-motion-damage', 'not measured', [], AT_NYQUIST);
  }
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
  const bad = i.ctf.fractionUnreliable ?? 0;
  const parts = [
    judged(
      T.ctfFractionUnreliable,
      bad,
      `${(100 * bad).toFixed(0)} % of the CTF fits are unreliable (figure of merit or fit resolution)`,
    ),
  ];
  // A fit's defocus supporting less than the map calls for per-particle refinement: a prompt, never strong.
  const worse = judged(
    T.fitWorseThanMap,
    f,
    `${(100 * f).toFixed(0)} % of the reliable fits support less than the map's resolution on their own ` +
      `(per-particle CTF refinement carries the rest)`,
  );
  parts.push({ ...worse, level: worse.level === 'strong' ? 'possible' : worse.level });
  parts.push(judged(T.defocus, df, `median defocus ${(df / 10000).toFixed(2)} µm (reliable fits)`, 0));
  return graded('5-ctf', parts);
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
  if (!i.calibration && !i.aberrations?.length)
    return finding(
      '7-microscope',
      'not measured',
      [],
      'refined Cs / aberrations (report --cs-refined with --cs-nominal, or a CTF refinement’s particles with --ctf)',
    );
  const parts: { evidence: Evidence; level: Level }[] = [];
  for (const a of i.aberrations ?? []) {
    const at = `at the map's ${a.resolutionA.toFixed(2)} Å (optics group ${a.group})`;
    if (a.comaPhaseDeg !== null && a.beamTiltMrad !== null) {
      parts.push(
        judged(
          T.comaPhase,
          a.comaPhaseDeg,
          `beam tilt ${a.beamTiltMrad.toFixed(2)} mrad: ${a.comaPhaseDeg.toFixed(0)}° of coma ${at} if uncorrected`,
          1,
        ),
      );
    }
    if (a.magAnisotropyPercent !== null) {
      parts.push(
        judged(
          T.magAnisotropy,
          a.magAnisotropyPercent,
          `anisotropic magnification ${a.magAnisotropyPercent.toFixed(2)} % (group ${a.group})`,
          2,
        ),
      );
    }
  }
  if (!i.calibration) return graded('7-microscope', parts);
  const { pixelSizeErrorPercent: e, phaseErrorDeg } = i.calibration;
  parts.push(
    judged(T.pixelSizeError, Math.abs(e), `the refined Cs implies a ${Math.abs(e).toFixed(1)} % pixel-size error`, 2),
  );
  if (phaseErrorDeg !== null)
    parts.push(
      judged(
        T.phaseError,
        phaseErrorDeg,
        `${phaseErrorDeg.toFixed(0)}° phase error at the map's resolution after defocus compensation`,
        1,
      ),
    );
  return graded('7-microscope', parts);
}

/**
 * Evidence of a sparse set: the views are as even as their number allows, yet the map is anisotropic
 * beyond its noise floor — what more particles fill.
 */
function sparseViews(i: DiagnosisInput): Evidence | null {
  const o = i.orientations,
    a = i.anisotropy;
  if (!o || !a || !o.particles) return null;
  const relative = Math.min(1, o.scfStar / (o.scfStarUniform ?? 1));
  const floor = a.sphericityFloor ?? 1;
  if (levelOf(T.scfStarRelative, relative) !== 'none' || !(a.sphericity < floor - SPHERICITY_FLOOR_MARGIN)) return null;
  return {
    measure: 'sphericity',
    value: round(a.sphericity, 3),
    threshold: `< ${(floor - SPHERICITY_FLOOR_MARGIN).toFixed(3)} (the isotropic floor) with even views`,
    statement:
      `${o.particles} particles whose views are as even as their number allows (SCF* ` +
      `${relative.toFixed(2)} of an even set), yet sphericity ${a.sphericity.toFixed(3)}: ` +
      'the set is too sparse to fill Fourier space',
  };
}

function particles(i: DiagnosisInput): Finding {
  if (i.budget?.from === 'single-map' && samplingLimited(i))
    return finding('particle-limited', 'not measured', [], AT_NYQUIST);
  const sparse = sparseViews(i);
  if (sparse && i.budget?.from !== 'fit') {
    const needs = 'refinements of 1/4, 1/2 and all the particles (cryodx budget) to measure it';
    // Two measurements agree here: the views' evenness and the map's anisotropy.
    return finding('particle-limited', 'possible', [sparse], needs, 2);
  }
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

function sampling(i: DiagnosisInput): Finding {
  const f = i.fsc;
  if (!f || f.fscAtNyquist === undefined || f.fscAtNyquist === null || !f.nyquistA) {
    return finding('sampling-limit', 'not measured', [], 'half maps (the FSC at Nyquist)');
  }
  const parts = [
    judged(
      T.fscAtNyquist,
      f.fscAtNyquist,
      `the FSC is ${f.fscAtNyquist.toFixed(3)} at Nyquist (${f.nyquistA.toFixed(2)} Å)`,
    ),
  ];
  if (f.resolutionA !== null) {
    const ratio = f.resolutionA / f.nyquistA;
    parts.push(
      judged(
        T.resolutionOverNyquist,
        ratio,
        `the resolution (${f.resolutionA.toFixed(2)} Å) is ${ratio.toFixed(2)}× Nyquist`,
        2,
      ),
    );
  }
  return graded('sampling-limit', parts);
}

/** A finding from judged evidence: its strength from the strongest, its support from how many passed. */
function graded(cause: CauseId, parts: { evidence: Evidence; level: Level }[], needs: string | null = null): Finding {
  const passed = parts.filter((p) => p.level !== 'none').length;
  return finding(
    cause,
    strongest(parts.map((p) => p.level)),
    parts.map((p) => p.evidence),
    needs,
    passed,
  );
}

function strongest(levels: Level[]): Strength {
  return levels.includes('strong') ? 'strong' : levels.includes('possible') ? 'possible' : 'ruled out';
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
