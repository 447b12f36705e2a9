import { anisotropy } from '../analysis/anisotropy/anisotropy.js';
import { singleMapBudget } from '../analysis/budget/budget.js';
import { summarizeCtf } from '../analysis/ctf/triage.js';
import type { MaskChoice } from '../analysis/fsc/suite.js';
import { localResolution } from '../analysis/locres/locres.js';
import { readLocres } from '../analysis/locres/reading.js';
import { orientationCoverage, viewingDirections } from '../analysis/orientations/scf.js';
import { postprocess } from '../analysis/postprocess/postprocess.js';
import { diagnose, type DiagnosisInput } from '../diagnosis/diagnose.js';
import { decodeText, maybeGunzip } from '../io/bytes.js';
import { ctfFromStar } from '../io/ctf-star.js';
import { readCtffind } from '../io/ctffind.js';
import { csToStar } from '../io/cryosparc/convert.js';
import { detectFormat } from '../io/detect.js';
import { FormatError, type Warning } from '../io/errors.js';
import { readNpy } from '../io/npy.js';
import { readParticles } from '../io/star/particles.js';
import { readStar } from '../io/star/read.js';
import { writeStar } from '../io/star/write.js';
import type { CtfEstimate } from '../model/ctf.js';
import type { Volume } from '../model/volume.js';
import type { ProgressContext } from '../util/progress.js';
import { fscChartSpec, guinierChartSpec, histogramSpec } from './figures/charts.js';
import { orientationDensitySpec } from './figures/orientation.js';
import { centralSlicePng } from './png.js';
import { buildReport, type Report } from './report.js';

/**
 * Every analysis the inputs allow, then the diagnosis: the one pipeline behind `cryodx report` and the
 * browser app (files arrive as bytes; nothing here touches a file system). Figures come back as
 * Vega-Lite specifications for the caller to render.
 */
export interface AnalysisInputs {
  half1?: Volume;
  half2?: Volume;
  half1Name?: string;
  half2Name?: string;
  pixelSizeA: number | null;
  mask: MaskChoice;
  particles?: { name: string; bytes: Uint8Array };
  ctf?: { name: string; bytes: Uint8Array }[];
  symmetry: string;
  mwKDa?: number;
  version: string;
  /** Directional FSC and local resolution are the slow parts; both run unless switched off. */
  analyses?: { anisotropy?: boolean; localResolution?: boolean };
}

export interface AnalysisFigure {
  name: string;
  caption: string;
  spec: Record<string, unknown>;
}

export interface AnalysisOutput {
  report: Report;
  figures: AnalysisFigure[];
  slices: { title: string; png: Uint8Array }[];
  /** The maps behind the slices, for interactive viewing (n³ each). */
  volumes: { n: number; sharpened: Float32Array; mask: Float32Array | null; locres: Float32Array | null } | null;
}

/** CTF results (RELION micrographs_ctf.star or CTFFIND text) from a file's bytes. */
export function ctfFromBytes(name: string, raw: Uint8Array): CtfEstimate[] {
  const bytes = maybeGunzip(raw);
  return /\.star$/i.test(name) ? ctfFromStar(readStar(bytes, { source: name })) : readCtffind(decodeText(bytes), name).estimates;
}

/** report.json text: non-finite numbers as null (JSON has no NaN). */
export function reportJson(report: Report): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1);
}

