import { basis } from '../model/basis.js';
import { THRESHOLDS, type Level } from './thresholds.js';
import { evidence, finding, graded, judged, SUPPORT, type Evidence, type Finding } from './finding.js';
import type { DiagnosisInput } from './input.js';
import { correlationPower, fractionBasis, fractionPower, measured, medianPower, MIN_FRACTION_ITEMS } from './power.js';

const T = THRESHOLDS;

/** The rules that read the data's physics: ice, motion and damage, CTF, picking, the microscope. */
export function ice(i: DiagnosisInput): Finding {
  if (i.ctf?.failedRun)
    return finding('3-ice-thickness', 'not measured', [], 'a CTF run that did not fail (re-run CTF estimation)');
  if (!i.ctf || i.ctf.medianThicknessA === null)
    return finding('3-ice-thickness', 'not measured', [], 'CTFFIND5 results with sample thickness');
  const t = i.ctf.medianThicknessA;
  const n = i.ctf.thicknessFits ?? i.ctf.reliableFits ?? i.ctf.micrographs;
  const b = basis(n, 'micrographs');
  const interval = i.ctf.medianThicknessIntervalA ?? null;
  const nm = (v: number): string => `${(v / 10).toFixed(0)} nm`;
  const parts = [
    judged(
      T.thickness,
      t,
      `median sample thickness ${nm(t)}`,
      0,
      b,
      medianPower(interval, n, 'micrographs', T.thickness.possible, '>', nm),
    ),
  ];
  const d = i.particleDiameterA;
  if (d) {
    const ratio = t / d;
    const text =
      `ice ${ratio.toFixed(2)}× the particle's ${(d / 10).toFixed(0)} nm longest dimension (aim: 1.1–1.5×; the size ` +
      `from the particle diameter given or found, else the mask's extent, an upper bound)`;
    const x = (v: number): string => `${(v / d).toFixed(2)}×`;
    const thin = ratio < T.iceTooThin.possible;
    const rule = thin ? T.iceTooThin : T.iceOverParticle;
    const power = thin
      ? medianPower(interval, n, 'micrographs', T.iceTooThin.possible * d, '<', x)
      : medianPower(interval, n, 'micrographs', T.iceOverParticle.possible * d, '>', x);
    parts.push(judged(rule, ratio, text, 2, b, power));
  }
  // Both read the one thickness measurement: they support the cause once.
  const f = graded('3-ice-thickness', parts, 'more micrographs with a thickness (CTFFIND5)');
  SUPPORT.set(f, parts.some((p) => p.level !== 'none') ? 1 : 0);
  return f;
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
  return graded(
    '4-motion-damage',
    parts,
    'more micrographs (≥ 25 to exclude 10 % outliers) or polishing’s per-frame B-factors (--bfactors bfactors.star)',
  );
}

