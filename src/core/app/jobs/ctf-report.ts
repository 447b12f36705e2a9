import { triageCtf, type CtfTriage, type Distribution } from '../../diagnosis/ctf-triage.js';

export type { Distribution };
import { InputError } from '../../errors.js';
import { histogramSpec } from '../../report/figures/charts.js';
import { renderSvg } from '../../report/figures/svg.js';
import type { AberrationReading } from '../../analysis/ctf/aberrations.js';
import { aberrationsFromFiles, ctfFromFiles, isAretomoCtf } from '../inputs/ctf-results.js';
import type { CtfEstimate } from '../../model/ctf.js';
import type { Warning } from '../../errors.js';
import { ctfStarPlaceholders } from '../../io/ctf-star.js';
import { readStar } from '../../io/star/read.js';
import { decodeText, maybeGunzip } from '../../io/bytes.js';
import { readTomoFile, seriesFromFile, seriesFromImages, tiltsFromImageNames } from '../../io/tomo/index.js';
import type { TiltSource } from '../../model/tomo.js';
import { imageKey, mergeSources } from '../../analysis/tomo/series.js';
import { judgeSeries, TOMO_LIMITS } from '../../diagnosis/tomo-triage.js';
import { jsonText, type JobOutput, type JobResult, type NamedBytes } from '../job.js';

export interface CtfReportJobInput {
  results: NamedBytes[];
  mapResolutionA?: number;
  particleSizeA?: number;
}

export type CtfReportJobResult = CtfTriage & {
  micrographs: number;
  /** When the rows were particles (a particle STAR or .cs), how many: they are grouped by micrograph. */
  particles: number | null;
  /** CTF refinement's aberrations (particle STARs with a refined optics table), read at the map's resolution. */
  aberrations: AberrationReading[];
  warnings: Warning[];
};

/**
 * Whether these CTF results are the tilt images of tilt series, and if so their series' own judgement: a RELION
 * tomography STAR among the inputs, or ≥ 8 images whose names carry tilt angles on both sides of 0° spanning ≥ 40°.
 */
function tiltJudgement(files: NamedBytes[], estimates: CtfEstimate[]): CtfTriageTilt | null {
  const sources: TiltSource[] = [];
  for (const f of files.filter((x) => /\.star(\.gz)?$/i.test(x.name))) {
    try {
      const r = readTomoFile(f.name, f.bytes);
      sources.push(...r.sources.filter((s) => s.kind !== 'relion-ctf-star' && s.kind !== 'relion-motion-star'));
    } catch {
      // not a tomography STAR
    }
  }
  // AreTomo3's _CTF.txt holds the tilts of one series, in stack order.
  const aretomo = files.filter(
    (f) => !/\.(star|cs|npy)(\.gz)?$/i.test(f.name) && isAretomoCtf(f.name, decodeText(maybeGunzip(f.bytes, f.name))),
  );
  if (!sources.length && aretomo.length)
    sources.push({
      kind: 'aretomo-ctf',
      file: aretomo.map((f) => f.name).join(', '),
      series: seriesFromFile(aretomo[0]!.name),
      tilts: estimates.map((e, i) => ({ index: i, image: e.micrograph })),
      placeholders: [],
    });
  if (!sources.length) {
    const angles = tiltsFromImageNames(estimates.map((e) => e.micrograph));
    if (!angles) return null;
    sources.push({
      kind: 'relion-ctf-star',
      file: files.map((f) => f.name).join(', '),
      ...(() => {
        const series = seriesFromImages(estimates.map((e) => e.micrograph));
        return series !== undefined ? { series } : {};
      })(),
      tilts: estimates.map((e, i) => ({
        index: i,
        image: e.micrograph,
        ...(angles[i] !== null ? { tiltDeg: angles[i]! } : {}),
      })),
      placeholders: [],
    });
  }
  // The CTF rows themselves, joined to the series by image name.
  sources.push({
    kind: 'relion-ctf-star',
    file: 'CTF results',
    tilts: estimates.map((e, i) => {
      const mean = (e.defocusUA + e.defocusVA) / 2;
      return {
        index: i,
        image: e.micrograph,
        ...(mean > 0 ? { defocusUA: e.defocusUA, defocusVA: e.defocusVA } : {}),
        ...(Number.isFinite(e.fitResolutionA) && e.fitResolutionA > 0 ? { fitResolutionA: e.fitResolutionA } : {}),
      };
    }),
    placeholders: [],
  });
  const merged = mergeSources(sources, []);
  const failed = new Map<string, string>();
  const names: string[] = [];
  for (const m of merged) {
    const j = judgeSeries(m);
    names.push(m.name);
    j.report.perTilt.forEach((p, k) => {
      if (!p.failed) return;
      // By name, else by position when the CTF rows are the series' own rows (the same STAR, in its order).
      const e =
        (p.image !== undefined ? estimates.find((x) => imageKey(x.micrograph) === imageKey(p.image!)) : undefined) ??
        (merged.length === 1 && estimates.length === j.report.perTilt.length ? estimates[k] : undefined);
      if (e)
        failed.set(e.micrograph, `${p.tiltDeg !== undefined ? `tilt ${p.tiltDeg.toFixed(1)}°` : 'tilt'}: ${p.failed}`);
    });
  }
  const L = TOMO_LIMITS;
  return {
    failed,
    series: names.join(', '),
    rule:
      `tilt-aware (tomo-report): defocus off the series' course by > max(${L.defocusOutlierSd} robust SD, ` +
      `${L.defocusOutlierFloorA} Å), or fit resolution worse than the series reaches at that tilt by > ` +
      `max(${L.fitResolutionOutlierSd} robust SD, ${100 * L.fitResolutionOutlierFraction} %)`,
  };
}

