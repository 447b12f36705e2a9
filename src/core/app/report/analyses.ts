import { anisotropy, type AnisotropyResult } from '../../analysis/anisotropy/anisotropy.js';
import { singleMapBudget, type SingleMapBudget } from '../../analysis/budget/budget.js';
import type { AberrationReading } from '../../analysis/ctf/aberrations.js';
import { calibrate, csFromZernike, type Calibration } from '../../analysis/ctf/calibration.js';
import { localResolution } from '../../analysis/locres/locres.js';
import { readLocres, type LocresReading } from '../../analysis/locres/reading.js';
import { longestDimensionA } from '../../analysis/masks/extent.js';
import type { ModelSummaryReport } from '../../analysis/model/summary.js';
import { fitAsymmetricUnit, symmetryWarning } from '../../analysis/orientations/asymmetric-unit.js';
import {
  coverageProblem,
  orientationCoverage,
  orientationProblem,
  type OrientationResult,
} from '../../analysis/orientations/scf.js';
import { postprocess, type PostprocessResult } from '../../analysis/postprocess/postprocess.js';
import type { TiltRow } from '../../analysis/tomo/tilt-series.js';
import { summarizeCtf, triageCtf, type CtfFinding, type CtfSummary } from '../../diagnosis/ctf-triage.js';
import { evidenceFrom } from '../../diagnosis/evidence.js';
import { InputError, type Warning } from '../../errors.js';
import type { CtfEstimate } from '../../model/ctf.js';
import type { CheckedHalves } from '../../model/checked-map.js';
import type { Compute } from '../../parallel/compute.js';
import { fscChartSpec, guinierChartSpec, histogramSpec, tiltDefocusSpec } from '../../report/figures/charts.js';
import { centralSlicePng, scaleBarA } from '../../report/png.js';
import type { TiltSeriesSummary } from '../../report/report.js';
import type { ProgressContext } from '../../util/progress.js';
import { aberrationsFromFiles } from '../inputs/ctf-results.js';
import type { NamedBytes } from '../job.js';
import { loadHalfMaps } from '../inputs/maps.js';
import { particleAngles } from '../inputs/particles.js';
import { orientationFigure } from '../jobs/orientations.js';
import type { ReportJobInput } from './report.js';
import { modelAnalyses } from './model.js';
import { fitTiltsSerially, prepareTiltSeries, tiltCtfJob } from '../jobs/tilt-ctf.js';

/**
 * The report's analyses, each returning its own typed part (its results, figures and warnings) for the report job
 * to put together: no shared state between them beyond what one hands the next.
 */

/** A figure's Vega-Lite spec under the name its files take. */
export interface FigureSpec {
  name: string;
  spec: Record<string, unknown>;
}

export interface Slice {
  title: string;
  png: Uint8Array;
}

/** What the half maps give: post-processing and what follows from it, and the maps for the viewer. */
export interface MapPart {
  halves: CheckedHalves;
  pixelSizeA: number;
  postprocess: PostprocessResult;
  anisotropy: AnisotropyResult | null;
  locres: LocresReading | null;
  /** The particle budget from the map's B-factor alone. */
  budget: SingleMapBudget | null;
  /** The particle's longest dimension from the mask (an upper bound), when no size was given. */
  maskDiameterA: number | null;
  /** The maps behind the slices, for interactive viewing (n³ each). */
  volumes: { n: number; sharpened: Float32Array; mask: Float32Array | null; locres: Float32Array | null };
  figures: FigureSpec[];
  slices: Slice[];
  warnings: Warning[];
}

