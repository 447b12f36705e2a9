import type { Dataset } from '../../io/datasets.js';
import { facilityTrendSpec, type TrendPoint } from '../../report/figures/facility.js';
import { renderSvg } from '../../report/figures/svg.js';
import type { Report } from '../../report/report.js';
import { jsonText, type JobOutput, type JobResult } from '../job.js';

/**
 * `cryodx batch`'s summary of many datasets: facility.json (a row per dataset) and facility.html (the table and the
 * per-microscope trend). A dataset whose report failed is listed as failed with its reason, never left out.
 */
export interface FacilityRow {
  name: string;
  status: 'done' | 'failed';
  error: string | null;
  resolutionA: number | null;
  /** RELION's sign (negative sharpens), from cryodx's post-processing or the project's postprocess.star. */
  bfactorA2: number | null;
  topCause: string | null;
  topStrength: string | null;
  headline: string | null;
  microscope: string | null;
  date: string | null;
  sample: string | null;
  reference: boolean;
  report: string | null;
}

export interface Facility {
  schema: 'cryodx-facility';
  generatedBy: string;
  datasets: FacilityRow[];
}

const REFERENCE_SAMPLE = /apoferritin|ferritin|reference|standard|β-?gal|beta-?gal/i;

export function facilityRow(d: Dataset, report: Report | null, error: string | null, reportPath: string): FacilityRow {
  const top = report?.findings.find((f) => f.strength === 'strong' || f.strength === 'possible') ?? null;
  const rp = report?.processing?.relionPostprocess ?? null;
  const yes = (v: string | undefined): boolean => !!v && /^(yes|true|1|y)$/i.test(v);
  return {
    name: d.name,
    status: report ? 'done' : 'failed',
    error,
    resolutionA: report?.postprocess?.resolutionA ?? rp?.resolutionA ?? null,
    bfactorA2: report?.postprocess?.bfactorA2 ?? rp?.bfactorA2 ?? null,
    topCause: top?.cause ?? null,
    topStrength: top?.strength ?? null,
    headline: report?.verdict.headline ?? null,
    microscope: d.microscope || null,
    date: d.date || null,
    sample: d.sample || null,
    reference: d.reference ? yes(d.reference) : REFERENCE_SAMPLE.test(d.sample ?? ''),
    report: report ? reportPath : null,
  };
}

export async function facilityJob(rows: FacilityRow[], version: string): Promise<JobResult<Facility>> {
  const facility: Facility = { schema: 'cryodx-facility', generatedBy: `cryodx ${version}`, datasets: rows };
  const points: TrendPoint[] = rows
    .filter((r) => r.status === 'done')
    .map((r) => ({
      name: r.name,
      microscope: r.microscope ?? 'unnamed',
      date: r.date ?? '',
      resolutionA: r.resolutionA,
      bfactorA2: r.bfactorA2,
      reference: r.reference,
    }));
  const dated = points.filter((p) => p.date);
  const trend = dated.length ? await renderSvg(facilityTrendSpec(dated)) : '';
  const outputs: JobOutput[] = [
    { name: 'facility.json', text: jsonText(facility) },
    { name: 'facility.html', text: facilityHtml(facility, trend) },
  ];
  return { result: facility, outputs, warnings: [] };
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function facilityHtml(f: Facility, trendSvg: string): string {
  const num = (v: number | null, d: number): string => (v === null ? '—' : v.toFixed(d));
  const row = (r: FacilityRow): string =>
    `<tr class="${r.status}"><td>${r.report ? `<a href="${esc(r.report)}">${esc(r.name)}</a>` : esc(r.name)}</td>` +
    `<td>${esc(r.microscope ?? '')}</td><td>${esc(r.date ?? '')}</td>` +
    `<td>${esc(r.sample ?? '')}${r.reference ? ' (reference)' : ''}</td>` +
    `<td class="num">${num(r.resolutionA, 2)}</td><td class="num">${num(r.bfactorA2, 1)}</td>` +
    `<td>${r.status === 'failed' ? `<b>failed</b>: ${esc(r.error ?? '')}` : esc(r.headline ?? '')}</td></tr>`;
  const failed = f.datasets.filter((r) => r.status === 'failed').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cryodx facility report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:.9em}td,th{border-bottom:1px solid #eee;padding:.3em .7em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.failed{background:#fdecea}
</style></head><body>
<h1>Datasets (${f.datasets.length}${failed ? `, ${failed} failed` : ''})</h1>
<table><thead><tr><th>dataset</th><th>microscope</th><th>date</th><th>sample</th><th>resolution Å</th>
<th>B Å²</th><th>verdict</th></tr></thead><tbody>
${f.datasets.map(row).join('\n')}
</tbody></table>
${trendSvg ? `<h2>Per microscope over time</h2>\n${trendSvg}` : ''}
<footer><p>${esc(f.generatedBy)}; each dataset's report.html is linked from its name.</p></footer>
</body></html>
`;
}