type CtfTriageTilt = { failed: Map<string, string>; rule: string; series: string };

/** `cryodx ctf-report`: the dataset's CTF triage, its JSON and its histograms. */
export async function ctfReportJob(inp: CtfReportJobInput): Promise<JobResult<CtfReportJobResult>> {
  const estimates = ctfFromFiles(inp.results);
  if (!estimates.length)
    throw new InputError(`${inp.results.map((f) => f.name).join(', ')}: no micrograph CTF results in these files`);
  const tilt = tiltJudgement(inp.results, estimates);
  const warnings: Warning[] = [];
  if (tilt)
    warnings.push({
      code: 'tilt-images',
      message:
        `these are tilt images (${tilt.series}): judged with tilt-aware rules, not the single-particle figure-of-` +
        'merit cut; cryodx tomo-report judges the whole series',
    });
  for (const f of inp.results.filter((x) => /\.star(\.gz)?$/i.test(x.name)))
    for (const p of ctfStarPlaceholders(readStar(maybeGunzip(f.bytes, f.name), { source: f.name })))
      warnings.push({
        code: 'placeholder',
        message: `${f.name}: read as absent, a program's "not computed" placeholder — ${p}`,
      });
  const triage = triageCtf(estimates, {
    mapResolutionA: inp.mapResolutionA ?? null,
    particleSizeA: inp.particleSizeA ?? null,
    tiltSeries: tilt,
  });
  // Read at the map's resolution when given, else where the fits reach (the median fit resolution).
  const atA = inp.mapResolutionA ?? triage.summary.medianFitResolutionA;
  const aberrations = atA !== null && Number.isFinite(atA) ? aberrationsFromFiles(inp.results, atA) : [];
  const perParticle = estimates.filter((e) => e.particles);
  const particles = perParticle.length ? perParticle.reduce((n, e) => n + e.particles!.count, 0) : null;
  const result: CtfReportJobResult = { ...triage, micrographs: estimates.length, particles, aberrations, warnings };
  const outputs: JobOutput[] = [{ name: 'ctf_report.json', text: jsonText(result) }];
  const figures: [string, number[], string, string][] = [
    ['defocus', estimates.map((e) => (e.defocusUA + e.defocusVA) / 20000), 'mean defocus (µm)', 'Defocus'],
    ['astigmatism', estimates.map((e) => Math.abs(e.defocusUA - e.defocusVA)), 'astigmatism (Å)', 'Astigmatism'],
    ['fit-resolution', estimates.map((e) => e.fitResolutionA), 'CTF fit resolution (Å)', 'CTF fit resolution'],
  ];
  const thick = estimates.flatMap((e) => (e.thicknessA ? [e.thicknessA / 10] : []));
  if (thick.length) figures.push(['thickness', thick, 'thickness (nm)', 'Sample thickness']);
  for (const [name, all, field, title] of figures) {
    // A value the program did not compute is not drawn.
    const values = all.filter(Number.isFinite);
    if (!values.length) continue;
    const marker =
      name === 'fit-resolution' && inp.mapResolutionA ? { value: inp.mapResolutionA, label: 'map' } : undefined;
    outputs.push({
      name: `ctf_${name}.svg`,
      text: await renderSvg(histogramSpec(values, field, `${title} of ${values.length} micrographs`, marker)),
    });
  }
  return { result, outputs, warnings };
}
