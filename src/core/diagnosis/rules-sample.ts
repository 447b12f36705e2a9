import { levelOf, THRESHOLDS, type Level } from './thresholds.js';
import { basis } from '../model/basis.js';
import { evidence, finding, graded, judged, round, SUPPORT, type Evidence, type Finding } from './finding.js';
import { fractionPower, measured } from './power.js';
import { AT_NYQUIST, samplingLimited } from './rules-physics.js';
import type { DiagnosisInput } from './input.js';

const T = THRESHOLDS;

/** The rules that read the map and the particles: heterogeneity, orientation, the particle budget, sampling. */

export function heterogeneity(i: DiagnosisInput): Finding {
  if (!i.locres && !i.fsc && !i.model)
    return finding('1b-conformational', 'not measured', [], 'half maps (for local resolution)');
  const parts: { evidence: Evidence; level: Level; score: number }[] = [];
  const m = i.model;
  const map = basis(1, 'maps');
  if (m && m.disorderedFraction !== null) {
    const d = judged(
      T.disorderedFraction,
      m.disorderedFraction,
      `${(100 * m.disorderedFraction).toFixed(0)} % of the model's residues have pLDDT < 50 (predicted flexible)`,
      3,
      basis(m.residues ?? 0, 'residues'),
      // A prediction of the sample, not a measurement of the map: it can point, not rule out.
      measured('pLDDT of every residue: a prediction, not a measurement of the map', false),
    );
    parts.push({ ...d, score: d.level !== 'none' ? 1 : 0 });
  }
  if (m && i.locres) {
    const a = judged(
      T.plddtLocresSegments,
      m.agreement.length,
      m.agreement.length ? m.agreement.join('; ') : 'no segment is both predicted disordered and poorly resolved',
      0,
      basis(m.disorderedSegments ?? m.agreement.length, 'segments'),
      measured('local resolution at each predicted-disordered segment'),
    );
    parts.push({ ...a, score: a.level === 'strong' ? 2 : a.level === 'possible' ? 1 : 0 });
  }
  if (i.locres) {
    const lr = measured('local resolution over the masked map: sees a periphery ≥ 25 % worse than the core');
    const g = judged(
      T.peripheryOverCore,
      i.locres.peripheryA / i.locres.coreA,
      `local resolution ${i.locres.coreA.toFixed(1)} Å in the core, ${i.locres.peripheryA.toFixed(1)} Å at the ` +
        `periphery`,
      2,
      map,
      lr,
    );
    parts.push({ ...g, score: g.level === 'strong' ? 2 : g.level === 'possible' ? 1 : 0 });
    const w = judged(
      T.worseRegions,
      i.locres.worseRegions,
      `${i.locres.worseRegions} connected region(s) ≥ 25 % worse than the median local resolution`,
      0,
      basis(i.locres.worseRegions, 'regions'),
      lr,
    );
    if (w.level !== 'none') parts.push({ ...w, score: 1 });
  }
  if (i.fsc?.shape === 'long tail above 0.143')
    parts.push({
      evidence: evidence(
        {
          measure: 'fscShape',
          value: i.fsc.shape,
          threshold: 'long tail',
          statement: 'the FSC has a long tail above 0.143 (unresolved heterogeneity or anisotropy)',
          basis: map,
        },
        measured('the shape of one FSC curve', false),
      ),
      level: 'possible',
      score: 1,
    });
  const score = parts.reduce((s, p) => s + p.score, 0);
  const measuredIt = parts.some((p) => p.evidence.canRuleOut);
  const deciding = parts.find((p) => p.score > 0)?.evidence ?? parts.find((p) => p.evidence.canRuleOut)?.evidence;
  return finding(
    '1b-conformational',
    score >= 2 ? 'strong' : score === 1 ? 'possible' : measuredIt ? 'ruled out' : 'not measured',
    parts.map((p) => p.evidence),
    i.locres ? null : 'local resolution (cryodx locres)',
    score,
    deciding ?? null,
  );
}

