import { THRESHOLDS, type Level } from './thresholds.js';
import { finding, graded, judged, strongest, type Evidence, type Finding } from './finding.js';
import type { DiagnosisInput } from './input.js';

const T = THRESHOLDS;

/** The rules that read the data's physics: ice, motion and damage, CTF, picking, the microscope. */
export function ice(i: DiagnosisInput): Finding {
  if (!i.ctf || i.ctf.medianThicknessA === null)
    return finding('3-ice-thickness', 'not measured', [], 'CTFFIND5 results with sample thickness');
  const t = i.ctf.medianThicknessA;
  const parts = [judged(T.thickness, t, `median sample thickness ${(t / 10).toFixed(0)} nm`, 0)];
  const d = i.particleDiameterA;
  if (d) {
    const ratio = t / d;
    const text =
      `ice ${ratio.toFixed(2)}× the particle's ${(d / 10).toFixed(0)} nm longest dimension (aim: 1.1–1.5×; the size ` +
      `from the particle diameter given or found, else the mask's extent, an upper bound)`;
    const thick = judged(T.iceOverParticle, ratio, text, 2);
    parts.push(ratio < T.iceTooThin.possible ? judged(T.iceTooThin, ratio, text, 2) : thick);
  }
  // Both read the one thickness measurement: they support the cause once.
  const levels = parts.map((p) => p.level);
  return finding(
    '3-ice-thickness',
    strongest(levels),
    parts.map((p) => p.evidence),
    null,
    levels.some((l) => l !== 'none') ? 1 : 0,
  );
}

/** True when the map is cut by its pixel size: then its B-factor measures the sampling, not the data. */
export function samplingLimited(i: DiagnosisInput): boolean {
  return (i.fsc?.fscAtNyquist ?? -1) >= T.fscAtNyquist.possible;
}

export const AT_NYQUIST =
  'a map not limited by its pixel size (re-extract with less binning): at Nyquist the B-factor measures the sampling';

export function motion(i: DiagnosisInput): Finding {
  const parts = [...motionStatistics(i), ...bfactorEvidence(i)];
  if (!parts.length) {
    const atNyquist = samplingLimited(i) && i.bfactorA2 !== undefined && i.bfactorA2 !== null;
    return finding(
      '4-motion-damage',
      'not measured',
      [],
      atNyquist
        ? AT_NYQUIST
        : 'motion-correction statistics (--motion), polishing B-factors (--bfactors) or a post-processing B-factor',
    );
  }
  return graded('4-motion-damage', parts);
}

/** Motion correction, polishing and the gain polishing bought: measured beside the map, not through it. */
function motionStatistics(i: DiagnosisInput): { evidence: Evidence; level: Level }[] {
  const parts: { evidence: Evidence; level: Level }[] = [];
  const m = i.motion;
  if (m) {
    const early = m.medianEarlyA !== null ? `, ${m.medianEarlyA.toFixed(1)} Å of it in the first 4 e⁻/Å²` : '';
    parts.push(
      judged(
        T.motionOutliers,
        m.outlierFraction,
        `${(100 * m.outlierFraction).toFixed(0)} % of ${m.micrographs} micrographs move far more than the rest ` +
          `(median accumulated motion ${m.medianTotalA.toFixed(1)} Å${early})`,
      ),
    );
    if (m.earlyToLateRate !== null)
      parts.push(
        judged(
          T.earlyMotionRate,
          m.earlyToLateRate,
          `motion per e⁻/Å² in the first 4 e⁻/Å² is ${m.earlyToLateRate.toFixed(1)}× that of the later frames`,
          2,
        ),
      );
  }
  const p = i.polishing;
  if (p) {
    parts.push(
      judged(
        T.firstFrameWeight,
        p.firstFrameWeight,
        `polishing weights the first frame ${p.firstFrameWeight.toFixed(2)}× the best frame at ` +
          `${p.resolutionA.toFixed(2)} Å`,
        2,
      ),
    );
    if (p.criticalExposureRatio !== null && p.measuredCriticalExposureEPerA2 !== null)
      parts.push(
        judged(
          T.criticalExposureRatio,
          p.criticalExposureRatio,
          `frames lose e^−½ of their weight at ${p.resolutionA.toFixed(2)} Å over ` +
            `${p.measuredCriticalExposureEPerA2.toFixed(1)} e⁻/Å²; radiation damage alone takes ` +
            `${p.modelCriticalExposureEPerA2.toFixed(1)} e⁻/Å² (Grant & Grigorieff)`,
          2,
        ),
      );
  }
  if (p?.contributingExposureEPerA2) {
    // Grant & Grigorieff 2015: the exposure that maximises signal at a frequency is 2.51 Nₑ.
    const optimal = 2.51 * p.modelCriticalExposureEPerA2;
    parts.push({
      evidence: {
        measure: 'contributingExposureEPerA2',
        value: Number(p.contributingExposureEPerA2.toFixed(1)),
        threshold: 'reported',
        statement:
          `frames after ${p.contributingExposureEPerA2.toFixed(1)} e⁻/Å² carry < 10 % of the best frame's weight at ` +
          `${p.resolutionA.toFixed(2)} Å (Grant & Grigorieff's optimal exposure there: ${optimal.toFixed(1)} e⁻/Å²)`,
      },
      level: 'none',
    });
  }
  const g = i.gains?.polishingA;
  if (g !== undefined && g !== null)
    parts.push(
      judged(
        T.polishingGain,
        g,
        `polishing moved the resolution by ${g.toFixed(2)} Å` +
          (g >= T.polishingGain.possible ? ': motion was a limit — check what remains' : ''),
        2,
      ),
    );
  return parts;
}

