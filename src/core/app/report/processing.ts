import { fitBudget, singleMapBudget, type SingleMapBudget } from '../../analysis/budget/budget.js';
import { calibrate, csFromZernike, type Calibration } from '../../analysis/ctf/calibration.js';
import { evidenceFrom } from '../../diagnosis/evidence.js';
import { FormatError, InputError, type Warning } from '../../errors.js';
import { maybeGunzip } from '../../io/bytes.js';
import { evenIndexToMN } from '../../analysis/ctf/aberrations.js';
import { readOpticsAberrations, type OpticsAberrations } from '../../io/star/aberrations.js';
import { readStar } from '../../io/star/read.js';
import type { CtfEstimate } from '../../model/ctf.js';
import {
  classPopulationSpec,
  frameWeightSpec,
  motionSpec,
  pickerOverlapSpec,
} from '../../report/figures/processing.js';
import type { NamedBytes } from '../job.js';
import type { ProcessingSummary } from '../../report/report.js';
import {
  classesFromFiles,
  motionFromFiles,
  pickingFromFiles,
  polishingFromFile,
  postprocessFromFiles,
  type PickerFiles,
  type PostprocessEntry,
} from './processing-files.js';

/** The processing evidence a report takes beside the maps; each also found by `report --project`. */
export interface ProcessingInputs {
  /** corrected_micrographs.star, per-micrograph motion STARs, MotionCor2 logs. */
  motion?: NamedBytes[];
  /** Polishing's bfactors.star. */
  bfactors?: NamedBytes;
  /** A classification's model / optimiser / data STARs (or a cryoSPARC .cs with class posteriors). */
  classes?: NamedBytes[];
  /** One entry per picker. */
  picks?: PickerFiles[];
  /** CTF refinement's particle STARs (optics table with beam tilt, Zernike terms, magnification). */
  ctfRefine?: NamedBytes[];
  /** RELION post-processing of the project's refinements, in processing order (the last = the current map). */
  postprocessStars?: PostprocessEntry[];
  particleDiameterA?: number;
  micrographPixelSizeA?: number;
}

/** What report.json keeps (ProcessingSummary), and what the report job uses besides. */
export interface ProcessingResults extends ProcessingSummary {
  budgetSingle: SingleMapBudget | null;
  optics: OpticsAberrations[];
  calibration: Calibration | null;
  specs: { name: string; spec: Record<string, unknown> }[];
  warnings: Warning[];
}

export interface ProcessingContext {
  /** The map's resolution from cryodx's own post-processing, when half maps were given. */
  mapResolutionA: number | null;
  ctf: CtfEstimate[] | null;
  particles: NamedBytes | null;
  pixelSizeA: number | null;
}

/**
 * Runs one optional input's analysis; a file that cannot be read (a FormatError or InputError) is skipped
 * with a warning naming it and why, so its findings become "not measured" and the rest of the report goes on.
 * Anything else (a bug) still propagates.
 */
export function optionalInput<T>(what: string, warnings: Warning[], run: () => T): T | null {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof FormatError || e instanceof InputError)) throw e;
    warnings.push({
      code: 'input-skipped',
      message: `${e.message.replace(/\.$/, '')}; ${what} skipped: its findings are not measured`,
    });
    return null;
  }
}

export function processingAnalyses(inp: ProcessingInputs, ctx: ProcessingContext): ProcessingResults {
  const r: ProcessingResults = {
    relionPostprocess: null,
    gains: null,
    motion: null,
    polishing: null,
    classes: null,
    picking: null,
    budgetFit: null,
    budgetSingle: null,
    optics: [],
    calibration: null,
    specs: [],
    warnings: [],
  };
  const w = r.warnings;
  if (inp.postprocessStars?.length)
    optionalInput('the RELION post-processing', w, () => postprocessEvidence(inp.postprocessStars!, r, ctx));
  const mapA = ctx.mapResolutionA ?? r.relionPostprocess?.resolutionA ?? null;
  let micPx = inp.micrographPixelSizeA ?? null;
  let dose = null;
  const m = inp.motion?.length
    ? optionalInput('motion', w, () => motionFromFiles(inp.motion!, inp.micrographPixelSizeA ?? null))
    : null;
  if (m) {
    r.motion = m.reading;
    micPx ??= m.micrographPixelSizeA;
    dose = m.dose;
    r.warnings.push(...m.warnings);
    if (r.motion) r.specs.push({ name: 'motion', spec: motionSpec(r.motion.micrographs, r.motion.outliers) });
  }
  if (inp.ctfRefine?.length) {
    r.optics = inp.ctfRefine.flatMap(
      (f) =>
        optionalInput('CTF refinement', w, () =>
          readOpticsAberrations(readStar(maybeGunzip(f.bytes, f.name), { source: f.name })),
        ) ?? [],
    );
    r.calibration = calibrationFromZernike(r.optics, mapA, ctx.pixelSizeA);
  }
  const voltage = r.optics[0]?.voltageKv ?? null;
  const p = inp.bfactors
    ? optionalInput('polishing', w, () => polishingFromFile(inp.bfactors!, mapA, dose, voltage))
    : null;
  if (p) {
    r.polishing = p.reading;
    r.warnings.push(...p.warnings);
    if (r.polishing)
      r.specs.push({ name: 'polishing', spec: frameWeightSpec(r.polishing.frames, r.polishing.resolutionA) });
  }
  r.classes = inp.classes?.length ? optionalInput('classification', w, () => classesFromFiles(inp.classes!)) : null;
  if (r.classes) {
    const kind = r.classes.dimensionality === 2 ? '2D' : '3D';
    r.specs.push({
      name: 'classes',
      spec: classPopulationSpec(r.classes.classes, r.classes.history, r.classes.signalClasses, kind),
    });
  }
  const k = inp.picks?.length
    ? optionalInput('picking', w, () =>
        pickingFromFiles(inp.picks!, {
          diameterA: inp.particleDiameterA ?? null,
          micrographPixelSizeA: micPx,
          finalParticles: ctx.particles,
          ctf: ctx.ctf,
        }),
      )
    : null;
  if (k) {
    r.picking = k.reading;
    r.warnings.push(...k.warnings);
    const c = r.picking?.comparison;
    if (c) r.specs.push({ name: 'picking', spec: pickerOverlapSpec(c.a, c.b, c.perMicrograph) });
  }
  return r;
}

