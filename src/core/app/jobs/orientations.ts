import {
  coverageProblem,
  orientationCoverage,
  orientationProblem,
  viewingDirections,
  type OrientationResult,
} from '../../analysis/orientations/scf.js';
import { symmetryOperators } from '../../analysis/orientations/symmetry.js';
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
export async function orientationsJob(inp: OrientationsJobInput): Promise<JobResult<OrientationResult>> {
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
  const result = { ...r, warnings: uniqueWarnings([...a.warnings, ...r.warnings]) };
  const spec = orientationDensitySpec(viewingDirections(a.rotDeg, a.tiltDeg, symmetry), {
    title: `Orientation distribution (${r.symmetry}, symmetry-expanded)`,
  });
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

/** A point group the symmetry code knows (C1, Cn, Dn, T, O, I), or a clear refusal. */
export function checkSymmetry(sym: string): string {
  try {
    symmetryOperators(sym);
  } catch (e) {
    throw new InputError(`--sym ${sym}: ${(e as Error).message}`);
  }
  return sym;
}
