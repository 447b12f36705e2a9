import { levelOf, THRESHOLDS, type Level } from './thresholds.js';
import { finding, graded, judged, round, type Evidence, type Finding } from './finding.js';
import { AT_NYQUIST, samplingLimited } from './rules-physics.js';
import type { DiagnosisInput } from './input.js';

const T = THRESHOLDS;

/** The rules that read the map and the particles: heterogeneity, orientation, the particle budget, sampling. */

export function heterogeneity(i: DiagnosisInput): Finding {
  if (!i.locres && !i.fsc && !i.model)
    return finding('1b-conformational', 'not measured', [], 'half maps (for local resolution)');
  const ev: Evidence[] = [];
  let score = 0;
  const m = i.model;
  if (m && m.disorderedFraction !== null) {
    const d = judged(
      T.disorderedFraction,
      m.disorderedFraction,
      `${(100 * m.disorderedFraction).toFixed(0)} % of the model's residues have pLDDT < 50 (predicted flexible)`,
    );
    ev.push(d.evidence);
    if (d.level !== 'none') score += 1;
  }
  if (m && i.locres) {
    const a = judged(
      T.plddtLocresSegments,
      m.agreement.length,
      m.agreement.length ? m.agreement.join('; ') : 'no segment is both predicted disordered and poorly resolved',
      0,
    );
    ev.push(a.evidence);
    score += a.level === 'strong' ? 2 : a.level === 'possible' ? 1 : 0;
  }
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
  const measured = !!i.locres || (m?.disorderedFraction ?? null) !== null;
  return finding(
    '1b-conformational',
    score >= 2 ? 'strong' : score === 1 ? 'possible' : measured ? 'ruled out' : 'not measured',
    ev,
    i.locres ? null : 'local resolution (cryodx locres)',
    score,
  );
}

export function compositional(i: DiagnosisInput): Finding {
  if (i.classes) return classEvidence(i.classes);
  // Without a classification, local asymmetric drops are a hint.
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
      '3D classification results (--classes run_itNNN_model.star)',
      // A hint, not a measurement of composition: it ranks after measured causes of the same strength.
      0.5,
    );
  }
  return finding(
    '1a-compositional',
    'not measured',
    [],
    '3D classification results (--classes run_itNNN_model.star, or a cryoSPARC classification .cs)',
  );
}

function classEvidence(c: NonNullable<DiagnosisInput['classes']>): Finding {
  const kind = c.dimensionality === 2 ? '2D' : '3D';
  const parts: { evidence: Evidence; level: Level }[] = [];
  const junk = c.junkFraction > 0 ? `; ${(100 * c.junkFraction).toFixed(0)} % of the particles sit in the others` : '';
  // 2D classes differ by view as much as by composition: they can hint, never decide.
  const signal = judged(
    T.signalClasses,
    c.signalClasses,
    c.resolved
      ? `${c.signalClasses} of ${c.classes} ${kind} classes hold real signal${junk}`
      : `${c.signalClasses} of ${c.classes} ${kind} classes hold ≥ 5 % of the particles (no class resolutions in the ` +
          `file: junk cannot be told from signal; compare the class maps)`,
    0,
  );
  parts.push(kind === '2D' ? { ...signal, level: 'none' } : signal);
  if (c.keptSignalClasses !== null && kind === '3D')
    parts.push(
      judged(
        T.keptSignalClasses,
        c.keptSignalClasses,
        c.keptSignalClasses > 1
          ? `the selection kept ${c.keptSignalClasses} distinct classes together: the refined set mixes them`
          : `the selection kept ${c.keptSignalClasses} class with signal for refinement`,
        0,
      ),
    );
  const moving = c.jumpFraction ?? c.changesOptimalClasses;
  if (moving !== null) {
    const what =
      c.jumpFraction !== null ? 'changed class between the last two iterations' : 'changed class in the last iteration';
    parts.push(judged(T.classChanges, moving, `${(100 * moving).toFixed(1)} % of the particles ${what}`));
  }
  if (c.pMaxMedian !== null)
    parts.push({
      evidence: {
        measure: 'pMaxMedian',
        value: Number(c.pMaxMedian.toFixed(3)),
        threshold: 'reported',
        statement:
          `median pMax ${c.pMaxMedian.toFixed(2)}` +
          (c.pMaxBimodality !== null
            ? `, bimodality coefficient ${c.pMaxBimodality.toFixed(2)} ` +
              (c.pMaxBimodality > 0.555
                ? '(> 0.555: confident and uncertain particles form two groups)'
                : '(one group)')
            : '') +
          (c.significantSamplesMedian != null ? `; median significant samples ${c.significantSamplesMedian}` : ''),
      },
      level: 'none',
    });
  return graded('1a-compositional', parts);
}

export function orientation(i: DiagnosisInput): Finding {
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

export function particles(i: DiagnosisInput): Finding {
  if (i.budget?.from === 'single-map' && samplingLimited(i))
    return finding('particle-limited', 'not measured', [], { text: AT_NYQUIST, inputs: [] });
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

export function sampling(i: DiagnosisInput): Finding {
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