export function compositional(i: DiagnosisInput): Finding {
  // 2D classes differ by view as much as by species: they speak to junk and views (picking, reason 6), never to 1a.
  if (i.classes && i.classes.dimensionality !== 2) return classEvidence(i.classes);
  const needs =
    '3D classification results (--classes run_itNNN_model.star, or a cryoSPARC heterogeneous refinement .cs)' +
    (i.classes ? ': 2D classes tell views and junk apart, not species' : '');
  // Without a classification, local asymmetric drops are a hint.
  if (
    i.locres &&
    i.locres.worseRegions > 0 &&
    levelOf(T.peripheryOverCore, i.locres.peripheryA / i.locres.coreA) === 'none'
  ) {
    const e = evidence(
      {
        measure: 'worseRegions',
        value: i.locres.worseRegions,
        threshold: '> 0 without a radial gradient',
        statement:
          'regions of poor local resolution that are not simply the periphery (partial occupancy of a partner?)',
        basis: basis(i.locres.worseRegions, 'regions'),
      },
      measured('a hint from local resolution, not a measurement of composition', false),
    );
    // A hint, not a measurement of composition: it ranks after measured causes of the same strength.
    return finding('1a-compositional', 'possible', [e], needs, 0.5);
  }
  return finding('1a-compositional', 'not measured', [], needs);
}

function classEvidence(c: NonNullable<DiagnosisInput['classes']>): Finding {
  const parts: { evidence: Evidence; level: Level }[] = [];
  const junk = c.junkFraction > 0 ? `; ${(100 * c.junkFraction).toFixed(0)} % of the particles sit in the others` : '';
  const classes = basis(c.classes, 'classes');
  const particles = c.particles ? basis(c.particles, 'particles') : classes;
  // One class cannot show a second species.
  const k = measured(
    c.classes > 1 ? `a 3D classification into ${c.classes} classes` : 'one class: no second species could show',
    c.classes > 1,
  );
  parts.push(
    judged(
      T.signalClasses,
      c.signalClasses,
      c.resolved
        ? `${c.signalClasses} of ${c.classes} 3D classes hold real signal${junk}`
        : `${c.signalClasses} of ${c.classes} 3D classes hold ≥ 5 % of the particles (no class resolutions in the ` +
            `file: junk cannot be told from signal; compare the class maps)`,
      0,
      classes,
      k,
    ),
  );
  if (c.keptSignalClasses !== null)
    parts.push(
      judged(
        T.keptSignalClasses,
        c.keptSignalClasses,
        c.keptSignalClasses > 1
          ? `the selection kept ${c.keptSignalClasses} distinct classes together: the refined set mixes them`
          : `the selection kept ${c.keptSignalClasses} class with signal for refinement`,
        0,
        classes,
        k,
      ),
    );
  const moving = c.jumpFraction ?? c.changesOptimalClasses;
  if (moving !== null) {
    const what =
      c.jumpFraction !== null ? 'changed class between the last two iterations' : 'changed class in the last iteration';
    parts.push(
      judged(
        T.classChanges,
        moving,
        `${(100 * moving).toFixed(1)} % of the particles ${what}`,
        3,
        particles,
        c.particles
          ? fractionPower(Math.round(moving * c.particles), c.particles, 'particles', T.classChanges.possible)
          : measured('RELION’s own count over all particles'),
      ),
    );
  }
  if (c.pMaxMedian !== null)
    parts.push({
      evidence: evidence(
        {
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
          basis: particles,
        },
        measured('reported, not judged', false),
      ),
      level: 'none',
    });
  return graded('1a-compositional', parts, 'a 3D classification into ≥ 2 classes');
}

export function orientation(i: DiagnosisInput): Finding {
  if (!i.anisotropy && !i.orientations)
    return finding('2-preferred-orientation', 'not measured', [], 'particle angles (STAR / .cs) or half maps');
  const parts: { evidence: Evidence; level: Level }[] = [];
  // The views themselves, against what as many uniformly random views give (a small set is uneven by chance).
  let viewsEven: boolean | null = null;
  if (i.orientations) {
    const p = viewsJudged(i.orientations);
    parts.push(p);
    viewsEven = p.level === 'none';
  }
  if (i.anisotropy) parts.push(...anisotropyEvidence(i.anisotropy, viewsEven));
  const f = graded(
    '2-preferred-orientation',
    parts,
    i.orientations ? null : "the particles' angles (--particles run_data.star) to tell preferred views from too few",
  );
  if (i.orientations || f.strength !== 'strong') return f;
  // Anisotropy without angles: preferred views or too few particles look alike; at most "possible".
  return finding(
    '2-preferred-orientation',
    'possible',
    f.evidence,
    "the particles' angles (--particles run_data.star, or a .cs with poses): they tell preferred views from too " +
      'few particles',
    SUPPORT.get(f) ?? 1,
    f.evidence[0] ?? null,
  );
}

