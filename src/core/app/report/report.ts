import { diagnose } from '../../diagnosis/diagnose.js';
import { tomoReportJob, type TomoReportJobInput } from '../jobs/tomo-report.js';
import { evidenceFrom } from '../../diagnosis/evidence.js';
import { InputError } from '../../errors.js';
import { renderSvg } from '../../report/figures/svg.js';
import { renderHtml, type HtmlFigures } from '../../report/html.js';
import { buildReport, type InputUse, type Report, type TomographySection } from '../../report/report.js';
import type { SingleMapBudget } from '../../analysis/budget/budget.js';
import type { AberrationReading } from '../../analysis/ctf/aberrations.js';
import type { Calibration } from '../../analysis/ctf/calibration.js';
import type { ModelSummaryReport } from '../../analysis/model/summary.js';
import type { OrientationResult } from '../../analysis/orientations/scf.js';
import type { Warning } from '../../errors.js';
import type { Compute } from '../../parallel/compute.js';
import { subProgress, type ProgressContext } from '../../util/progress.js';
import type { TiltPair } from '../../analysis/tomo/tilt-series.js';
import { aberrationsFromFiles, ctfFromFiles } from '../inputs/ctf-results.js';
import { usableFits } from '../../diagnosis/ctf-triage.js';
import { jsonText, uniqueWarnings, type JobOutput, type JobResult, type NamedBytes } from '../job.js';
import type { MaskSpec } from '../inputs/maps.js';
import { checkSymmetry } from '../jobs/orientations.js';
import {
  calibration,
  ctfAnalysis,
  mapAnalyses,
  modelAnalysis,
  orientationAnalysis,
  tiltSeriesAnalysis,
  type CtfPart,
  type FigureSpec,
  type MapPart,
  type Slice,
  type TiltPart,
} from './analyses.js';
import {
  optionalInput,
  processingAnalyses,
  processingInputNames,
  processingSummary,
  type ProcessingInputs,
  type ProcessingResults,
} from './processing.js';
import type { PreparedTiltSeries, TiltCtfJobInput } from '../jobs/tilt-ctf.js';
import { mapOutputs, measuredAnalysis, withRebuiltMaps, type MeasuredPart, type MeasureInput } from './measured.js';
import { withMeasuredEffects } from '../../diagnosis/measured.js';
import type { WhatifResult } from '../../diagnosis/whatif-result.js';

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
  /** What each fix buys, measured on the particles' images (`report --measure`): ResLog and what-if maps. */
  measure?: MeasureInput;
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
  slices: Slice[];
  /** The maps behind the slices, for interactive viewing (n³ each). */
  volumes: MapPart['volumes'] | null;
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
  residues: 'Per residue along the sequence',
  motion: 'Accumulated motion per micrograph (early: the first 4 e⁻/Å²), outliers in full colour',
  polishing: 'Bayesian polishing: per-frame B-factor and the weight each frame carries at the map’s resolution',
  classes: 'Class populations: classes holding real signal against junk / noise',
  picking: 'Two pickers compared micrograph by micrograph: picks both found, and those only one found',
  'tilt-defocus': 'Defocus of each tilt (the reported method and the other)',
  reslog:
    'ResLog: 1/d² of half maps rebuilt from random subsets against the particle count; the Rosenthal–Henderson ' +
    'line and its predictions at 2×, 4× and 10× (95 % band); Nyquist dashed',
  whatif:
    'What each fix buys: the map without each flagged group (coloured by verdict) against maps without as many ' +
    'random particles (grey ticks and range); the map of all particles dashed',
};

/** A figure's caption: the table's, or for figures whose content depends on the inputs, their own title. */
function captionOf(f: { name: string; spec: Record<string, unknown> }): string {
  const title = f.spec['title'];
  if (f.name === 'residues' && typeof title === 'string') return title;
  return CAPTIONS[f.name] ?? f.name;
}

/** The figures as the HTML renderer takes them: named (for anchors and the page's slots), captioned. */
export function htmlFigures(figures: ReportFigure[], slices: ReportJobResult['slices']): HtmlFigures {
  return { svg: figures.map((f) => ({ name: f.name, title: f.caption, svg: f.svg })), png: slices };
}

