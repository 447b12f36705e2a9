import { anisotropy, type AnisotropyResult } from '../analysis/anisotropy/anisotropy.js';
import { singleMapBudget, type SingleMapBudget } from '../analysis/budget/budget.js';
import { calibrate, csFromZernike, type Calibration } from '../analysis/ctf/calibration.js';
import { localResolution } from '../analysis/locres/locres.js';
import { longestDimensionA } from '../analysis/masks/extent.js';
import { readLocres, type LocresReading } from '../analysis/locres/reading.js';
import {
  coverageProblem,
  orientationCoverage,
  orientationProblem,
  viewingDirections,
  type OrientationResult,
} from '../analysis/orientations/scf.js';
import { postprocess, type PostprocessResult } from '../analysis/postprocess/postprocess.js';
import { summarizeCtf, triageCtf, type CtfFinding, type CtfSummary } from '../diagnosis/ctf-triage.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { evidenceFrom } from '../diagnosis/evidence.js';
import { InputError, type Warning } from '../errors.js';
import { fscChartSpec, guinierChartSpec, histogramSpec, tiltDefocusSpec } from '../report/figures/charts.js';
import { orientationDensitySpec } from '../report/figures/orientation.js';
import { renderSvg } from '../report/figures/svg.js';
import { renderHtml } from '../report/html.js';
import { centralSlicePng } from '../report/png.js';
import { buildReport, type Report } from '../report/report.js';
import type { ProgressContext } from '../util/progress.js';
import { aberrationsFromFiles, ctfFromFiles } from './ctf-results.js';
import {
  fitTiltsSerially,
  prepareTiltSeries,
  tiltCtfJob,
  type PreparedTiltSeries,
  type TiltCtfJobInput,
} from './tilt-ctf.js';
import type { TiltPair, TiltRow } from '../analysis/tomo/tilt-series.js';
import type { TiltSeriesSummary } from '../report/report.js';
import type { AberrationReading } from '../analysis/ctf/aberrations.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult, type NamedBytes } from './job.js';
import { loadHalfMaps, type MaskSpec } from './maps.js';
import { checkSymmetry } from './orientations.js';
import { particleAngles } from './particles.js';
import { processingAnalyses, type ProcessingInputs, type ProcessingResults } from './report-processing.js';
import type { InputUse, ModelSummaryReport, ProcessingSummary } from '../report/report.js';
import type { Volume } from '../model/volume.js';
import { modelAnalyses } from './report-model.js';

/** Everything `cryodx report` and the browser app accept; each analysis runs when its inputs are there. */
export interface ReportJobInput extends ProcessingInputs {
  half1?: NamedBytes;
  half2?: NamedBytes;
  mask?: MaskSpec;
  angpixA?: number | null;
  particles?: NamedBytes;
  ctf?: NamedBytes[];
  symmetry?: string;
  mwKDa?: number;
  /** A refined Cs (or RELION's Z₄⁰) with the nominal one: the microscope cause is then measured. */
  calibration?: { csNominalMm: number; csRefinedMm?: number; zernikeZ40?: number; voltageKv?: number };
  version: string;
  /** Directional FSC and local resolution are the slow parts; both run unless switched off. */
  analyses?: { anisotropy?: boolean; localResolution?: boolean };
  /** A tilt series (stack and geometry): its per-tilt CTF table joins the report. */
  tiltSeries?: TiltCtfJobInput;
  /** How the tilts are fitted (the CLI passes worker threads); one after another by default. */
  fitTilts?: (p: PreparedTiltSeries) => Promise<TiltPair[]>;
  /** A model placed in the maps (PDB / mmCIF), and AlphaFold's PAE for it. */
  model?: NamedBytes;
  pae?: NamedBytes;
  /** What `--project` found: every file it used with its job and why, and what it could not use. */
  project?: { root: string; kind: string; used: InputUse[]; notes: Warning[] };
}

export interface ReportFigure {
  name: string;
  caption: string;
  spec: Record<string, unknown>;
  svg: string;
}

export interface ReportJobResult {
  report: Report;
  figures: ReportFigure[];
  slices: { title: string; png: Uint8Array }[];
  /** The maps behind the slices, for interactive viewing (n³ each). */
  volumes: { n: number; sharpened: Float32Array; mask: Float32Array | null; locres: Float32Array | null } | null;
  html: string;
}

const CAPTIONS: Record<string, string> = {
  fsc: 'Fourier shell correlation: unmasked, masked, phase-randomised and corrected; dashed lines at 0.143 and 0.5',
  guinier: 'Guinier plot with the B-factor fit (dashed)',
  directional: 'Directional resolution (conical FSC at 0.143) against the global resolution (red)',
  orientations: 'Orientation distribution of the particles',
  'ctf-fit': 'CTF fit resolution per micrograph against the map resolution (red)',
  'ctf-defocus': 'Defocus per micrograph',
  'model-fsc': 'Map–model FSC: the model against the map and against each half (overfitting: half 1 above half 2)',
  residues: 'Per residue: AlphaFold pLDDT and the local resolution at the residue',
  motion: 'Accumulated motion per micrograph (early: the first 4 e⁻/Å²), outliers in full colour',
  polishing: 'Bayesian polishing: per-frame B-factor and the weight each frame carries at the map’s resolution',
  classes: 'Class populations: classes holding real signal against junk / noise',
  picking: 'Two pickers compared micrograph by micrograph: picks both found, and those only one found',
  'tilt-defocus': 'Defocus of each tilt (the reported method and the other)',
};