/**
 * The particles' views against as many uniformly random views (a small set is uneven by chance): the one judgement
 * `report` and `orientations` both print.
 */
export function viewsJudged(o: NonNullable<DiagnosisInput['orientations']>): { evidence: Evidence; level: Level } {
  const floor = o.scfStarUniform ?? 1;
  const relative = Math.min(1, o.scfStar / floor);
  const n = o.particles;
  const chance = floor < 0.99 && n ? ` (${n} uniformly random views give ${floor.toFixed(3)})` : '';
  const p = judged(
    T.scfStarRelative,
    relative,
    `SCF* ${o.scfStar.toFixed(3)}, ${relative.toFixed(2)} of an even set${chance}`,
    3,
    basis(n ?? 0, 'particles'),
    measured(`the views of ${n ?? 'the'} particles against as many uniformly random views (the finite-sample floor)`),
  );
  const tilt = o.recommendedTiltDeg > 0 ? `; a ${o.recommendedTiltDeg}° tilt would fill the gaps` : '';
  const verdict = p.level === 'none' ? ': views as even as their number allows' : `: preferred orientation${tilt}`;
  return { ...p, evidence: { ...p.evidence, statement: p.evidence.statement + verdict } };
}

/** Sphericity, the spread of directions and cFAR, each against what an isotropic map of this FSC and box gives. */
function anisotropyEvidence(
  a: NonNullable<DiagnosisInput['anisotropy']>,
  viewsEven: boolean | null,
): { evidence: Evidence; level: Level }[] {
  const { sphericity, bestA, worstA, cfar } = a;
  const floor = a.sphericityFloor ?? 1;
  const cones = basis(a.cones ?? 0, 'cones');
  // Below the isotropic floor by more than its realisations scatter: only that part is anisotropy of the data.
  const beyond = sphericity < floor - SPHERICITY_FLOOR_MARGIN;
  const floorText = floor < 0.99 ? `; an isotropic map with this FSC and box gives ${floor.toFixed(3)}` : '';
  const sph = judged(
    T.sphericity,
    sphericity,
    `3DFSC sphericity ${sphericity.toFixed(3)}${floorText}`,
    3,
    cones,
    measured(
      `conical FSCs of one map against its isotropic floor (${floor.toFixed(3)}): sees anisotropy, not its cause`,
    ),
  );
  // Views as even as their number allows: a low sphericity is the sparseness of the set (more particles fill it:
  // see the particle budget), not a sample that prefers views (which a tilt would fix).
  const level: Level = beyond && viewsEven !== true ? sph.level : 'none';
  const why =
    beyond && viewsEven === true
      ? ' — with views as even as their number allows: a sparse set, not preferred views'
      : beyond && viewsEven === null
        ? ' — anisotropic: preferred views, or too few particles to fill Fourier space (the angles decide)'
        : '';
  const parts = [{ level, evidence: { ...sph.evidence, statement: sph.evidence.statement + why } }];
  if (bestA !== null && worstA !== null) {
    // The spread of conical FSCs has a floor of its own (few voxels per cone in a small box, the
    // particle's shape): it strengthens a low sphericity but does not grade the cause alone.
    const spread = judged(
      T.directionalSpread,
      worstA - bestA,
      `directional resolution ${bestA.toFixed(2)}–${worstA.toFixed(2)} Å`,
      2,
      cones,
      measured('the spread of conical FSCs: has a floor of its own; never decides alone', false),
    );
    parts.push(
      level === 'none' ? { ...spread, level: 'none' } : { ...spread, level: spread.level === 'none' ? 'none' : level },
    );
  }
  // cFAR is reported beside sphericity; alone it does not grade the cause.
  parts.push({
    ...judged(T.cfar, cfar, `cFAR ${cfar.toFixed(2)}`, 2, cones, measured('reported beside sphericity', false)),
    level: 'none',
  });
  return parts;
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
  return evidence(
    {
      measure: 'sphericity',
      value: round(a.sphericity, 3),
      threshold: `< ${(floor - SPHERICITY_FLOOR_MARGIN).toFixed(3)} (the isotropic floor) with even views`,
      statement:
        `${o.particles} particles whose views are as even as their number allows (SCF* ` +
        `${relative.toFixed(2)} of an even set), yet sphericity ${a.sphericity.toFixed(3)}: ` +
        'the set is too sparse to fill Fourier space',
      basis: basis(o.particles, 'particles'),
    },
    measured('two measurements agree: the views’ evenness and the map’s anisotropy'),
  );
}

