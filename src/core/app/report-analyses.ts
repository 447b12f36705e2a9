import { anisotropy } from '../analysis/anisotropy/anisotropy.js';
import { singleMapBudget } from '../analysis/budget/budget.js';
import { calibrate, csFromZernike, type Calibration } from '../analysis/ctf/calibration.js';
import { localResolution } from '../analysis/locres/locres.js';
import { readLocres } from '../analysis/locres/reading.js';
import { longestDimensionA } from '../analysis/masks/extent.js';
import {
  coverageProblem,
  orientationCoverage,
  orientationProblem,
  viewingDirections,
} from '../analysis/orientations/scf.js';
import { postprocess } from '../analysis/postprocess/postprocess.js';
import type { TiltRow } from '../analysis/tomo/tilt-series.js';
import { summarizeCtf, triageCtf } from '../diagnosis/ctf-triage.js';
import { evidenceFrom } from '../diagnosis/evidence.js';
import { InputError } from '../errors.js';
import type { CtfEstimate } from '../model/ctf.js';
import { fscChartSpec, guinierChartSpec, histogramSpec, tiltDefocusSpec } from '../report/figures/charts.js';
import { orientationDensitySpec } from '../report/figures/orientation.js';
import { centralSlicePng } from '../report/png.js';
import type { TiltSeriesSummary } from '../report/report.js';
import type { Compute } from '../parallel/compute.js';
import type { ProgressContext } from '../util/progress.js';
import { aberrationsFromFiles } from './ctf-results.js';
import type { NamedBytes } from './job.js';
import { loadHalfMaps } from './maps.js';
import { particleAngles } from './particles.js';
import type { ReportJobInput } from './report.js';
import { modelAnalyses } from './report-model.js';
import type { Collected } from './report-state.js';
import { fitTiltsSerially, prepareTiltSeries, tiltCtfJob } from './tilt-ctf.js';

/** The analyses `reportJob` runs, each adding its results, figures and warnings to the collected state. */
export function halfMapAnalyses(
  inp: ReportJobInput,
  c: Collected,
  progress?: ProgressContext,
  compute?: Compute,
): void {
  const h = loadHalfMaps(
    {
      half1: inp.half1!,
      half2: inp.half2!,
      mask: inp.mask ?? { kind: 'none' },
      pixelSizeA: inp.pixelSizeA ?? null,
    },
    compute,
  );
  const px = h.pixelSizeA;
  c.pixelSizeA = px;
  c.warnings.push(...h.warnings);
  const [v1, v2] = [h.half1, h.half2];
  c.halves = { half1: v1, half2: v2 };
  const run = { anisotropy: inp.analyses?.anisotropy ?? true, localResolution: inp.analyses?.localResolution ?? true };
  progress?.report?.(0.05, 'post-processing');
  const post = postprocess(
    v1,
    v2,
    {
      pixelSizeA: px,
      mask: h.mask,
      bfactor: { kind: 'auto' },
      ...(inp.mwKDa ? { mwKDa: inp.mwKDa } : {}),
    },
    undefined,
    compute,
  );
  const pp = post.result;
  c.pp = pp;
  c.warnings.push(...pp.warnings);
  const dx = evidenceFrom({ postprocess: pp });
  if (dx.bfactorA2 && pp.resolutionA) c.budget = singleMapBudget(dx.bfactorA2, pp.resolutionA, null, undefined, 2 * px);
  const curves = pp.shells.flatMap((s) => [
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscUnmasked, curve: 'unmasked' },
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscMasked, curve: 'masked' },
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscCorrected, curve: 'corrected' },
    { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscPhaseRandomized, curve: 'phase-randomised' },
  ]);
  c.specs.push({
    name: 'fsc',
    spec: fscChartSpec(curves, `FSC: ${pp.resolutionA?.toFixed(2) ?? '—'} Å at 0.143 (corrected)`),
  });
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
  c.specs.push({
    name: 'guinier',
    spec: guinierChartSpec(
      points,
      g && first && last
        ? {
            slope: g.slope,
            intercept: g.intercept,
            fromX: first.invResolutionSquaredInvA2,
            toX: last.invResolutionSquaredInvA2,
          }
        : null,
    ),
  });
  if (run.anisotropy) {
    progress?.report?.(0.35, 'anisotropy');
    const a = anisotropy(v1, v2, { pixelSizeA: px, mask: post.mask }, undefined, compute);
    c.an = a.result;
    c.warnings.push(...a.result.warnings);
    const dirs = a.result.directions.map((d) => d.resolutionA ?? NaN).filter(Number.isFinite);
    const title =
      `Directional resolution over ${a.result.directions.length} cones (sphericity ` +
      `${a.result.sphericity.toFixed(3)})`;
    c.specs.push({
      name: 'directional',
      spec: histogramSpec(
        dirs,
        'resolution (Å)',
        title,
        pp.resolutionA ? { value: pp.resolutionA, label: 'global' } : undefined,
      ),
    });
  }
  const n = v1.nx;
  if (post.mask && !inp.particleDiameterA) c.maskDiameterA = longestDimensionA(post.mask, n, px);
  c.volumes = { n, sharpened: post.sharpened, mask: post.mask, locres: null };
  if (run.localResolution) {
    progress?.report?.(0.55, 'local resolution');
    const l = localResolution(v1, v2, { pixelSizeA: px }, pp.resolutionA, undefined, compute);
    c.lr = readLocres(l.locres, n, px, post.mask, pp.resolutionA);
    c.warnings.push(...l.warnings, ...c.lr.warnings);
    c.volumes.locres = l.locres;
  }
  const png = (d: Float32Array, axis: 'y' | 'z'): Uint8Array => centralSlicePng(d, n, axis, compute?.codec);
  c.slices.push({ title: 'sharpened map, central z-section', png: png(post.sharpened, 'z') });
  c.slices.push({ title: 'sharpened map, central y-section', png: png(post.sharpened, 'y') });
  if (post.mask) c.slices.push({ title: 'mask, central z-section', png: png(post.mask, 'z') });
  if (c.volumes.locres)
    c.slices.push({
      title: 'local resolution, central z-section (bright = worse)',
      png: png(c.volumes.locres, 'z'),
    });
}