interface Collected {
  pp: PostprocessResult | null;
  an: AnisotropyResult | null;
  or: OrientationResult | null;
  lr: LocresReading | null;
  ctf: CtfSummary | null;
  ctfTriage: { findings: CtfFinding[]; outliers: number } | null;
  aberrations: AberrationReading[];
  tiltSeries: TiltSeriesSummary | null;
  budget: SingleMapBudget | null;
  calibration: Calibration | null;
  specs: { name: string; spec: Record<string, unknown> }[];
  slices: { title: string; png: Uint8Array }[];
  volumes: ReportJobResult['volumes'];
  warnings: Warning[];
  pixelSizeA: number | null;
  /** The particle's longest dimension from the mask (an upper bound), when no size was given. */
  maskDiameterA: number | null;
  halves: { half1: Volume; half2: Volume } | null;
  model: ModelSummaryReport | null;
}

/** Every analysis the inputs allow, then the diagnosis, report.json, report.html and the figures. */
export async function reportJob(inp: ReportJobInput, progress?: ProgressContext): Promise<JobResult<ReportJobResult>> {
  const processing = [inp.motion, inp.classes, inp.picks, inp.ctfRefine, inp.postprocessStars].some((x) => x?.length);
  if (
    !inp.half1 &&
    !inp.half2 &&
    !inp.particles &&
    !inp.ctf?.length &&
    !inp.tiltSeries &&
    !inp.bfactors &&
    !processing
  ) {
    throw new InputError(
      'nothing to analyse: give half maps (--half1 and --half2), particles (--particles), CTF results (--ctf), ' +
        'processing results (--motion, --bfactors, --classes, --picks, --postprocess) or a project (--project)',
    );
  }
  if (!inp.half1 !== !inp.half2) throw new InputError('give both half maps (--half1 and --half2), or neither');
  const symmetry = checkSymmetry(inp.symmetry ?? 'C1');
  const c: Collected = {
    ctfTriage: null,
    tiltSeries: null,
    aberrations: [],
    pp: null,
    an: null,
    or: null,
    lr: null,
    ctf: null,
    budget: null,
    calibration: null,
    specs: [],
    slices: [],
    volumes: null,
    warnings: [],
    pixelSizeA: inp.angpixA ?? null,
    maskDiameterA: null,
    halves: null,
    model: null,
  };
  if (inp.project) c.warnings.push(...inp.project.notes);
  if (inp.half1 && inp.half2) halfMapAnalyses(inp, c, progress);
  if (inp.particles) {
    progress?.report?.(0.8, 'orientations');
    orientationAnalysis(inp.particles, symmetry, c);
  }
  if (inp.ctf?.length) {
    const est = ctfFromFiles(inp.ctf);
    if (!est.length)
      throw new InputError(`${inp.ctf.map((f) => f.name).join(', ')}: no micrograph CTF results in these files`);
    const mapA = c.pp?.resolutionA ?? null;
    c.ctf = summarizeCtf(est, mapA);
    const triage = triageCtf(est, { mapResolutionA: mapA });
    if (mapA) c.aberrations = aberrationsFromFiles(inp.ctf, mapA);
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
  const proc = processingAnalyses(inp, {
    mapResolutionA: c.pp?.resolutionA ?? null,
    ctf: inp.ctf?.length ? ctfFromFiles(inp.ctf) : null,
    particles: inp.particles ?? null,
    pixelSizeA: c.pixelSizeA,
  });
  c.warnings.push(...proc.warnings);
  c.specs.push(...proc.specs);
  const mapA = c.pp?.resolutionA ?? proc.relionPostprocess?.resolutionA ?? null;
  if (inp.ctfRefine?.length && mapA) c.aberrations.push(...aberrationsFromFiles(inp.ctfRefine, mapA));
  if (!c.pp && proc.relionPostprocess && c.ctf && inp.ctf?.length) {
    // Without half maps the CTF fits are judged against RELION's resolution.
    const est = ctfFromFiles(inp.ctf);
    c.ctf = summarizeCtf(est, mapA);
    c.ctfTriage = { findings: triageCtf(est, { mapResolutionA: mapA }).findings, outliers: c.ctfTriage?.outliers ?? 0 };
    if (mapA && !c.aberrations.length) c.aberrations = aberrationsFromFiles(inp.ctf, mapA);
  }
  c.budget ??= proc.budgetSingle;
  if (inp.calibration) c.calibration = calibration(inp.calibration, c);
  else c.calibration = proc.calibration;
  if (inp.model) {
    progress?.report?.(0.88, 'model');
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
  if (inp.tiltSeries) {
    progress?.report?.(0.85, 'tilt series');
    const prepared = prepareTiltSeries(inp.tiltSeries);
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
  progress?.report?.(0.9, 'report');
  const findings = diagnose(
    evidenceFrom({
      postprocess: c.pp,
      anisotropy: c.an,
      orientations: c.or,
      locres: c.lr,
      ctf: c.ctf,
      calibration: c.calibration,
      aberrations: c.aberrations,
      budget: { fit: proc.budgetFit, singleMap: c.budget },
      relionPostprocess: proc.relionPostprocess,
      motion: proc.motion,
      polishing: proc.polishing,
      gains: proc.gains,
      classes: proc.classes,
      picking: proc.picking,
      particleDiameterA: inp.particleDiameterA ?? c.maskDiameterA,
      model: c.model,
    }),
  );
  const warnings = uniqueWarnings(c.warnings);
  const report = buildReport({
    version: inp.version,
    inputs: {
      half1: inp.half1?.name ?? null,
      half2: inp.half2?.name ?? null,
      mask: inp.mask?.kind === 'user' ? inp.mask.file.name : (inp.mask?.kind ?? 'none'),
      particles: inp.particles?.name ?? null,
      ctf: inp.ctf?.map((f) => f.name).join(', ') || null,
      model: inp.model?.name ?? null,
      pae: inp.pae?.name ?? null,
      pixelSizeA: c.pixelSizeA,
      symmetry,
      ...processingInputNames(inp),
      ...(inp.project ? { project: inp.project.root, projectKind: inp.project.kind, used: inp.project.used } : {}),
    },
    findings,
    postprocess: c.pp,
    anisotropy: c.an,
    orientations: c.or,
    locres: c.lr,
    ctf: c.ctf,
    ctfTriage: c.ctfTriage,
    aberrations: c.aberrations.length ? c.aberrations : null,
    tiltSeries: c.tiltSeries,
    budget: c.budget,
    calibration: c.calibration,
    processing: processingSummary(proc),
    model: c.model,
    warnings,
  });
  const figures = await Promise.all(
    c.specs.map(async (f) => ({ ...f, caption: CAPTIONS[f.name] ?? f.name, svg: await renderSvg(f.spec) })),
  );
  const html = renderHtml(report, { svg: figures.map((f) => ({ title: f.caption, svg: f.svg })), png: c.slices });
  const outputs: JobOutput[] = [
    { name: 'report.json', text: jsonText(report) },
    { name: 'report.html', text: html },
    ...figures.flatMap((f) => [
      { name: `figures/${f.name}.svg`, text: f.svg },
      { name: `figures/${f.name}.vl.json`, text: JSON.stringify(f.spec) },
    ]),
  ];
  return { result: { report, figures, slices: c.slices, volumes: c.volumes, html }, outputs, warnings };
}

function halfMapAnalyses(inp: ReportJobInput, c: Collected, progress?: ProgressContext): void {
  const h = loadHalfMaps({
    half1: inp.half1!,
    half2: inp.half2!,
    mask: inp.mask ?? { kind: 'none' },
    angpixA: inp.angpixA ?? null,
  });
  const px = h.pixelSizeA;
  c.pixelSizeA = px;
  c.warnings.push(...h.warnings);
  const [v1, v2] = [h.half1.volume, h.half2.volume];
  c.halves = { half1: v1, half2: v2 };
  const run = { anisotropy: inp.analyses?.anisotropy ?? true, localResolution: inp.analyses?.localResolution ?? true };
  progress?.report?.(0.05, 'post-processing');
  const post = postprocess(v1, v2, {
    pixelSizeA: px,
    mask: h.mask,
    bfactor: { kind: 'auto' },
    ...(inp.mwKDa ? { mwKDa: inp.mwKDa } : {}),
  });
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
    const a = anisotropy(v1, v2, { pixelSizeA: px, mask: post.mask });
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
    const l = localResolution(v1, v2, { pixelSizeA: px }, pp.resolutionA);
    c.lr = readLocres(l.locres, n, px, post.mask, pp.resolutionA);
    c.warnings.push(...l.warnings, ...c.lr.warnings);
    c.volumes.locres = l.locres;
  }
  c.slices.push({ title: 'sharpened map, central z-section', png: centralSlicePng(post.sharpened, n, 'z') });
  c.slices.push({ title: 'sharpened map, central y-section', png: centralSlicePng(post.sharpened, n, 'y') });
  if (post.mask) c.slices.push({ title: 'mask, central z-section', png: centralSlicePng(post.mask, n, 'z') });
  if (c.volumes.locres)
    c.slices.push({
      title: 'local resolution, central z-section (bright = worse)',
      png: centralSlicePng(c.volumes.locres, n, 'z'),
    });
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
function orientationAnalysis(file: NamedBytes, symmetry: string, c: Collected): void {
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

function calibration(o: NonNullable<ReportJobInput['calibration']>, c: Collected): Calibration {
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
    angpixA: c.pixelSizeA,
    voltageKv,
    ...(resolutionA ? { resolutionA } : {}),
  });
}

/** The processing files given, by role, as report.json lists its inputs. */
function processingInputNames(inp: ReportJobInput): Record<string, string | null> {
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
function processingSummary(p: ProcessingResults): ProcessingSummary | null {
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