/** An anisotropic map (beyond its floor) whose particles' angles were not given: too few particles is one reading. */
function anisotropicWithoutAngles(i: DiagnosisInput): Evidence | null {
  const a = i.anisotropy;
  if (!a || i.orientations) return null;
  const floor = a.sphericityFloor ?? 1;
  if (!(a.sphericity < floor - SPHERICITY_FLOOR_MARGIN) || levelOf(T.sphericity, a.sphericity) === 'none') return null;
  return evidence(
    {
      measure: 'sphericity',
      value: round(a.sphericity, 3),
      threshold: `< ${(floor - SPHERICITY_FLOOR_MARGIN).toFixed(3)} (the isotropic floor), angles not given`,
      statement:
        `sphericity ${a.sphericity.toFixed(3)} against an isotropic floor of ${floor.toFixed(3)}: a set too sparse ` +
        'to ' +
        'fill Fourier space looks like this as much as preferred views do (the angles decide)',
      basis: basis(a.cones ?? 0, 'cones'),
    },
    measured('anisotropy of one map: sees that Fourier space is unevenly filled, not why', false),
  );
}

export function particles(i: DiagnosisInput): Finding {
  if (i.budget?.from === 'single-map' && samplingLimited(i))
    return finding('particle-limited', 'not measured', [], { text: AT_NYQUIST, inputs: [] });
  const sparse = sparseViews(i);
  if (sparse && !['fit', 'reslog'].includes(i.budget?.from ?? '')) {
    const needs = 'refinements of 1/4, 1/2 and all the particles (cryodx budget) to measure it';
    // Two measurements agree here: the views' evenness and the map's anisotropy.
    return finding('particle-limited', 'possible', [sparse], needs, 2);
  }
  const unexplained = anisotropicWithoutAngles(i);
  if (unexplained && !['fit', 'reslog'].includes(i.budget?.from ?? ''))
    return finding(
      'particle-limited',
      'possible',
      [unexplained],
      "the particles' angles (--particles), or refinements of 1/4, 1/2 and all the particles (cryodx budget)",
      1,
    );
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
      `Å${b.from === 'single-map' ? " (from the map's B-factor alone: a best case)" : ''}` +
      (b.from === 'reslog' ? ' (ResLog: half maps rebuilt from random subsets of these particles)' : ''),
    2,
    b.from === 'fit'
      ? basis(b.refinements ?? 2, 'refinements')
      : basis(b.from === 'reslog' ? (b.maps ?? 2) : 1, 'maps'),
    b.from === 'fit'
      ? measured('a Rosenthal–Henderson fit over refinements of different sizes')
      : b.from === 'reslog'
        ? measured(
            'a Rosenthal–Henderson fit over half maps of random subsets (ResLog); the subsets keep the angles ' +
              'refined on all the particles, so they look better than they would refined alone: the gain from more ' +
              'particles is a lower bound',
            false,
          )
        : measured("one map's B-factor: an upper bound on what more data buys, it cannot show a limit", false),
  );
  // From one map's B the gain is what an ideal doubling buys: a hint, never a strong call, and a small one rules
  // nothing out that the budget would not (it is a best case).
  const strength =
    b.from !== 'single-map'
      ? b.particleLimited
        ? 'strong'
        : b.from === 'reslog'
          ? 'not measured'
          : 'ruled out'
      : g.level === 'none'
        ? 'ruled out'
        : 'possible';
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
  const map = basis(1, 'maps');
  const parts = [
    judged(
      T.fscAtNyquist,
      f.fscAtNyquist,
      `the FSC is ${f.fscAtNyquist.toFixed(3)} at Nyquist (${f.nyquistA.toFixed(2)} Å)`,
      3,
      map,
      measured('the FSC at the Nyquist shell: sees a map cut by its pixel size'),
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
        map,
        measured('where the FSC crosses 0.143, against Nyquist'),
      ),
    );
  }
  return graded('sampling-limit', parts);
}
