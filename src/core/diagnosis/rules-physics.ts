import { THRESHOLDS, type Level } from './thresholds.js';
import { finding, graded, judged, type Evidence, type Finding } from './finding.js';
import type { DiagnosisInput } from './input.js';

const T = THRESHOLDS;

/** The rules that read the data's physics: ice, motion and damage, CTF, picking, the microscope. */
export function ice(i: DiagnosisInput): Finding {
  if (!i.ctf || i.ctf.medianThicknessA === null)
    return finding('3-ice-thickness', 'not measured', [], 'CTFFIND5 results with sample thickness');
  const t = i.ctf.medianThicknessA;
  const g = judged(T.thickness, t, `median sample thickness ${(t / 10).toFixed(0)} nm`, 0);
  return graded('3-ice-thickness', [g]);
}

/** True when the map is cut by its pixel size: then its B-factor measures the sampling, not the data. */
export function samplingLimited(i: DiagnosisInput): boolean {
  return (i.fsc?.fscAtNyquist ?? -1) >= T.fscAtNyquist.possible;
}

export const AT_NYQUIST =
  'a map not limited by its pixel size (re-extract with less binning): at Nyquist the B-factor measures the sampling';

export function motion(i: DiagnosisInput): Finding {
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

export function microscope(i: DiagnosisInput): Finding {
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
