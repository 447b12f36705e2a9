import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { anisotropy } from '../core/analysis/anisotropy/anisotropy.js';
import { singleMapBudget } from '../core/analysis/budget/budget.js';
import { summarizeCtf } from '../core/analysis/ctf/triage.js';
import type { MaskChoice } from '../core/analysis/fsc/suite.js';
import { localResolution } from '../core/analysis/locres/locres.js';
import { readLocres } from '../core/analysis/locres/reading.js';
import { orientationCoverage, viewingDirections } from '../core/analysis/orientations/scf.js';
import { postprocess } from '../core/analysis/postprocess/postprocess.js';
import { diagnose, type DiagnosisInput } from '../core/diagnosis/diagnose.js';
import { maybeGunzip } from '../core/io/bytes.js';
import { detectFormat } from '../core/io/detect.js';
import { readNpy } from '../core/io/npy.js';
import { csToStar } from '../core/io/cryosparc/convert.js';
import { readParticles } from '../core/io/star/particles.js';
import { readStar } from '../core/io/star/read.js';
import { writeStar } from '../core/io/star/write.js';
import type { Warning } from '../core/io/errors.js';
import type { Volume } from '../core/model/volume.js';
import { fscChartSpec, guinierChartSpec, histogramSpec } from '../core/report/figures/charts.js';
import { orientationDensitySpec } from '../core/report/figures/orientation.js';
import { renderHtml } from '../core/report/html.js';
import { centralSlicePng } from '../core/report/png.js';
import { buildReport, type Report } from '../core/report/report.js';
import type { ProgressContext } from '../core/util/progress.js';
import { readCtfResults } from './ctf-inputs.js';
import { InputError, readInput, writeOutputAtomic } from './files.js';
import { renderSvg } from './render.js';

export interface ReportInputs {
  half1?: Volume & { path: string };
  half2?: Volume & { path: string };
  pixelSizeA: number | null;
  mask: MaskChoice;
  particles?: string;
  ctf?: string[];
  symmetry: string;
  mwKDa?: number;
  version: string;
}

