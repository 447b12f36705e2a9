import {
  coverageProblem,
  orientationCoverage,
  orientationProblem,
  viewingDirections,
  type OrientationResult,
} from '../../analysis/orientations/scf.js';
import { symmetryOperators } from '../../analysis/orientations/symmetry.js';
import {
  directionsInUnit,
  fitAsymmetricUnit,
  symmetryWarning,
  unitText,
} from '../../analysis/orientations/asymmetric-unit.js';
import { viewsJudged } from '../../diagnosis/rules-sample.js';
import type { Basis } from '../../model/basis.js';
import { InputError } from '../../errors.js';
import { orientationDensitySpec } from '../../report/figures/orientation.js';
import { renderSvg } from '../../report/figures/svg.js';
import { jsonText, uniqueWarnings, type JobResult, type NamedBytes } from '../job.js';
import { particleAngles } from '../inputs/particles.js';

export interface OrientationsJobInput {
  particles: NamedBytes;
  symmetry?: string;
  bfactorA2?: number;
  diameterA?: number;
  fourierRadius?: number;
}

/** `cryodx orientations`: SCF, SCF*, efficiency, tilt scan, and the equal-area density figure. */
export type OrientationsJobResult = OrientationResult & {
  verdict: {
    preferredOrientation: 'strong' | 'possible' | 'none';
    statement: string;
    threshold: string;
    basis: Basis;
    power: string;
  };
};

export async function orientationsJob(inp: OrientationsJobInput): Promise<JobResult<OrientationsJobResult>> {
  const symmetry = checkSymmetry(inp.symmetry ?? 'C1');
  const a = particleAngles(inp.particles);
  const problem = orientationProblem(a.rotDeg, a.tiltDeg);
  if (problem) throw new InputError(`${inp.particles.name}: ${problem}`);
  const r = orientationCoverage(a.rotDeg, a.tiltDeg, {
    symmetry,
    ...(inp.bfactorA2 !== undefined ? { bfactorA2: inp.bfactorA2 } : {}),
    ...(inp.diameterA !== undefined ? { diameterA: inp.diameterA } : {}),
    ...(inp.fourierRadius !== undefined ? { fourierRadius: inp.fourierRadius } : {}),
  });
  const sparse = coverageProblem(r);
  if (sparse) throw new InputError(`${inp.particles.name}: ${sparse}`);
  const views = viewsJudged({
    scfStar: r.scfStar,
    unsampledFraction: r.unsampledFraction,
    recommendedTiltDeg: r.recommendedTiltDeg,
    scfStarUniform: r.scfStarUniform?.mean ?? null,
    particles: r.nParticles,
  });
  const fit = fitAsymmetricUnit(a.rotDeg, a.tiltDeg);
  const warn = symmetryWarning(fit, symmetry, inp.particles.name);
  const result: OrientationsJobResult = {
    ...r,
    anglesFit: fit,
    // The judgement report's preferred-orientation cause makes of these views (the same rule and threshold).
    verdict: {
      preferredOrientation: views.level,
      statement: views.evidence.statement,
      threshold: views.evidence.threshold,
      basis: views.evidence.basis,
      power: views.evidence.power,
    },
    warnings: uniqueWarnings([...a.warnings, ...r.warnings, ...(warn ? [warn] : [])]),
  };
  const spec = orientationFigure(a.rotDeg, a.tiltDeg, symmetry, `Orientation distribution (${r.symmetry})`);
  return {
    result,
    outputs: [
      { name: 'orientations.json', text: jsonText(result) },
      { name: 'orientations.svg', text: await renderSvg(spec) },
      { name: 'orientations.vl.json', text: JSON.stringify(spec) },
    ],
    warnings: result.warnings,
  };
}

/**
 * The orientation figure under a symmetry: each particle once, in the group's asymmetric unit (C1: as refined), so
 * that the plot shows the views the particles give rather than |G| copies of each.
 */
export function orientationFigure(
  rotDeg: ArrayLike<number>,
  tiltDeg: ArrayLike<number>,
  symmetry: string,
  title: string,
): Record<string, unknown> {
  const text = unitText(symmetry);
  if (!text) return orientationDensitySpec(viewingDirections(rotDeg, tiltDeg, 'C1'), { title });
  return orientationDensitySpec(directionsInUnit(rotDeg, tiltDeg, symmetry), {
    title,
    unit: { symmetry: symmetry.toUpperCase(), text },
  });
}

/** A point group the symmetry code knows (C1, Cn, Dn, T, O, I), or a clear refusal. */
export function checkSymmetry(sym: string): string {
  try {
    symmetryOperators(sym);
  } catch (e) {
    throw new InputError(`--sym ${sym}: ${(e as Error).message}`);
  }
  return sym;
}
