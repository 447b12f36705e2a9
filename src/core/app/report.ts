import { diagnose } from '../diagnosis/diagnose.js';
import { tomoReportJob, type TomoReportJobInput } from './tomo-report.js';
import { evidenceFrom } from '../diagnosis/evidence.js';
import { InputError } from '../errors.js';
import { renderSvg } from '../report/figures/svg.js';
import { renderHtml } from '../report/html.js';
import { buildReport, type InputUse, type Report } from '../report/report.js';
import type { Warning } from '../errors.js';
import type { Compute } from '../parallel/compute.js';
import type { ProgressContext } from '../util/progress.js';
import type { TiltPair } from '../analysis/tomo/tilt-series.js';
import { aberrationsFromFiles, ctfFromFiles } from './ctf-results.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult, type NamedBytes } from './job.js';
import type { MaskSpec } from './maps.js';
import { checkSymmetry } from './orientations.js';
import {
  calibration,
  ctfAnalysis,
  halfMapAnalyses,
  modelAnalysis,
  orientationAnalysis,
  tiltSeriesAnalysis,
} from './report-analyses.js';
import {
  optionalInput,
  processingAnalyses,
  processingInputNames,
  processingSummary,
  type ProcessingInputs,
  type ProcessingResults,
} from './report-processing.js';
import { newCollected, type Collected } from './report-state.js';
import type { PreparedTiltSeries, TiltCtfJobInput } from './tilt-ctf.js';

/** Everything `cryodx report` and the browser app accept; each analysis runs when its inputs are there. */
export interface ReportJobInput extends ProcessingInputs {
  half1?: NamedBytes;
  half2?: NamedBytes;
  mask?: MaskSpec;
  pixelSizeA?: number | null;
  particles?: NamedBytes;
  ctf?: NamedBytes[];
  symmetry?: string;
  mwKDa?: number;
  /** A refined Cs (or RELION's Z₄⁰) with the nominal one: the microscope cause is then measured. */
  calibration?: { csNominalMm: number; csRefinedMm?: number; zernikeZ40?: number; voltageKv?: number };
  version: string;
  /** Directional FSC and local resolution are the slow parts; both run unless switched off. */
  analyses?: { anisotropy?: boolean; localResolution?: boolean };
  /** A tomography project's tilt-series files (`report --project`): judged as `cryodx tomo-report` does. */
  tomography?: TomoReportJobInput;
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
  volumes: Collected['volumes'];
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

/** Every analysis the inputs allow, then the diagnosis, report.json, report.html and the figures. */
export async function reportJob(
  inp: ReportJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): Promise<JobResult<ReportJobResult>> {
  checkInputs(inp);
  const symmetry = checkSymmetry(inp.symmetry ?? 'C1');
  const c = newCollected(inp.pixelSizeA ?? null);
  if (inp.project) c.warnings.push(...inp.project.notes);
  if (inp.half1 && inp.half2) halfMapAnalyses(inp, c, progress, compute);
  // Every input besides the half maps is optional: one that cannot be read is skipped with a warning.
  const w = c.warnings;
  if (inp.particles) {
    progress?.report?.(0.8, 'orientations');
    optionalInput('orientations', w, () => orientationAnalysis(inp.particles!, symmetry, c));
  }
  const est = inp.ctf?.length
    ? optionalInput('the CTF analysis', w, () => {
        const e = ctfFromFiles(inp.ctf!);
        if (!e.length)
          throw new InputError(`${inp.ctf!.map((f) => f.name).join(', ')}: no micrograph CTF results in these files`);
        return e;
      })
    : null;
  const proc = processingAnalyses(inp, {
    mapResolutionA: c.pp?.resolutionA ?? null,
    ctf: est,
    particles: inp.particles ?? null,
    pixelSizeA: c.pixelSizeA,
  });
  c.warnings.push(...proc.warnings);
  c.specs.push(...proc.specs);
  // The map's resolution: cryodx's own post-processing, else RELION's from the project's postprocess.star.
  const mapA = c.pp?.resolutionA ?? proc.relionPostprocess?.resolutionA ?? null;
  if (inp.ctf && est) optionalInput('the CTF analysis', w, () => ctfAnalysis(inp.ctf!, est, mapA, c));
  if (inp.ctfRefine?.length && mapA)
    optionalInput('the aberrations', w, () => c.aberrations.push(...aberrationsFromFiles(inp.ctfRefine!, mapA)));
  c.budget ??= proc.budgetSingle;
  c.calibration = inp.calibration ? calibration(inp.calibration, c) : proc.calibration;
  if (inp.tiltSeries) progress?.report?.(0.85, 'tilt series');
  try {
    await tiltSeriesAnalysis(inp, c, compute);
  } catch (e) {
    optionalInput('the tilt series', w, () => {
      throw e;
    });
  }
  if (inp.tomography) {
    progress?.report?.(0.87, 'tomography');
    const t = (await tomoReportJob(inp.tomography)).result;
    c.tomography = { series: t.series, findings: t.findings };
    c.warnings.push(...t.warnings);
  }
  if (inp.model) progress?.report?.(0.88, 'model');
  optionalInput('the model', w, () => modelAnalysis(inp, c, compute));
  progress?.report?.(0.9, 'report');
  return writeReport(inp, c, proc, symmetry);
}

function checkInputs(inp: ReportJobInput): void {
  const processing = [inp.motion, inp.classes, inp.picks, inp.ctfRefine, inp.postprocessStars].some((x) => x?.length);
  const any =
    inp.half1 ||
    inp.half2 ||
    inp.particles ||
    inp.ctf?.length ||
    inp.tiltSeries ||
    inp.tomography ||
    inp.bfactors ||
    inp.model;
  if (!any && !processing) {
    throw new InputError(
      'nothing to analyse: give half maps (--half1 and --half2), particles (--particles), CTF results (--ctf), ' +
        'processing results (--motion, --bfactors, --classes, --picks, --postprocess), a model (--model) or a ' +
        'project (--project)',
    );
  }
  if (!inp.half1 !== !inp.half2) throw new InputError('give both half maps (--half1 and --half2), or neither');
}

/** The diagnosis of everything collected, report.json, report.html and the figures. */
async function writeReport(
  inp: ReportJobInput,
  c: Collected,
  proc: ProcessingResults,
  symmetry: string,
): Promise<JobResult<ReportJobResult>> {
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
    tomography: c.tomography,
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