export function analyze(inp: AnalysisInputs, progress?: ProgressContext): AnalysisOutput {
  const run = { anisotropy: inp.analyses?.anisotropy ?? true, localResolution: inp.analyses?.localResolution ?? true };
  let volumes: AnalysisOutput['volumes'] = null;
  const warnings: Warning[] = [];
  const dx: DiagnosisInput = {};
  const png: { title: string; png: Uint8Array }[] = [];
  const figureSpecs: { name: string; spec: Record<string, unknown> }[] = [];
  const captions: Record<string, string> = { fsc: 'Fourier shell correlation: unmasked, masked, phase-randomised and corrected; dashed lines at 0.143 and 0.5', guinier: 'Guinier plot with the B-factor fit (dashed)', directional: 'Directional resolution (conical FSC at 0.143) against the global resolution (red)', orientations: 'Orientation distribution of the particles', 'ctf-fit': 'CTF fit resolution per micrograph against the map resolution (red)', 'ctf-defocus': 'Defocus per micrograph' };
  let pp = null, an = null, or = null, lr = null, ctf = null, budget = null;
  if (inp.half1 && inp.half2) {
    if (!inp.pixelSizeA) throw new RangeError('no pixel size: give it (--angpix, or the pixel-size field)');
    const px = inp.pixelSizeA;
    progress?.report?.(0.05, 'post-processing');
    const post = postprocess(inp.half1, inp.half2, { pixelSizeA: px, mask: inp.mask, bfactor: { kind: 'auto' }, ...(inp.mwKDa ? { mwKDa: inp.mwKDa } : {}) });
    pp = post.result;
    warnings.push(...pp.warnings);
    dx.fsc = { resolutionA: pp.resolutionA, shape: pp.fsc.shape.kind, warnings: pp.warnings.map((w) => w.code) };
    dx.bfactorA2 = pp.guinier && pp.guinier.points >= 5 ? pp.bfactorA2 : null;
    if (dx.bfactorA2 && pp.resolutionA) budget = singleMapBudget(dx.bfactorA2, pp.resolutionA, null);
    const curves = pp.shells.flatMap((s) => [
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscUnmasked, curve: 'unmasked' },
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscMasked, curve: 'masked' },
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscCorrected, curve: 'corrected' },
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscPhaseRandomized, curve: 'phase-randomised' },
    ]);
    figureSpecs.push({ name: 'fsc', spec: fscChartSpec(curves, `FSC: ${pp.resolutionA?.toFixed(2) ?? '—'} Å at 0.143 (corrected)`) });
    const g = pp.guinier;
    const fitRows = pp.guinierShells.filter((s) => s.usedInFit);
    figureSpecs.push({ name: 'guinier', spec: guinierChartSpec(pp.guinierShells.filter((s) => s.shell > 0).map((s) => ({ x: s.invResolutionSquaredInvA2, original: s.lnAmplitudeOriginal, weighted: s.lnAmplitudeWeighted, sharpened: s.lnAmplitudeSharpened })), g && fitRows.length ? { slope: g.slope, intercept: g.intercept, fromX: fitRows[0]!.invResolutionSquaredInvA2, toX: fitRows[fitRows.length - 1]!.invResolutionSquaredInvA2 } : null) });
    if (run.anisotropy) {
    progress?.report?.(0.35, 'anisotropy');
    const a = anisotropy(inp.half1, inp.half2, { pixelSizeA: px, mask: post.mask });
    an = a.result;
    warnings.push(...an.warnings);
    dx.anisotropy = { sphericity: an.sphericity, bestA: an.directionalResolutionA.best, worstA: an.directionalResolutionA.worst, cfar: an.cfar };
    figureSpecs.push({ name: 'directional', spec: histogramSpec(an.directions.map((d) => d.resolutionA ?? NaN).filter(Number.isFinite), 'resolution (Å)', `Directional resolution over ${an.directions.length} cones (sphericity ${an.sphericity.toFixed(3)})`, pp.resolutionA ? { value: pp.resolutionA, label: 'global' } : undefined) });
    }
    volumes = { n: inp.half1.nx, sharpened: post.sharpened, mask: post.mask, locres: null };
    if (run.localResolution) {
    progress?.report?.(0.55, 'local resolution');
    const l = localResolution(inp.half1, inp.half2, { pixelSizeA: px }, pp.resolutionA);
    lr = readLocres(l.locres, inp.half1.nx, px, post.mask, pp.resolutionA);
    warnings.push(...lr.warnings);
    dx.locres = { medianA: lr.medianA, coreA: lr.coreA, peripheryA: lr.peripheryA, worseRegions: lr.regions.length };
    volumes.locres = l.locres;
    }
    const n = inp.half1.nx;
    png.push({ title: 'sharpened map, central z-section', png: centralSlicePng(post.sharpened, n, 'z') });
    png.push({ title: 'sharpened map, central y-section', png: centralSlicePng(post.sharpened, n, 'y') });
    if (post.mask) png.push({ title: 'mask, central z-section', png: centralSlicePng(post.mask, n, 'z') });
    if (volumes.locres) png.push({ title: 'local resolution, central z-section (bright = worse)', png: centralSlicePng(volumes.locres, n, 'z') });
  }
  if (inp.particles) {
    progress?.report?.(0.8, 'orientations');
    const { name, bytes: raw } = inp.particles;
    const bytes = maybeGunzip(raw);
    const doc = detectFormat(name, bytes.subarray(0, 4096)) === 'npy' ? readStar(writeStar(csToStar(readNpy(bytes, name), name).tables)) : readStar(bytes, { source: name });
    const { particles } = readParticles(doc);
    if (!particles.angleRotDeg || !particles.angleTiltDeg) throw new FormatError('the particles have no angles', { source: name, expected: '_rlnAngleRot and _rlnAngleTilt (a refinement\'s particles)' });
    or = orientationCoverage(particles.angleRotDeg, particles.angleTiltDeg, { symmetry: inp.symmetry });
    warnings.push(...or.warnings);
    dx.orientations = { scfStar: or.scfStar, unsampledFraction: or.unsampledFraction, recommendedTiltDeg: or.recommendedTiltDeg };
    figureSpecs.push({ name: 'orientations', spec: orientationDensitySpec(viewingDirections(particles.angleRotDeg, particles.angleTiltDeg, inp.symmetry), { title: `Orientation distribution (SCF* ${or.scfStar.toFixed(2)})` }) });
  }
  if (inp.ctf?.length) {
    const est = inp.ctf.flatMap((f) => ctfFromBytes(f.name, f.bytes));
    ctf = summarizeCtf(est, pp?.resolutionA ?? null);
    dx.ctf = { ...ctf };
    figureSpecs.push({ name: 'ctf-fit', spec: histogramSpec(est.map((e) => e.fitResolutionA), 'CTF fit resolution (Å)', `CTF fit resolution of ${est.length} micrographs`, pp?.resolutionA ? { value: pp.resolutionA, label: 'map' } : undefined) });
    figureSpecs.push({ name: 'ctf-defocus', spec: histogramSpec(est.map((e) => e.defocusUA / 10000), 'defocus U (µm)', 'Defocus') });
  }
  progress?.report?.(0.9, 'report');
  const findings = diagnose(dx);
  const report = buildReport({ version: inp.version, inputs: { half1: inp.half1Name ?? null, half2: inp.half2Name ?? null, mask: inp.mask.kind === 'user' ? inp.mask.source : inp.mask.kind, particles: inp.particles?.name ?? null, ctf: inp.ctf?.map((f) => f.name).join(', ') || null, pixelSizeA: inp.pixelSizeA, symmetry: inp.symmetry }, findings, postprocess: pp, anisotropy: an, orientations: or, locres: lr, ctf, budget, warnings });
  return { report, figures: figureSpecs.map((f) => ({ ...f, caption: captions[f.name] ?? f.name })), slices: png, volumes };
}