/** Every analysis the inputs allow, then the diagnosis, report.json, report.html and the figures. */
export async function reportJob(
  inp: ReportJobInput,
  progress?: ProgressContext,
  compute?: Compute,
): Promise<JobResult<ReportJobResult>> {
  checkInputs(inp);
  const symmetry = checkSymmetry(inp.symmetry ?? 'C1');
  // --measure first: it reads the particle stacks (a missing one stops the run before anything else is spent), and
  // the maps it rebuilds when none are given are the ones every map analysis then reads. It takes most of the bar.
  const whole = progress;
  let measured: MeasuredPart | null = null;
  let rebuilt: JobOutput[] = [];
  const measure = inp.measure;
  if (measure) {
    const r = await withRebuiltMaps({ ...inp, measure }, subProgress(whole, 0, 0.1), compute);
    inp = r.input;
    rebuilt = r.outputs;
    measured = await measuredAnalysis({ ...inp, symmetry, measure }, subProgress(whole, 0.1, 0.7), compute);
    progress = subProgress(whole, 0.8, 0.2);
  }
  // Every part's warnings in the order its analysis ran; an optional input that cannot be read adds its own.
  const w: Warning[] = [...(inp.project?.notes ?? [])];
  const maps = inp.half1 && inp.half2 ? mapAnalyses(inp, progress, compute) : null;
  w.push(...(maps?.warnings ?? []));
  if (inp.particles) progress?.report?.(0.8, 'orientations');
  const orientations = inp.particles
    ? optionalInput('orientations', w, () => orientationAnalysis(inp.particles!, symmetry))
    : null;
  w.push(...(orientations?.warnings ?? []));
  const est = inp.ctf?.length
    ? optionalInput('the CTF analysis', w, () => {
        const e = ctfFromFiles(inp.ctf!);
        if (!e.length)
          throw new InputError(`${inp.ctf!.map((f) => f.name).join(', ')}: no micrograph CTF results in these files`);
        return e;
      })
    : null;
  const pixelSizeA = maps?.pixelSizeA ?? inp.pixelSizeA ?? null;
  const proc = processingAnalyses(inp, {
    mapResolutionA: maps?.postprocess.resolutionA ?? null,
    // No number from an unreliable fit (or from any fit of a failed run) enters another analysis.
    ctf: est ? usableFits(est) : null,
    particles: inp.particles ?? null,
    pixelSizeA,
  });
  w.push(...proc.warnings);
  // The map's resolution: cryodx's own post-processing, else RELION's from the project's postprocess.star.
  const mapA = maps?.postprocess.resolutionA ?? proc.relionPostprocess?.resolutionA ?? null;
  const ctf = inp.ctf && est ? optionalInput('the CTF analysis', w, () => ctfAnalysis(inp.ctf!, est, mapA)) : null;
  const refined =
    inp.ctfRefine?.length && mapA
      ? optionalInput('the aberrations', w, () => aberrationsFromFiles(inp.ctfRefine!, mapA))
      : null;
  const calibrated = inp.calibration
    ? calibration(inp.calibration, pixelSizeA, maps?.postprocess.resolutionA ?? null)
    : proc.calibration;
  if (inp.tiltSeries) progress?.report?.(0.85, 'tilt series');
  let tilt: TiltPart | null = null;
  try {
    tilt = await tiltSeriesAnalysis(inp, compute);
  } catch (e) {
    optionalInput('the tilt series', w, () => {
      throw e;
    });
  }
  w.push(...(tilt?.warnings ?? []));
  let tomography: TomographySection | null = null;
  if (inp.tomography) {
    progress?.report?.(0.87, 'tomography');
    const t = (await tomoReportJob(inp.tomography)).result;
    tomography = { series: t.series, findings: t.findings };
    w.push(...t.warnings);
  }
  if (inp.model) progress?.report?.(0.88, 'model');
  const model = inp.model
    ? optionalInput('the model', w, () => modelAnalysis(inp.model!, inp.pae ?? null, maps, compute))
    : null;
  w.push(...(model?.warnings ?? []));
  if (measured) {
    w.push(...measured.warnings, ...sameMaps(maps, measured));
    measured.outputs.push(...rebuilt, ...(maps ? mapOutputs(maps, rebuilt.length > 0) : []));
  }
  progress = whole;
  progress?.report?.(0.96, 'report');
  return writeReport(inp, symmetry, {
    measured,
    maps,
    orientations: orientations?.orientations ?? null,
    ctf,
    aberrations: [...(ctf?.aberrations ?? []), ...(refined ?? [])],
    tilt,
    tomography,
    model: model?.model ?? null,
    calibration: calibrated,
    budget: maps?.budget ?? proc.budgetSingle,
    processing: proc,
    pixelSizeA,
    figures: [
      ...(maps?.figures ?? []),
      ...(orientations?.figures ?? []),
      ...proc.specs,
      ...(ctf?.figures ?? []),
      ...(tilt?.figures ?? []),
      ...(model?.figures ?? []),
      ...(measured?.figures ?? []),
    ],
    warnings: w,
  });
}

