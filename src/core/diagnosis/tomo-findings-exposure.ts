import { criticalExposureEPerA2 } from '../analysis/tomo/exposure.js';
import { deg, f0, f1, L, listTilts, median, tiltName } from './tomo-rules.js';
import type { SeriesFacts } from './tomo-findings.js';
import { RLN } from '../io/star/labels.js';

/** Exposure against the dose rule, M's B-factors and weights, alignment residuals, thickness, excluded tilts. */
export function exposureAndSpecimenFindings(c: SeriesFacts): void {
  const {
    m,
    tilts,
    n,
    files,
    basisOf,
    add,
    report,
    dose,
    voltageKv,
    used,
    centre,
    target,
    targetFrom,
    k,
    bTilts,
    ref,
  } = c;
  // Exposure.
  if (dose.dosePerTiltEPerA2 !== undefined && k !== undefined) {
    const ne = criticalExposureEPerA2(k, voltageKv);
    const optimal = L.optimalExposureFactor * ne;
    const beyond = tilts.filter((t) => t.preExposureEPerA2 !== undefined && t.preExposureEPerA2 >= optimal);
    const perTiltTooHigh = dose.dosePerTiltEPerA2 > ne;
    add({
      code: 'exposure',
      severity: perTiltTooHigh ? 'possible' : 'info',
      statement:
        `dose ${dose.dosePerTiltEPerA2.toFixed(2)} e/Å² per tilt, ${f1(dose.totalDoseEPerA2!)} e/Å² in total; at ` +
        `${f1(target!)} Å (${targetFrom}) the critical exposure Nₑ is ${f1(ne)} e/Å² and the optimal one ` +
        `${f1(optimal)} e/Å²: ${perTiltTooHigh ? 'a single tilt already exceeds Nₑ' : 'a single tilt stays below Nₑ'}` +
        (beyond.length
          ? `, and ${beyond.length} of ${n} tilts were taken after ${f1(optimal)} e/Å² — they add to the average at ` +
            `${f1(target!)} Å only through alignment and must be down-weighted by exposure`
          : ''),
      basis: `${basisOf(n, 'tilts')}; dose from ${dose.from}; Grant & Grigorieff 2015 (Nₑ at ${voltageKv} kV)`,
      remedy: perTiltTooHigh
        ? 'lower the dose per tilt (or take fewer tilts) so that each stays below Nₑ at the target resolution'
        : 'none needed beyond exposure weighting (RELION 5, Warp/M apply it)',
    });
  } else
    add({
      code: 'exposure-not-measured',
      severity: 'info',
      statement:
        dose.dosePerTiltEPerA2 === undefined
          ? 'dose per tilt: not measured (no pre-exposure or exposure per tilt in these files)'
          : `dose ${dose.dosePerTiltEPerA2.toFixed(2)} e/Å² per tilt, ${f1(dose.totalDoseEPerA2!)} e/Å² in total; ` +
            'against the critical exposure: not measured (no target resolution and no CTF fit: give --target-a)',
      basis: basisOf(n, 'tilts'),
      remedy: 'give the tilt-series STAR (pre-exposure), the Warp XML or the .mdoc (ExposureDose)',
    });

  // M's per-tilt B-factors against the dose rule.
  if (ref && k !== undefined && bTilts.length >= 2) {
    const rows = report.perTilt.filter((p) => p.bfactorA2 !== undefined && p.doseRuleBfactorA2 !== undefined);
    const faster = rows.filter(
      (p) =>
        p.bfactorA2! <
        p.doseRuleBfactorA2! - Math.max(L.bfactorMarginA2, L.bfactorMarginFraction * Math.abs(p.doseRuleBfactorA2!)),
    );
    const slower = rows.filter((p) => p.bfactorA2! > p.doseRuleBfactorA2! + L.bfactorMarginA2);
    const hi = rows.reduce((a, b) => (b.preExposureEPerA2! > a.preExposureEPerA2! ? b : a));
    add({
      code: 'bfactor-vs-dose',
      severity: faster.length ? 'possible' : 'info',
      statement:
        (faster.length
          ? `${faster.length} of ${rows.length} tilts decay faster than the dose rule: ` +
            faster
              .map((p) => `${deg(p.tiltDeg)} (B ${f0(p.bfactorA2!)} Å², rule ${f0(p.doseRuleBfactorA2!)} Å²)`)
              .join(', ')
          : `no tilt decays faster than the dose rule`) +
        `; ${slower.length} decay slower (at the most exposed tilt, ${f1(hi.preExposureEPerA2!)} e/Å²: B ` +
        `${f0(hi.bfactorA2!)} Å² against the rule's ${f0(hi.doseRuleBfactorA2!)} Å²)` +
        `. The rule: Grant & Grigorieff's attenuation at ${f1(target!)} Å as a B-factor, −2·ΔN/(Nₑ·k²), added to ` +
        `the least-exposed tilt's B (${deg(ref.tiltDeg)}, ${f0(ref.bfactorA2!)} Å²); Warp's own default is −4 Å² ` +
        'per e/Å²',
      basis: `${rows.length} tilts with M's GridDoseBfacs of series ${m.name} (${files})`,
      remedy: faster.length
        ? 'the tilts that decay faster than radiation damage explains lose signal to something else (drift, ' +
          'charging, ' +
          'thicker ice at that tilt): check their motion and exclude or down-weight them'
        : 'none needed',
    });
    const cosRows = report.perTilt.filter((p) => p.weight !== undefined && p.tiltDeg !== undefined);
    if (cosRows.length >= 2) {
      const below = cosRows.filter((p) => p.weight! < 0.5 * Math.cos(((p.tiltDeg! - centre) * Math.PI) / 180));
      add({
        code: 'weights-vs-cos',
        severity: 'info',
        statement:
          `M's per-tilt weights run from ${Math.min(...cosRows.map((p) => p.weight!)).toFixed(2)} to ` +
          `${Math.max(...cosRows.map((p) => p.weight!)).toFixed(2)}; ${below.length} of ${cosRows.length} tilts are ` +
          'weighted below half of cos(tilt − centre), the fixed rule tilt-ctf and Warp apply',
        basis: `${cosRows.length} tilts with GridDoseWeights of series ${m.name}`,
        remedy: 'none needed: M measured these weights from the data',
      });
    }
  }

  // Alignment residuals.
  const resid = used.filter((t) => t.residualNm !== undefined);
  if (resid.length >= 3) {
    const med = median(resid.map((t) => t.residualNm!));
    const sd = 1.4826 * median(resid.map((t) => Math.abs(t.residualNm! - med)));
    const limit = Math.max(L.residualOutlierFactor * med, med + 4 * sd);
    const high = resid.filter((t) => t.residualNm! > limit);
    add({
      code: 'alignment-residuals',
      severity: high.length ? 'possible' : 'info',
      statement:
        `alignment residuals: median ${med.toFixed(2)} nm, max ` +
        `${Math.max(...resid.map((t) => t.residualNm!)).toFixed(2)} nm` +
        (high.length
          ? `; ${high.length} view(s) far above the rest: ` +
            high.map((t) => `${tiltName(t)} (${t.residualNm!.toFixed(2)} nm)`).join(', ')
          : '; no view stands out'),
      basis:
        `${basisOf(resid.length, 'aligned views')}; outlier > max(${L.residualOutlierFactor}× median, ` +
        'median + 4 robust SD)',
      remedy: high.length
        ? 'exclude or down-weight these views, or re-align with more fiducials / patches near them'
        : 'none needed',
    });
  } else
    add({
      code: 'alignment-not-measured',
      severity: 'info',
      statement: 'alignment residuals: not measured (no alignment log in these files)',
      basis: `series ${m.name} (${files})`,
      remedy: "give IMOD's taSolution.log or align.log to judge the alignment per view",
    });

  // Thickness.
  if (report.thicknessA !== undefined) {
    const t = report.thicknessA;
    add({
      code: 'thickness',
      severity: t > L.thickStrongA ? 'strong' : t > L.thickPossibleA ? 'possible' : 'info',
      statement:
        `specimen ${f0(t / 10)} nm thick (${f0(t / 5)} nm of path at 60°)` +
        (t > L.thickPossibleA ? ': thicker than the high tilts can image' : ''),
      basis: `series ${m.name} (${m.sources
        .find((s) => s.thicknessA !== undefined)!
        .file.split(/[\\/]/)
        .pop()}); limits > ${L.thickPossibleA / 10} nm (strong > ${L.thickStrongA / 10} nm)`,
      remedy:
        t > L.thickPossibleA
          ? 'thinner lamellae (FIB milling to 150–200 nm) or a narrower tilt range; down-weight the high tilts'
          : 'none needed',
    });
  } else
    add({
      code: 'thickness-not-measured',
      severity: 'info',
      statement: 'thickness: not measured (no thickness in these files)',
      basis: `series ${m.name} (${files})`,
      remedy: "give AreTomo3's TiltSeries_Metrics.csv or a CTFFIND5 run with thickness",
    });

  // Motion of the tilt movies (RELION's rlnAccumMotionTotal, in the file's units: RELION sums the shifts as stored).
  const moving = used.filter((t) => t.motionTotal !== undefined);
  if (moving.length >= L.minTiltsForTrend) {
    const med = median(moving.map((t) => t.motionTotal!));
    const sd = 1.4826 * median(moving.map((t) => Math.abs(t.motionTotal! - med)));
    const limit = Math.max(L.motionOutlierFactor * med, med + 4 * sd);
    const high = moving.filter((t) => t.motionTotal! > limit);
    add({
      code: 'tilt-motion',
      severity: high.length ? 'possible' : 'info',
      statement:
        `motion of the tilt movies: median ${med.toFixed(1)} (${RLN.accumMotionTotal}, in the file's units)` +
        (high.length
          ? `; ${high.length} tilt(s) moved far more: ` +
            high.map((t) => `${tiltName(t)} (${t.motionTotal!.toFixed(1)})`).join(', ')
          : '; no tilt stands out'),
      basis:
        `${basisOf(moving.length, 'tilt movies')}; outlier > max(${L.motionOutlierFactor}× median, median + 4 ` +
        'robust SD)',
      remedy: high.length
        ? 'down-weight or exclude these tilts; check the stage settling time after each tilt'
        : 'none needed',
    });
  }

  // Tilts a program excluded.
  const excluded = tilts.filter((t) => t.excluded);
  if (excluded.length)
    add({
      code: 'excluded-tilts',
      severity: 'info',
      statement: `${excluded.length} tilts are excluded in the files: ${listTilts(excluded)}`,
      basis: basisOf(n, 'tilts'),
      remedy: 'none needed',
    });
}