/** The dataset's CTF fits, judged against the map's resolution (cryodx's, else RELION's from the project). */
export function ctfAnalysis(files: NamedBytes[], est: CtfEstimate[], mapA: number | null, c: Collected): void {
  c.ctf = summarizeCtf(est, mapA);
  const triage = triageCtf(est, { mapResolutionA: mapA });
  if (mapA) c.aberrations = aberrationsFromFiles(files, mapA);
  c.ctfTriage = { findings: triage.findings, outliers: triage.outliers.length };
  c.specs.push({
    name: 'ctf-fit',
    spec: histogramSpec(
      est.map((e) => e.fitResolutionA),
      'CTF fit resolution (Å)',
      `CTF fit resolution of ${est.length} micrographs`,
      mapA ? { value: mapA, label: 'map' } : undefined,
    ),
  });
  c.specs.push({
    name: 'ctf-defocus',
    spec: histogramSpec(
      est.map((e) => (e.defocusUA + e.defocusVA) / 20000),
      'mean defocus (µm)',
      'Defocus',
    ),
  });
}

/** A model placed in the maps: map–model FSC, construct advice, per residue; an overfitted model is a warning. */
export function modelAnalysis(inp: ReportJobInput, c: Collected, compute?: Compute): void {
  if (!inp.model) return;
  const m = modelAnalyses(
    { model: inp.model, ...(inp.pae ? { pae: inp.pae } : {}) },
    c.halves && c.pixelSizeA
      ? {
          ...c.halves,
          pixelSizeA: c.pixelSizeA,
          locres: c.volumes?.locres ?? null,
          resolutionA: c.pp?.resolutionA ?? null,
        }
      : null,
    compute,
  );
  c.model = m.summary;
  c.specs.push(...m.specs);
  c.warnings.push(...m.warnings);
  if (m.summary.mapModel?.overfitting.verdict === 'overfitted')
    c.warnings.push({
      code: 'model-overfitted',
      message: `${inp.model.name}: ${m.summary.mapModel.overfitting.evidence} (Brown et al. 2015)`,
    });
}

/** A tilt series' per-tilt CTF table (fitted as the front end provides, one tilt after another by default). */
export async function tiltSeriesAnalysis(inp: ReportJobInput, c: Collected, compute?: Compute): Promise<void> {
  if (!inp.tiltSeries) return;
  const prepared = prepareTiltSeries(inp.tiltSeries, compute);
  const pairs = inp.fitTilts ? await inp.fitTilts(prepared) : fitTiltsSerially(prepared);
  const t = (await tiltCtfJob(prepared, pairs, inp.version)).result;
  c.tiltSeries = {
    stack: inp.tiltSeries.stack.name,
    method: t.method,
    tiltAxisDeg: t.tiltAxisDeg,
    tilts: t.tilts.map(tiltRow),
  };
  c.warnings.push(...t.warnings);
  c.specs.push({ name: 'tilt-defocus', spec: tiltDefocusSpec(t.tilts, t.method) });
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
export function orientationAnalysis(file: NamedBytes, symmetry: string, c: Collected): void {
  const a = particleAngles(file);
  c.warnings.push(...a.warnings);
  const problem = orientationProblem(a.rotDeg, a.tiltDeg);
  if (problem) {
    c.warnings.push({ code: 'orientations-skipped', message: `${file.name}: ${problem}` });
    return;
  }
  const or = orientationCoverage(a.rotDeg, a.tiltDeg, { symmetry });
  const sparse = coverageProblem(or);
  if (sparse) {
    c.warnings.push({ code: 'orientations-skipped', message: `${file.name}: ${sparse}` });
    return;
  }
  c.or = or;
  c.warnings.push(...c.or.warnings);
  const title = `Orientation distribution (SCF* ${c.or.scfStar.toFixed(2)})`;
  c.specs.push({
    name: 'orientations',
    spec: orientationDensitySpec(viewingDirections(a.rotDeg, a.tiltDeg, symmetry), { title }),
  });
}

export function calibration(o: NonNullable<ReportJobInput['calibration']>, c: Collected): Calibration {
  const voltageKv = o.voltageKv ?? 300;
  if ((o.csRefinedMm === undefined) === (o.zernikeZ40 === undefined))
    throw new InputError(
      'give the refined Cs (--cs-refined mm) or RELION’s Z40 term (--zernike-z40 Å) with --cs-nominal',
    );
  if (!c.pixelSizeA) throw new InputError('the Cs / pixel-size check needs the pixel size: give half maps or --angpix');
  const csRefinedMm = o.csRefinedMm ?? csFromZernike(o.csNominalMm, o.zernikeZ40!, voltageKv);
  const resolutionA = c.pp?.resolutionA ?? undefined;
  return calibrate({
    csRefinedMm,
    csNominalMm: o.csNominalMm,
    pixelSizeA: c.pixelSizeA,
    voltageKv,
    ...(resolutionA ? { resolutionA } : {}),
  });
}