export function mapAnalyses(inp: ReportJobInput, progress?: ProgressContext, compute?: Compute): MapPart {
  const h = loadHalfMaps(
    { half1: inp.half1!, half2: inp.half2!, mask: inp.mask ?? { kind: 'none' }, pixelSizeA: inp.pixelSizeA ?? null },
    compute,
  );
  const px = h.pixelSizeA;
  const warnings = [...h.warnings];
  const run = { anisotropy: inp.analyses?.anisotropy ?? true, localResolution: inp.analyses?.localResolution ?? true };
  progress?.report?.(0.05, 'post-processing');
  const options = { pixelSizeA: px, mask: h.mask, bfactor: { kind: 'auto' as const } };
  const post = postprocess(
    h.half1,
    h.half2,
    { ...options, ...(inp.mwKDa ? { mwKDa: inp.mwKDa } : {}) },
    undefined,
    compute,
  );
  const pp = post.result;
  warnings.push(...pp.warnings);
  const dx = evidenceFrom({ postprocess: pp });
  const budget =
    dx.bfactorA2 && pp.resolutionA ? singleMapBudget(dx.bfactorA2, pp.resolutionA, null, undefined, 2 * px) : null;
  const figures = postprocessFigures(pp);
  let an: AnisotropyResult | null = null;
  if (run.anisotropy) {
    progress?.report?.(0.35, 'anisotropy');
    an = anisotropy(h.half1, h.half2, { pixelSizeA: px, mask: post.mask }, undefined, compute).result;
    warnings.push(...an.warnings);
    figures.push(directionalFigure(an, pp.resolutionA));
  }
  const n = h.half1.nx;
  const maskDiameterA = post.mask && !inp.particleDiameterA ? longestDimensionA(post.mask, n, px) : null;
  const volumes: MapPart['volumes'] = { n, sharpened: post.sharpened, mask: post.mask, locres: null };
  let lr: LocresReading | null = null;
  if (run.localResolution) {
    progress?.report?.(0.55, 'local resolution');
    const l = localResolution(h.half1, h.half2, { pixelSizeA: px }, pp.resolutionA, undefined, compute);
    lr = readLocres(l.locres, n, px, post.mask, pp.resolutionA);
    warnings.push(...l.warnings, ...lr.warnings);
    volumes.locres = l.locres;
  }
  const bar = `scale bar ${scaleBarA(n, px)} Å`;
  const slices: Slice[] = [];
  const section = (title: string, v: Float32Array, axis: 'z' | 'y'): void => {
    const png = centralSlicePng(v, n, axis, px, compute?.codec);
    slices.push({ title: `${title}, central ${axis}-section (${bar})`, png });
  };
  section('sharpened map', post.sharpened, 'z');
  section('sharpened map', post.sharpened, 'y');
  if (post.mask) section('mask', post.mask, 'z');
  if (volumes.locres) section('local resolution (bright = worse)', volumes.locres, 'z');
  return {
    halves: h,
    pixelSizeA: px,
    postprocess: pp,
    anisotropy: an,
    locres: lr,
    budget,
    maskDiameterA,
    volumes,
    figures,
    slices,
    warnings,
  };
}

/** The FSC curves and the Guinier plot with its fit. */
function postprocessFigures(pp: PostprocessResult): FigureSpec[] {
  const curves = pp.shells.flatMap((s) => [
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscUnmasked, curve: 'unmasked' },
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscMasked, curve: 'masked' },
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscCorrected, curve: 'corrected' },
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscPhaseRandomized, curve: 'phase-randomised' },
  ]);
  const g = pp.guinier;
  const fitRows = pp.guinierShells.filter((s) => s.usedInFit);
  const first = fitRows[0],
    last = fitRows[fitRows.length - 1];
  const points = pp.guinierShells
    .filter((s) => s.shell > 0)
    .map((s) => ({
      x: s.invResolutionSquaredInvA2,
      original: s.lnAmplitudeOriginal,
      weighted: s.lnAmplitudeWeighted,
      sharpened: s.lnAmplitudeSharpened,
    }));
  const fit =
    g && first && last
      ? {
          slope: g.slope,
          intercept: g.intercept,
          fromX: first.invResolutionSquaredInvA2,
          toX: last.invResolutionSquaredInvA2,
        }
      : null;
  return [
    { name: 'fsc', spec: fscChartSpec(curves, `FSC: ${pp.resolutionA?.toFixed(2) ?? '—'} Å at 0.143 (corrected)`) },
    { name: 'guinier', spec: guinierChartSpec(points, fit) },
  ];
}

function directionalFigure(a: AnisotropyResult, globalA: number | null): FigureSpec {
  const dirs = a.directions.map((d) => d.resolutionA ?? NaN).filter(Number.isFinite);
  const title = `Directional resolution over ${a.directions.length} cones (sphericity ${a.sphericity.toFixed(3)})`;
  const global = globalA ? { value: globalA, label: 'global' } : undefined;
  return { name: 'directional', spec: histogramSpec(dirs, 'resolution (Å)', title, global) };
}

/** The dataset's CTF fits, judged against the map's resolution (cryodx's, else RELION's from the project). */
export interface CtfPart {
  summary: CtfSummary;
  triage: { findings: CtfFinding[]; outliers: number };
  /** The refined aberrations of the files' optics groups, priced at the map's resolution. */
  aberrations: AberrationReading[];
  figures: FigureSpec[];
}

export function ctfAnalysis(files: NamedBytes[], est: CtfEstimate[], mapA: number | null): CtfPart {
  const triage = triageCtf(est, { mapResolutionA: mapA });
  return {
    summary: summarizeCtf(est, mapA),
    triage: { findings: triage.findings, outliers: triage.outliers.length },
    aberrations: mapA ? aberrationsFromFiles(files, mapA) : [],
    figures: [
      {
        name: 'ctf-fit',
        spec: histogramSpec(
          est.map((e) => e.fitResolutionA),
          'CTF fit resolution (Å)',
          `CTF fit resolution of ${est.length} micrographs`,
          mapA ? { value: mapA, label: 'map' } : undefined,
        ),
      },
      {
        name: 'ctf-defocus',
        spec: histogramSpec(
          est.map((e) => (e.defocusUA + e.defocusVA) / 20000),
          'mean defocus (µm)',
          'Defocus',
        ),
      },
    ],
  };
}

/** A model placed in the maps: map–model FSC, construct advice, per residue; an overfitted model is a warning. */
export interface ModelPart {
  model: ModelSummaryReport;
  figures: FigureSpec[];
  warnings: Warning[];
}