/** The overall B-factor (seed 000: > 150 Å² is more than polishing can fix), unless the map sits at Nyquist. */
function bfactorEvidence(i: DiagnosisInput): { evidence: Evidence; level: Level }[] {
  if (i.bfactorA2 === undefined || i.bfactorA2 === null || samplingLimited(i)) return [];
  const b = Math.abs(i.bfactorA2);
  // Seed 000: an FSC above 0.5 over most of its range that then collapses is a B-factor problem.
  const collapse = i.fsc?.shape === 'high then sharp collapse';
  const rule = collapse ? T.bfactorWithCollapse : T.bfactor;
  const g = judged(rule, b, `overall B-factor ${b.toFixed(0)} Å² (RELION's sharpening B ${(-b).toFixed(0)} Å²)`, 1);
  // The B alone never makes motion strong: ice, CTF and heterogeneity raise it too.
  const parts = [{ ...g, level: g.level === 'strong' ? ('possible' as Level) : g.level }];
  if (collapse)
    parts.push({
      evidence: {
        measure: 'fscShape',
        value: 'high then sharp collapse',
        threshold: 'shape',
        statement:
          'the FSC stays above 0.5 over most of its range, then collapses: a B-factor problem rather than alignment',
      },
      level: 'none',
    });
  return parts;
}

export function ctf(i: DiagnosisInput): Finding {
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

export function picking(i: DiagnosisInput): Finding {
  const parts: { evidence: Evidence; level: Level }[] = [];
  const p = i.picking;
  if (p?.pickers && p.jaccard !== null) {
    const other = p.pickers.find((x) => x !== p.usedPicker);
    if (p.usedPicker && p.missedByUsed !== null && other)
      parts.push(
        judged(
          T.pickerMissed,
          p.missedByUsed,
          `${p.usedPicker}, which the final particles came from, misses ${(100 * p.missedByUsed).toFixed(0)} % of ` +
            `what ${other} picks`,
        ),
      );
    const agreement = judged(
      T.pickerJaccard,
      p.jaccard,
      `${p.pickers[0]} and ${p.pickers[1]} agree on ${(100 * p.jaccard).toFixed(0)} % of their picks (Jaccard, ` +
        `${p.micrographs} micrographs` +
        (p.chanceJaccard !== null ? `; unrelated picks would share ${(100 * p.chanceJaccard).toFixed(0)} %)` : ')'),
      2,
    );
    // When the final set says which picker was used, what it misses decides; a permissive second picker's junk
    // lowers the Jaccard without biasing the map.
    parts.push(p.usedPicker && p.missedByUsed !== null ? { ...agreement, level: 'none' } : agreement);
  }
  for (const c of p?.countCorrelations ?? []) {
    const follows = Math.abs(c.r) > T.pickDefocusCorrelation.possible;
    parts.push(
      judged(
        T.pickDefocusCorrelation,
        Math.abs(c.r),
        `picks per micrograph ${c.r > 0 ? 'rise' : 'fall'} with ${c.property} (r = ${c.r.toFixed(2)})` +
          (follows ? ': the picker follows the micrographs’ contrast' : ''),
        2,
      ),
    );
  }
  for (const s of p?.survival ?? [])
    parts.push({
      evidence: {
        measure: 'fractionOfFinalParticlesFound',
        value: Number(s.fractionOfFinal.toFixed(3)),
        threshold: 'reported',
        statement:
          `${s.picker} found ${(100 * s.fractionOfFinal).toFixed(0)} % of the particles in the final refinement; ` +
          `${(100 * s.fractionSurvived).toFixed(0)} % of its picks survived into it`,
      },
      level: 'none',
    });
  if (i.orientations) {
    const g = judged(
      T.unsampled,
      i.orientations.unsampledFraction,
      `${(100 * i.orientations.unsampledFraction).toFixed(1)} % of Fourier space has no view: some views may be ` +
        `missing from the picks rather than the grid`,
    );
    if (g.level !== 'none') parts.push(g);
  }
  const measured = parts.some((x) => x.evidence.threshold !== 'reported' && x.evidence.measure !== T.unsampled.measure);
  if (!measured) {
    const hint = parts.filter((x) => x.level !== 'none');
    if (hint.length)
      return finding(
        '6-picking',
        'possible',
        hint.map((x) => x.evidence),
        'picks from a second picker to compare',
      );
    return finding('6-picking', 'not measured', [], 'picks from two methods (--picks DIR --picks DIR)');
  }
  return graded('6-picking', parts);
}

export function microscope(i: DiagnosisInput): Finding {
  if (!i.calibration && !i.aberrations?.length)
    return finding(
      '7-microscope',
      'not measured',
      [],
      'a CTF refinement’s particles (--ctf-refine particles_ctf_refine.star) or a refined Cs (--cs-refined with ' +
        '--cs-nominal)',
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