/** The report's state once every analysis has run: named, typed parts (null where an input was not given). */
interface ReportParts {
  measured: MeasuredPart | null;
  maps: MapPart | null;
  orientations: OrientationResult | null;
  ctf: CtfPart | null;
  aberrations: AberrationReading[];
  tilt: TiltPart | null;
  tomography: TomographySection | null;
  model: ModelSummaryReport | null;
  calibration: Calibration | null;
  budget: SingleMapBudget | null;
  processing: ProcessingResults;
  pixelSizeA: number | null;
  figures: FigureSpec[];
  warnings: Warning[];
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

/** The diagnosis of every part, report.json, report.html and the figures. */
async function writeReport(inp: ReportJobInput, symmetry: string, p: ReportParts): Promise<JobResult<ReportJobResult>> {
  const pp = p.maps?.postprocess ?? null;
  const proc = p.processing;
  const findings = diagnose(
    evidenceFrom({
      postprocess: pp,
      anisotropy: p.maps?.anisotropy ?? null,
      orientations: p.orientations,
      locres: p.maps?.locres ?? null,
      ctf: p.ctf?.summary ?? null,
      calibration: p.calibration,
      aberrations: p.aberrations,
      budget: { fit: proc.budgetFit, singleMap: p.budget },
      relionPostprocess: proc.relionPostprocess,
      motion: proc.motion,
      polishing: proc.polishing,
      gains: proc.gains,
      classes: proc.classes,
      picking: proc.picking,
      particleDiameterA: inp.particleDiameterA ?? p.maps?.maskDiameterA ?? null,
      model: p.model,
      reslog: p.measured ? reslogEvidence(p.measured) : null,
    }),
  );
  const whatif = p.measured?.section.whatif ?? null;
  const ranked = whatif ? withMeasuredEffects(findings, whatif.groups, whatifContext(whatif)) : findings;
  const warnings = uniqueWarnings(p.warnings);
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
      pixelSizeA: p.pixelSizeA,
      symmetry,
      ...processingInputNames(inp),
      ...(inp.project ? { project: inp.project.root, projectKind: inp.project.kind, used: inp.project.used } : {}),
    },
    findings: ranked,
    postprocess: pp,
    anisotropy: p.maps?.anisotropy ?? null,
    orientations: p.orientations,
    locres: p.maps?.locres ?? null,
    ctf: p.ctf?.summary ?? null,
    ctfTriage: p.ctf?.triage ?? null,
    aberrations: p.aberrations.length ? p.aberrations : null,
    tiltSeries: p.tilt?.tiltSeries ?? null,
    tomography: p.tomography,
    budget: p.budget,
    calibration: p.calibration,
    processing: processingSummary(proc),
    model: p.model,
    measured: p.measured?.section ?? null,
    warnings,
  });
  const slices = p.maps?.slices ?? [];
  const figures = await Promise.all(
    p.figures.map(async (f) => ({ ...f, caption: captionOf(f), svg: await renderSvg(f.spec) })),
  );
  const html = renderHtml(report, htmlFigures(figures, slices));
  const outputs: JobOutput[] = [
    { name: 'report.json', text: jsonText(report) },
    { name: 'report.html', text: html },
    ...(p.measured?.outputs ?? []),
    ...figures.flatMap((f) => [
      { name: `figures/${f.name}.svg`, text: f.svg },
      { name: `figures/${f.name}.vl.json`, text: JSON.stringify(f.spec) },
    ]),
  ];
  const volumes = p.maps?.volumes ?? null;
  return { result: { report, figures, slices, volumes, html }, outputs, warnings };
}

/** ResLog as the diagnosis's particle budget (the fit's own doubling gain); none at the sampling limit. */
function reslogEvidence(m: MeasuredPart): {
  particleLimited: boolean | null;
  doublingGainA: number | null;
  maps: number;
} {
  const r = m.section.reslog;
  return {
    particleLimited: r.samplingLimitedFrom !== null ? null : r.particleLimited,
    doublingGainA: r.fit?.doublingGainA ?? null,
    maps: r.points.reduce((a, p) => a + p.perRepeatA.length, 0),
  };
}

function whatifContext(w: WhatifResult): Parameters<typeof withMeasuredEffects>[2] {
  return {
    fullA: w.full.resolutionInterpolatedA,
    particles: w.full.particles,
    samplingLimited: w.warnings.some((x) => x.code === 'whatif-sampling-limited'),
  };
}

/** Half maps given beside --measure: the what-ifs describe maps rebuilt from the particles, said when those differ. */
function sameMaps(maps: MapPart | null, m: MeasuredPart): Warning[] {
  const w = m.section.whatif;
  if (!maps || !w) return [];
  const n = maps.volumes.n;
  if (n === w.boxSize && Math.abs(maps.pixelSizeA / w.pixelSizeA - 1) < 0.005) return [];
  return [
    {
      code: 'measure-other-maps',
      message:
        `the half maps given (${n} px at ${maps.pixelSizeA.toFixed(3)} Å) are not on the particles' grid ` +
        `(${w.boxSize} px at ${w.pixelSizeA.toFixed(3)} Å): the measured section describes maps rebuilt from the ` +
        'particles, the rest of the report the maps given',
    },
  ];
}