export function modelAnalysis(
  model: NamedBytes,
  pae: NamedBytes | null,
  maps: MapPart | null,
  compute?: Compute,
): ModelPart {
  const m = modelAnalyses(
    { model, ...(pae ? { pae } : {}) },
    maps
      ? {
          half1: maps.halves.half1,
          half2: maps.halves.half2,
          pixelSizeA: maps.pixelSizeA,
          locres: maps.volumes.locres,
          resolutionA: maps.postprocess.resolutionA,
        }
      : null,
    compute,
  );
  const warnings = [...m.warnings];
  if (m.summary.mapModel?.overfitting.verdict === 'overfitted')
    warnings.push({
      code: 'model-overfitted',
      message: `${model.name}: ${m.summary.mapModel.overfitting.evidence} (Brown et al. 2015)`,
    });
  return { model: m.summary, figures: m.specs, warnings };
}

/** A tilt series' per-tilt CTF table (fitted as the front end provides, one tilt after another by default). */
export interface TiltPart {
  tiltSeries: TiltSeriesSummary;
  figures: FigureSpec[];
  warnings: Warning[];
}

export async function tiltSeriesAnalysis(inp: ReportJobInput, compute?: Compute): Promise<TiltPart | null> {
  if (!inp.tiltSeries) return null;
  const prepared = prepareTiltSeries(inp.tiltSeries, compute);
  const pairs = inp.fitTilts ? await inp.fitTilts(prepared) : fitTiltsSerially(prepared);
  const t = (await tiltCtfJob(prepared, pairs, inp.version)).result;
  return {
    tiltSeries: {
      stack: inp.tiltSeries.stack.name,
      method: t.method,
      tiltAxisDeg: t.tiltAxisDeg,
      tilts: t.tilts.map(tiltRow),
    },
    figures: [{ name: 'tilt-defocus', spec: tiltDefocusSpec(t.tilts, t.method) }],
    warnings: t.warnings,
  };
}

/** One tilt as the report shows it. */
function tiltRow(t: TiltRow): TiltSeriesSummary['tilts'][number] {
  return {
    tiltDeg: t.tiltDeg,
    preExposureEPerA2: t.preExposureEPerA2,
    defocusUA: t.defocusUA,
    defocusVA: t.defocusVA,
    fitResolutionA: t.fitResolutionA,
    bfactorA2: t.bfactorA2,
    weight: t.weight,
    flags: t.flags,
  };
}

/** Orientation coverage, or a warning saying why these angles cannot carry it (the rest of the report goes on). */
export interface OrientationPart {
  orientations: OrientationResult | null;
  figures: FigureSpec[];
  warnings: Warning[];
}

export function orientationAnalysis(file: NamedBytes, symmetry: string): OrientationPart {
  const a = particleAngles(file);
  const warnings = [...a.warnings];
  const skipped = (why: string): OrientationPart => ({
    orientations: null,
    figures: [],
    warnings: [...warnings, { code: 'orientations-skipped', message: `${file.name}: ${why}` }],
  });
  const problem = orientationProblem(a.rotDeg, a.tiltDeg);
  if (problem) return skipped(problem);
  const coverage = orientationCoverage(a.rotDeg, a.tiltDeg, { symmetry });
  const sparse = coverageProblem(coverage);
  if (sparse) return skipped(sparse);
  // Angles that fill only a point group's asymmetric unit: said, as the page asks it (asymmetric-unit.ts).
  const fit = fitAsymmetricUnit(a.rotDeg, a.tiltDeg);
  const or = { ...coverage, anglesFit: fit };
  const warn = symmetryWarning(fit, symmetry, file.name);
  const title = `Orientation distribution (${symmetry.toUpperCase()}, SCF* ${or.scfStar.toFixed(2)})`;
  return {
    orientations: or,
    figures: [{ name: 'orientations', spec: orientationFigure(a.rotDeg, a.tiltDeg, symmetry, title) }],
    warnings: [...warnings, ...or.warnings, ...(warn ? [warn] : [])],
  };
}

/** The microscope cause measured: the Cs a refinement found (or RELION's Z₄⁰) against the nominal one. */
export function calibration(
  o: NonNullable<ReportJobInput['calibration']>,
  pixelSizeA: number | null,
  resolutionA: number | null,
): Calibration {
  const voltageKv = o.voltageKv ?? 300;
  if ((o.csRefinedMm === undefined) === (o.zernikeZ40 === undefined))
    throw new InputError(
      'give the refined Cs (--cs-refined mm) or RELION’s Z40 term (--zernike-z40 Å) with --cs-nominal',
    );
  if (!pixelSizeA) throw new InputError('the Cs / pixel-size check needs the pixel size: give half maps or --angpix');
  const csRefinedMm = o.csRefinedMm ?? csFromZernike(o.csNominalMm, o.zernikeZ40!, voltageKv);
  return calibrate({
    csRefinedMm,
    csNominalMm: o.csNominalMm,
    pixelSizeA,
    voltageKv,
    ...(resolutionA ? { resolutionA } : {}),
  });
}
