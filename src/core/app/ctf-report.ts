import { triageCtf, type CtfTriage, type Distribution } from '../diagnosis/ctf-triage.js';

export type { Distribution };
import { InputError } from '../errors.js';
import { histogramSpec } from '../report/figures/charts.js';
import { renderSvg } from '../report/figures/svg.js';
import type { AberrationReading } from '../analysis/ctf/aberrations.js';
import { aberrationsFromFiles, ctfFromFiles } from './ctf-results.js';
import { jsonText, type JobOutput, type JobResult, type NamedBytes } from './job.js';

export interface CtfReportJobInput {
  results: NamedBytes[];
  mapResolutionA?: number;
  particleSizeA?: number;
}

export type CtfReportJobResult = CtfTriage & {
  micrographs: number;
  /** CTF refinement's aberrations (particle STARs with a refined optics table), read at the map's resolution. */
  aberrations: AberrationReading[];
  warnings: [];
};

/** `cryodx ctf-report`: the dataset's CTF triage, its JSON and its histograms. */
export async function ctfReportJob(inp: CtfReportJobInput): Promise<JobResult<CtfReportJobResult>> {
  const estimates = ctfFromFiles(inp.results);
  if (!estimates.length)
    throw new InputError(`${inp.results.map((f) => f.name).join(', ')}: no micrograph CTF results in these files`);
  const triage = triageCtf(estimates, {
    mapResolutionA: inp.mapResolutionA ?? null,
    particleSizeA: inp.particleSizeA ?? null,
  });
  // Read at the map's resolution when given, else where the fits reach (the median fit resolution).
  const atA = inp.mapResolutionA ?? triage.summary.medianFitResolutionA;
  const aberrations = Number.isFinite(atA) ? aberrationsFromFiles(inp.results, atA) : [];
  const result: CtfReportJobResult = { ...triage, micrographs: estimates.length, aberrations, warnings: [] };
  const outputs: JobOutput[] = [{ name: 'ctf_report.json', text: jsonText(result) }];
  const figures: [string, number[], string, string][] = [
    ['defocus', estimates.map((e) => (e.defocusUA + e.defocusVA) / 20000), 'mean defocus (µm)', 'Defocus'],
    ['astigmatism', estimates.map((e) => Math.abs(e.defocusUA - e.defocusVA)), 'astigmatism (Å)', 'Astigmatism'],
    ['fit-resolution', estimates.map((e) => e.fitResolutionA), 'CTF fit resolution (Å)', 'CTF fit resolution'],
  ];
  const thick = estimates.flatMap((e) => (e.thicknessA ? [e.thicknessA / 10] : []));
  if (thick.length) figures.push(['thickness', thick, 'thickness (nm)', 'Sample thickness']);
  for (const [name, values, field, title] of figures) {
    const marker =
      name === 'fit-resolution' && inp.mapResolutionA ? { value: inp.mapResolutionA, label: 'map' } : undefined;
    outputs.push({
      name: `ctf_${name}.svg`,
      text: await renderSvg(histogramSpec(values, field, `${title} of ${values.length} micrographs`, marker)),
    });
  }
  return { result, outputs, warnings: [] };
}