/** Runs every analysis the inputs allow, diagnoses, and writes report.json, report.html and figures/. */
export async function runReport(inp: ReportInputs, outDir: string, progress?: ProgressContext): Promise<Report> {
  const warnings: Warning[] = [];
  const dx: DiagnosisInput = {};
  const svg: { title: string; svg: string }[] = [];
  const png: { title: string; png: Uint8Array }[] = [];
  const figureSpecs: { name: string; spec: Record<string, unknown> }[] = [];
  const CAPTIONS: Record<string, string> = { fsc: 'Fourier shell correlation: unmasked, masked, phase-randomised and corrected; dashed lines at 0.143 and 0.5', guinier: 'Guinier plot with the B-factor fit (dashed)', directional: 'Directional resolution (conical FSC at 0.143) against the global resolution (red)', orientations: 'Orientation distribution of the particles', 'ctf-fit': 'CTF fit resolution per micrograph against the map resolution (red)', 'ctf-defocus': 'Defocus per micrograph' };
  let pp = null, an = null, or = null, lr = null, ctf = null, budget = null;
  if (inp.half1 && inp.half2) {
    if (!inp.pixelSizeA) throw new InputError('no pixel size: give --angpix');
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
    progress?.report?.(0.35, 'anisotropy');
    const a = anisotropy(inp.half1, inp.half2, { pixelSizeA: px, mask: post.mask });
    an = a.result;
    warnings.push(...an.warnings);
    dx.anisotropy = { sphericity: an.sphericity, bestA: an.directionalResolutionA.best, worstA: an.directionalResolutionA.worst, cfar: an.cfar };
    figureSpecs.push({ name: 'directional', spec: histogramSpec(an.directions.map((d) => d.resolutionA ?? NaN).filter(Number.isFinite), 'resolution (Å)', `Directional resolution over ${an.directions.length} cones (sphericity ${an.sphericity.toFixed(3)})`, pp.resolutionA ? { value: pp.resolutionA, label: 'global' } : undefined) });
    progress?.report?.(0.55, 'local resolution');
    const l = localResolution(inp.half1, inp.half2, { pixelSizeA: px }, pp.resolutionA);
    lr = readLocres(l.locres, inp.half1.nx, px, post.mask, pp.resolutionA);
    warnings.push(...lr.warnings);
    dx.locres = { medianA: lr.medianA, coreA: lr.coreA, peripheryA: lr.peripheryA, worseRegions: lr.regions.length };
    const n = inp.half1.nx;
    png.push({ title: 'sharpened map, central z-section', png: centralSlicePng(post.sharpened, n, 'z') });
    png.push({ title: 'sharpened map, central y-section', png: centralSlicePng(post.sharpened, n, 'y') });
    if (post.mask) png.push({ title: 'mask, central z-section', png: centralSlicePng(post.mask, n, 'z') });
    png.push({ title: 'local resolution, central z-section (bright = worse)', png: centralSlicePng(l.locres, n, 'z') });
  }
  if (inp.particles) {
    progress?.report?.(0.8, 'orientations');
    const bytes = maybeGunzip(await readInput(inp.particles));
    const doc = detectFormat(inp.particles, bytes.subarray(0, 4096)) === 'npy' ? readStar(writeStar(csToStar(readNpy(bytes, inp.particles), inp.particles).tables)) : readStar(bytes, { source: inp.particles });
    const { particles } = readParticles(doc);
    if (!particles.angleRotDeg || !particles.angleTiltDeg) throw new InputError(`${inp.particles}: the particles have no angles`);
    or = orientationCoverage(particles.angleRotDeg, particles.angleTiltDeg, { symmetry: inp.symmetry });
    warnings.push(...or.warnings);
    dx.orientations = { scfStar: or.scfStar, unsampledFraction: or.unsampledFraction, recommendedTiltDeg: or.recommendedTiltDeg };
    figureSpecs.push({ name: 'orientations', spec: orientationDensitySpec(viewingDirections(particles.angleRotDeg, particles.angleTiltDeg, inp.symmetry), { title: `Orientation distribution (SCF* ${or.scfStar.toFixed(2)})` }) });
  }
  if (inp.ctf?.length) {
    const est = await readCtfResults(inp.ctf);
    ctf = summarizeCtf(est, pp?.resolutionA ?? null);
    dx.ctf = { ...ctf };
    figureSpecs.push({ name: 'ctf-fit', spec: histogramSpec(est.map((e) => e.fitResolutionA), 'CTF fit resolution (Å)', `CTF fit resolution of ${est.length} micrographs`, pp?.resolutionA ? { value: pp.resolutionA, label: 'map' } : undefined) });
    figureSpecs.push({ name: 'ctf-defocus', spec: histogramSpec(est.map((e) => e.defocusUA / 10000), 'defocus U (µm)', 'Defocus') });
  }
  progress?.report?.(0.9, 'report');
  const findings = diagnose(dx);
  const report = buildReport({ version: inp.version, inputs: { half1: inp.half1?.path ?? null, half2: inp.half2?.path ?? null, mask: inp.mask.kind === 'user' ? inp.mask.source : inp.mask.kind, particles: inp.particles ?? null, ctf: inp.ctf?.join(', ') ?? null, pixelSizeA: inp.pixelSizeA, symmetry: inp.symmetry }, findings, postprocess: pp, anisotropy: an, orientations: or, locres: lr, ctf, budget, warnings });
  await mkdir(join(outDir, 'figures'), { recursive: true });
  for (const f of figureSpecs) {
    const s = await renderSvg(f.spec);
    svg.push({ title: CAPTIONS[f.name] ?? f.name, svg: s });
    await writeOutputAtomic(join(outDir, 'figures', `${f.name}.svg`), s);
    await writeOutputAtomic(join(outDir, 'figures', `${f.name}.vl.json`), JSON.stringify(f.spec));
  }
  await writeOutputAtomic(join(outDir, 'report.json'), JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
  await writeOutputAtomic(join(outDir, 'report.html'), renderHtml(report, { svg, png }));
  return report;
}