/** Motion correction, polishing and the gain polishing bought: measured beside the map, not through it. */
function motionStatistics(i: DiagnosisInput): { evidence: Evidence; level: Level }[] {
  const parts: { evidence: Evidence; level: Level }[] = [];
  const m = i.motion;
  if (m) {
    const early = m.medianEarlyA !== null ? `, ${m.medianEarlyA.toFixed(1)} Å of it in the first 4 e⁻/Å²` : '';
    const k = Math.round(m.outlierFraction * m.micrographs);
    const few = m.micrographs < MIN_FRACTION_ITEMS;
    const who = few && m.outliers?.length ? ` (${m.outliers.join(', ')})` : '';
    const o = judged(
      T.motionOutliers,
      m.outlierFraction,
      (few
        ? `${k} of ${m.micrographs} micrographs${who}`
        : `${(100 * m.outlierFraction).toFixed(0)} % of ${m.micrographs} micrographs`) +
        ` move far more than the rest (median accumulated motion ${m.medianTotalA.toFixed(1)} Å${early})`,
      3,
      fractionBasis(m.micrographs, 'micrographs', m.outliers),
      fractionPower(k, m.micrographs, 'micrographs', T.motionOutliers.possible),
    );
    // A handful is a list: it can prompt a look, never call the dataset.
    parts.push(few && o.level === 'strong' ? { ...o, level: 'possible' } : o);
    if (m.earlyToLateRate !== null)
      parts.push(
        judged(
          T.earlyMotionRate,
          m.earlyToLateRate,
          `motion per e⁻/Å² in the first 4 e⁻/Å² is ${m.earlyToLateRate.toFixed(1)}× that of the later frames`,
          2,
          basis(m.micrographs, 'micrographs'),
          measured(
            `medians over ${m.micrographs} micrographs` +
              (few ? `: too few to rule out a fast start (≥ ${MIN_FRACTION_ITEMS})` : ''),
            !few,
          ),
        ),
      );
  }
  const p = i.polishing;
  const frames = basis(p?.frames ?? 0, 'frames');
  const fromPolishing = measured(
    `polishing's per-frame B-factors and scales, fitted over all particles, read at ${p?.resolutionA.toFixed(2)} Å`,
  );
  if (p) {
    parts.push(
      judged(
        T.firstFrameWeight,
        p.firstFrameWeight,
        `polishing weights the first frame ${p.firstFrameWeight.toFixed(2)}× the best frame at ` +
          `${p.resolutionA.toFixed(2)} Å`,
        2,
        frames,
        fromPolishing,
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
          frames,
          fromPolishing,
        ),
      );
  }
  if (p?.contributingExposureEPerA2) {
    // Grant & Grigorieff 2015: the exposure that maximises signal at a frequency is 2.51 Nₑ.
    const optimal = 2.51 * p.modelCriticalExposureEPerA2;
    parts.push({
      evidence: evidence(
        {
          measure: 'contributingExposureEPerA2',
          value: Number(p.contributingExposureEPerA2.toFixed(1)),
          threshold: 'reported',
          statement:
            `frames after ${p.contributingExposureEPerA2.toFixed(1)} e⁻/Å² carry < 10 % of the best frame's weight ` +
            `at ${p.resolutionA.toFixed(2)} Å (Grant & Grigorieff's optimal exposure there: ${optimal.toFixed(1)} ` +
            'e⁻/Å²)',
          basis: frames,
        },
        measured('reported, not judged', false),
      ),
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
        basis(2, 'refinements'),
        measured('the resolutions of the refinements before and after polishing'),
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
  const g = judged(
    rule,
    b,
    `overall B-factor ${b.toFixed(0)} Å² (RELION's sharpening B ${(-b).toFixed(0)} Å²)`,
    1,
    basis(1, 'maps'),
    measured('the Guinier fit of one map (r² ≥ 0.5, ≥ 5 shells, map at ≤ 7 Å)'),
  );
  // The B alone never makes motion strong: ice, CTF and heterogeneity raise it too.
  const parts = [{ ...g, level: g.level === 'strong' ? ('possible' as Level) : g.level }];
  if (collapse)
    parts.push({
      evidence: evidence(
        {
          measure: 'fscShape',
          value: 'high then sharp collapse',
          threshold: 'shape',
          statement:
            'the FSC stays above 0.5 over most of its range, then collapses: a B-factor problem rather than ' +
            'alignment',
          basis: basis(1, 'maps'),
        },
        measured('the shape of one FSC curve', false),
      ),
      level: 'none',
    });
  return parts;
}

export function ctf(i: DiagnosisInput): Finding {
  if (!i.ctf) return finding('5-ctf', 'not measured', [], 'CTFFIND or RELION micrograph CTF results');
  const c = i.ctf;
  const n = c.micrographs;
  const bad = c.fractionUnreliable ?? 0;
  const k = Math.round(bad * n);
  const parts = [
    judged(
      T.ctfFractionUnreliable,
      bad,
      `${k} of ${n} CTF fits are unreliable (figure of merit or fit resolution)` +
        (c.failedRun ? ': the run failed — nothing else is read from it; re-run CTF estimation' : ''),
      3,
      basis(n, 'fits'),
      fractionPower(k, n, 'fits', T.ctfFractionUnreliable.possible),
    ),
  ];
  // A failed run's few passing fits are no sample of the dataset (their defocus is as suspect as the rest).
  if (c.failedRun) return graded('5-ctf', parts);
  const good = c.reliableFits ?? n - k;
  const f = c.fractionFitWorseThanMap;
  if (f !== null) {
    const kw = Math.round(f * good);
    // A fit's defocus supporting less than the map calls for per-particle refinement: a prompt, never strong.
    const worse = judged(
      T.fitWorseThanMap,
      f,
      `${kw} of ${good} reliable fits support less than the map's resolution on their own (per-particle CTF ` +
        'refinement carries the rest)',
      3,
      basis(good, 'fits'),
      fractionPower(kw, good, 'fits', T.fitWorseThanMap.possible),
    );
    parts.push({ ...worse, level: worse.level === 'strong' ? 'possible' : worse.level });
  }
  const df = c.medianDefocusUA;
  if (df !== null) {
    const um = (v: number): string => `${(v / 10000).toFixed(2)} µm`;
    parts.push(
      judged(
        T.defocus,
        df,
        `median defocus ${um(df)} (${good} reliable fits)`,
        0,
        basis(good, 'fits'),
        medianPower(c.medianDefocusIntervalUA ?? null, good, 'fits', T.defocus.possible, '>', um),
      ),
    );
  }
  return graded('5-ctf', parts, 'more micrographs with reliable CTF fits');
}

/** How large a picks–CTF correlation must be to matter (and what an interval must exclude to rule it out). */
const PICK_CORRELATION_EFFECT = T.pickDefocusCorrelation.possible;

/**
 * Picking bias (reason 6) needs two pickers, or picks against a reference, to be ruled out: one picker cannot show
 * what it misses. Picks against the micrographs' CTF can show a bias (a correlation whose 95 % interval excludes 0
 * and whose size matters), never rule one out; 2D classes say how much of the picks is junk and which views.
 */
export function picking(i: DiagnosisInput): Finding {
  const parts: { evidence: Evidence; level: Level }[] = [];
  const p = i.picking;
  const compared = !!(p?.pickers && p.jaccard !== null);
  if (p?.pickers && p.jaccard !== null) {
    const other = p.pickers.find((x) => x !== p.usedPicker);
    const picks = basis(p.picks ?? 0, 'picks');
    const pair = measured(
      `${p.pickers[0]} against ${p.pickers[1]} on ${p.micrographs} micrographs` +
        (p.picks ? ` (${p.picks} picks)` : ''),
    );
    if (p.usedPicker && p.missedByUsed !== null && other)
      parts.push(
        judged(
          T.pickerMissed,
          p.missedByUsed,
          `${p.usedPicker}, which the final particles came from, misses ${(100 * p.missedByUsed).toFixed(0)} % of ` +
            `what ${other} picks`,
          3,
          picks,
          pair,
        ),
      );
    const agreement = judged(
      T.pickerJaccard,
      p.jaccard,
      `${p.pickers[0]} and ${p.pickers[1]} agree on ${(100 * p.jaccard).toFixed(0)} % of their picks (Jaccard, ` +
        `${p.micrographs} micrographs` +
        (p.chanceJaccard !== null ? `; unrelated picks would share ${(100 * p.chanceJaccard).toFixed(0)} %)` : ')'),
      2,
      picks,
      pair,
    );
    // When the final set says which picker was used, what it misses decides; a permissive second picker's junk
    // lowers the Jaccard without biasing the map.
    parts.push(p.usedPicker && p.missedByUsed !== null ? { ...agreement, level: 'none' } : agreement);
  }
  for (const c of p?.countCorrelations ?? []) {
    const n = c.micrographs ?? 0;
    const pw = correlationPower(c.r, n, PICK_CORRELATION_EFFECT);
    const follows = Math.abs(c.r) > PICK_CORRELATION_EFFECT && pw.excludesZero;
    const g = judged(
      T.pickDefocusCorrelation,
      Math.abs(c.r),
      `picks per micrograph ${c.r > 0 ? 'rise' : 'fall'} with ${c.property} (r = ${c.r.toFixed(2)}, ${n} ` +
        'micrographs with a reliable CTF fit)' +
        (follows ? ': the picker follows the micrographs’ contrast' : pw.excludesZero ? '' : ': no sign either way'),
      2,
      basis(n, 'micrographs'),
      // A correlation rules out nothing about the picks' composition: only a second picker can.
      { ...pw, canRuleOut: false },
    );
    parts.push({ ...g, level: follows ? g.level : 'none' });
  }
  for (const s of p?.survival ?? [])
    parts.push({
      evidence: evidence(
        {
          measure: 'fractionOfFinalParticlesFound',
          value: Number(s.fractionOfFinal.toFixed(3)),
          threshold: 'reported',
          statement:
            `${s.picker} found ${(100 * s.fractionOfFinal).toFixed(0)} % of the particles in the final ` +
            `refinement; ${(100 * s.fractionSurvived).toFixed(0)} % of its picks survived into it`,
          basis: basis(1, 'refinements'),
        },
        measured('reported, not judged', false),
      ),
      level: 'none',
    });
  parts.push(...twoDClasses(i));
  if (i.orientations) {
    const g = judged(
      T.unsampled,
      i.orientations.unsampledFraction,
      `${(100 * i.orientations.unsampledFraction).toFixed(1)} % of Fourier space has no view: some views may be ` +
        `missing from the picks rather than the grid`,
      3,
      basis(i.orientations.particles ?? 0, 'particles'),
      measured('a hint: missing views may be the sample’s, not the picker’s', false),
    );
    if (g.level !== 'none') parts.push(g);
  }
  if (!compared) {
    const hint = parts.filter((x) => x.level !== 'none');
    const needs = 'picks from a second picker (or picks against a reference) to compare (--picks DIR --picks DIR)';
    if (hint.length)
      return finding(
        '6-picking',
        'possible',
        parts.map((x) => x.evidence),
        needs,
        hint.length,
        hint[0]!.evidence,
      );
    return finding(
      '6-picking',
      'not measured',
      parts.map((x) => x.evidence),
      needs,
      0,
      null,
    );
  }
  return graded('6-picking', parts);
}

/** 2D classes speak to junk and views (the picks and their cleaning), never to composition. */
function twoDClasses(i: DiagnosisInput): { evidence: Evidence; level: Level }[] {
  const c = i.classes;
  if (!c || c.dimensionality !== 2) return [];
  const n = c.particles ?? null;
  return [
    {
      evidence: evidence(
        {
          measure: 'junkFraction2D',
          value: Number(c.junkFraction.toFixed(3)),
          threshold: 'reported',
          statement:
            `${(100 * c.junkFraction).toFixed(0)} % of the particles sit in 2D classes without signal; ` +
            `${c.signalClasses} of ${c.classes} 2D classes hold signal (different views of the particle more ` +
            'often than different species)',
          basis: n ? basis(n, 'particles') : basis(c.classes, 'classes'),
        },
        measured('what the picks hold (junk, views); not a test of bias', false),
      ),
      level: 'none',
    },
  ];
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
  const group = basis(1, 'optics groups');
  const refined = measured("CTF refinement's value for the optics group, over all its particles");
  for (const a of i.aberrations ?? []) {
    const at = `at the map's ${a.resolutionA.toFixed(2)} Å (optics group ${a.group})`;
    if (a.comaPhaseDeg !== null && a.beamTiltMrad !== null) {
      parts.push(
        judged(
          T.comaPhase,
          a.comaPhaseDeg,
          `beam tilt ${a.beamTiltMrad.toFixed(2)} mrad: ${a.comaPhaseDeg.toFixed(0)}° of coma ${at} if uncorrected`,
          1,
          group,
          refined,
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
          group,
          refined,
        ),
      );
    }
  }
  if (!i.calibration) return graded('7-microscope', parts);
  const { pixelSizeErrorPercent: e, phaseErrorDeg } = i.calibration;
  const cs = measured('one refined Cs against the nominal');
  parts.push(
    judged(
      T.pixelSizeError,
      Math.abs(e),
      `the refined Cs implies a ${Math.abs(e).toFixed(1)} % pixel-size error`,
      2,
      group,
      cs,
    ),
  );
  if (phaseErrorDeg !== null)
    parts.push(
      judged(
        T.phaseError,
        phaseErrorDeg,
        `${phaseErrorDeg.toFixed(0)}° phase error at the map's resolution after defocus compensation`,
        1,
        group,
        cs,
      ),
    );
  return graded('7-microscope', parts);
}