function postprocessEvidence(entries: PostprocessEntry[], r: ProcessingResults, ctx: ProcessingContext): void {
  const p = postprocessFromFiles(entries);
  r.relionPostprocess = p.latest;
  r.gains = p.gains;
  const distinct = new Set(p.points.map((x) => x.particles)).size;
  if (distinct >= 2) {
    r.budgetFit = fitBudget(p.points, { nyquistA: p.latest.nyquistA });
    r.warnings.push(...r.budgetFit.warnings);
  } else if (p.points.length >= 2)
    r.warnings.push({
      code: 'budget-same-size',
      message:
        `the project's ${p.points.length} refinements all have ${p.points[0]!.particles} particles: the ` +
        'Rosenthal–Henderson fit needs refinements of different sizes; the estimate comes from the B-factor',
    });
  // Without cryodx's own post-processing, the single-map estimate comes from RELION's B when it is credible.
  if (!r.budgetFit && ctx.mapResolutionA === null) {
    const dx = evidenceFrom({ relionPostprocess: p.latest });
    if (dx.bfactorA2) {
      const n = p.points[p.points.length - 1]?.particles ?? null;
      r.budgetSingle = singleMapBudget(dx.bfactorA2, p.latest.resolutionA, n, undefined, p.latest.nyquistA);
    } else if (p.latest.bfactorA2 !== null)
      r.warnings.push({
        code: 'budget-bfactor',
        message:
          `${p.latest.source}: B ${p.latest.bfactorA2.toFixed(1)} Å² from a Guinier fit with r² ` +
          `${p.latest.guinierR2?.toFixed(3) ?? '?'}: too poor a fit for a particle budget or a motion verdict`,
      });
  }
}

/** RELION's refined Z₄⁰ (even Zernike index 6) as a Cs, judged against the nominal Cs of the optics group. */
function calibrationFromZernike(
  optics: OpticsAberrations[],
  resolutionA: number | null,
  pixelSizeA: number | null,
): Calibration | null {
  const z40Index = Array.from({ length: 16 }, (_, i) => i).find((i) => {
    const [m, n] = evenIndexToMN(i);
    return m === 0 && n === 4;
  })!;
  for (const o of optics) {
    const z = o.evenZernike[z40Index];
    const px = pixelSizeA ?? o.pixelSizeA;
    if (z === undefined || z === 0 || o.csMm === null || o.voltageKv === null || px === null) continue;
    return calibrate({
      csRefinedMm: csFromZernike(o.csMm, z, o.voltageKv),
      csNominalMm: o.csMm,
      pixelSizeA: px,
      voltageKv: o.voltageKv,
      ...(resolutionA ? { resolutionA } : {}),
    });
  }
  return null;
}

/** The processing files given, by role, as report.json lists its inputs. */
export function processingInputNames(inp: ProcessingInputs & { bfactors?: NamedBytes }): Record<string, string | null> {
  const names = (f?: NamedBytes[]): string | null => (f?.length ? f.map((x) => x.name).join(', ') : null);
  return {
    motion: inp.motion?.length
      ? `${inp.motion.length} file(s): ${inp.motion[0]!.name}${inp.motion.length > 1 ? ', …' : ''}`
      : null,
    bfactors: inp.bfactors?.name ?? null,
    classes: names(inp.classes),
    picks: inp.picks?.length ? inp.picks.map((p) => `${p.name} (${p.files.length} files)`).join('; ') : null,
    ctfRefine: names(inp.ctfRefine),
    postprocess: inp.postprocessStars?.length ? inp.postprocessStars.map((p) => p.file.name).join(', ') : null,
  };
}

/** What report.json keeps of the processing analyses (per-micrograph tables trimmed to what the figures show). */
export function processingSummary(p: ProcessingResults): ProcessingSummary | null {
  if (!p.motion && !p.polishing && !p.classes && !p.picking && !p.relionPostprocess) return null;
  return {
    relionPostprocess: p.relionPostprocess,
    gains: p.gains,
    motion: p.motion,
    polishing: p.polishing,
    classes: p.classes,
    picking: p.picking,
    budgetFit: p.budgetFit,
  };
}
