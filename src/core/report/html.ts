import { basisText } from '../model/basis.js';
import { checkText } from '../util/finite.js';
import { pageNeeds } from './hints.js';
import type { Report } from './report.js';
import { summaryItems, type SummaryItem } from './summary.js';
import { MEASURED_FIGURES, measuredSection } from './measured-html.js';

/**
 * report.html: one self-contained page (figures inline as SVG and PNG data, no scripts, no network
 * requests) that leads with the numbers and the verdict, then shows the evidence. The browser app shows the same
 * body in its own page (renderReportBody with slots for its live figures).
 */
export interface HtmlFigures {
  /** Title → SVG markup; the name gives the figure its anchor (`fig-fsc`) and the page its slot. */
  svg: { name?: string; title: string; svg: string }[];
  /** Title → PNG bytes (map slices). */
  png: { title: string; png: Uint8Array }[];
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const STRENGTH_CLASS: Record<string, string> = {
  strong: 'strong',
  possible: 'possible',
  'ruled out': 'ruled',
  'not measured': 'unmeasured',
};

/** How a front end wants the report: hints in its own words, figures drawn here or left to it. */
export interface RenderOptions {
  /** 'cli' (default): hints name the CLI's flags; 'page': the browser's roles and the files to drop. */
  frontEnd?: 'cli' | 'page';
  /** Leave an empty, named slot for each figure and for the sections (the page draws them live, once). */
  slots?: boolean;
}

/** report.html: the report body in a self-contained document. */
export function renderHtml(r: Report, figures: HtmlFigures, options: RenderOptions = {}): string {
  return checkText(
    'report.html',
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cryodx report</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
  color:#222;line-height:1.45}
${REPORT_CSS}
</style></head>
<body>
${renderReportBody(r, figures, options)}
</body></html>
`,
  );
}

/** The report's styles, every rule under .cryodx-report so that the page can hold the body as it is. */
export const REPORT_CSS = `
.cryodx-report h1{font-size:1.6em;margin-bottom:.2em}
.cryodx-report .summary{display:flex;flex-wrap:wrap;gap:.5em;margin:.6em 0;padding:0}
.cryodx-report .summary a{display:block;min-width:7.5em;padding:.35em .7em;border:1px solid #c8d3ea;border-radius:6px;
  background:#f7f9fd;color:inherit;text-decoration:none}
.cryodx-report .summary a:hover{border-color:#2b59c3}
.cryodx-report .summary .label{display:block;font-size:.75em;color:#555}
.cryodx-report .summary .value{display:block;font-size:1.35em;font-weight:600;font-variant-numeric:tabular-nums}
.cryodx-report .summary .note{display:block;font-size:.7em;color:#b35c00}
.cryodx-report .headline{font-size:1.2em;background:#f4f6fb;border-left:5px solid #2b59c3;padding:.6em 1em}
.cryodx-report .finding{border:1px solid #ddd;border-radius:6px;padding:.4em 1em;margin:.6em 0}
.cryodx-report .finding h3{margin:.3em 0;font-size:1.05em}
.cryodx-report .badge{font-size:.75em;padding:.1em .5em;border-radius:1em;background:#eee;vertical-align:middle}
.cryodx-report .strong{border-color:#c0392b}
.cryodx-report .strong .badge{background:#c0392b;color:#fff}
.cryodx-report .possible{border-color:#e67e22}
.cryodx-report .possible .badge{background:#e67e22;color:#fff}
.cryodx-report .ruled{opacity:.7}
.cryodx-report .unmeasured{opacity:.7;border-style:dashed}
.cryodx-report .cost{font-size:.8em;color:#666}
.cryodx-report .thr{color:#777;font-size:.85em}
.cryodx-report .needs{color:#555;font-style:italic}
.cryodx-report figure{display:inline-block;margin:.5em;vertical-align:top}
.cryodx-report figcaption{font-size:.85em;color:#555;max-width:40em}
.cryodx-report .slice img{width:256px;image-rendering:pixelated;border:1px solid #ccc}
.cryodx-report table{border-collapse:collapse;font-size:.9em}
.cryodx-report td,.cryodx-report th{border-bottom:1px solid #eee;padding:.25em .8em;text-align:left}
.cryodx-report td.num{text-align:right;font-variant-numeric:tabular-nums}
.cryodx-report .warnings li{margin:.2em 0}
.cryodx-report .verdict-harmful td:first-child{border-left:4px solid #c0392b}
.cryodx-report .verdict-useful td:first-child{border-left:4px solid #2b8a3e}
.cryodx-report .kind{font-size:.75em;padding:.05em .45em;border-radius:1em;background:#eef}
.cryodx-report .kind-typical{background:#f3f3f3;color:#666;font-style:italic}
.cryodx-report footer{margin-top:3em;color:#888;font-size:.8em}
`;

/** The page title that fits what was given: a map's question only when there is a map. */
function titleOf(r: Report): string {
  if (r.postprocess || r.processing?.relionPostprocess || r.measured) return 'Why does this map stop where it does?';
  if (r.orientations) return 'What the particles’ orientations say';
  if (r.ctf || r.processing || r.tiltSeries || r.tomography) return 'What the processing results say';
  if (r.model) return 'What the model says about the construct';
  return 'What these files say';
}

/** The report body: title, the numbers, the verdict, the causes, then each figure once and the tables. */
export function renderReportBody(r: Report, figures: HtmlFigures, options: RenderOptions = {}): string {
  const page = options.frontEnd === 'page';
  const fmt = (v: number | string | null): string =>
    v === null ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : esc(v);
  const list = <T>(items: T[], item: (x: T) => string): string => items.map(item).join('');
  const evidence = (e: Report['findings'][number]['evidence'][number]): string =>
    `<li>${esc(e.statement)} <span class="thr">(${esc(e.measure)} = ${fmt(e.value)}; ` +
    `threshold ${esc(e.threshold)}; basis ${esc(basisText(e.basis))}; ${esc(e.power)})</span></li>`;
  const item = (x: string): string => `<li>${esc(x)}</li>`;
  const finding = (f: Report['findings'][number]): string => {
    const cost = f.bCostA2 ? ` <span class="cost">typically +${f.bCostA2[0]}–${f.bCostA2[1]} Å² of B</span>` : '';
    const act = f.strength === 'strong' || f.strength === 'possible';
    const needs = page ? pageNeeds(f, !!r.inputs.project) : f.needs;
    return (
      `<section class="finding ${STRENGTH_CLASS[f.strength]}" data-cause="${esc(f.cause)}">` +
      `<h3>${esc(f.title)} <span class="badge">${esc(f.strength)}</span>${cost}</h3>` +
      (f.evidence.length ? `<ul>${list(f.evidence, evidence)}</ul>` : '') +
      (f.strength === 'ruled out' || f.strength === 'not measured' ? `<p class="thr">${esc(f.power)}</p>` : '') +
      (needs ? `<p class="needs">To test this, add: ${esc(needs)}.</p>` : '') +
      (act ? `<details><summary>What to do</summary><ul>${list(f.remedies, item)}</ul></details>` : '') +
      '</section>'
    );
  };
  const findings = r.findings.map(finding).join('\n');
  const row = (m: Report['measurements'][number]): string =>
    `<tr><td>${esc(m.name)}</td><td class="num">${fmt(m.value)}</td>` +
    `<td>${esc(m.unit)}</td><td>${esc(m.source)}</td></tr>`;
  const head = '<thead><tr><th>measurement</th><th>value</th><th>unit</th><th>from</th></tr></thead>';
  const numbers = r.measurements.length
    ? `<h2 id="numbers">Every number</h2><table>${head}<tbody>${list(r.measurements, row)}</tbody></table>`
    : '';
  const figure = (f: HtmlFigures['svg'][number], i: number): string => {
    const id = `fig-${f.name ?? i}`;
    const body = options.slots ? `<div class="slot" data-figure="${esc(f.name ?? String(i))}"></div>` : f.svg;
    return `<figure id="${esc(id)}"><figcaption>${esc(f.title)}</figcaption>${body}</figure>`;
  };
  const svgs = figures.svg
    .map((f, i) => (MEASURED_FIGURES.has(f.name ?? '') ? '' : figure(f, i)))
    .filter(Boolean)
    .join('\n');
  const measured = measuredSection(
    r,
    esc,
    figures.svg.map((f, i) => (MEASURED_FIGURES.has(f.name ?? '') ? figure(f, i) : '')).join(''),
  );
  const slice = (f: HtmlFigures['png'][number]): string =>
    `<figure class="slice"><img alt="${esc(f.title)}" src="data:image/png;base64,${base64(f.png)}">` +
    `<figcaption>${esc(f.title)}</figcaption></figure>`;
  const sections = options.slots
    ? figures.png.length
      ? '<h2 id="sections">Sections</h2><div class="slot" data-figure="sections"></div>'
      : ''
    : figures.png.length
      ? `<h2 id="sections">Map and mask, central sections</h2>\n${figures.png.map(slice).join('\n')}`
      : '';
  const warning = (w: Report['warnings'][number]): string => `<li><code>${esc(w.code)}</code> ${esc(w.message)}</li>`;
  const ctfFinding = (f: NonNullable<Report['ctfTriage']>['findings'][number]): string =>
    `<li><b>[${esc(f.severity)}]</b> ${esc(f.statement)} <span class="thr">(${esc(f.threshold)}; basis ` +
    `${esc(basisText(f.basis))}: ${esc(f.power)})</span><br>→ ${esc(f.remedy)}</li>`;
  const t = r.ctfTriage;
  const ctf =
    t && (t.findings.length || t.outliers)
      ? `<h2 id="ctf">Micrograph CTF</h2><ul>${list(t.findings, ctfFinding)}</ul>` +
        (t.outliers
          ? `<p>${t.outliers} micrograph(s) stand out from the rest (see cryodx ctf-report for the list).</p>`
          : '')
      : '';
  const ts = r.tiltSeries;
  const tiltRow = (t: NonNullable<Report['tiltSeries']>['tilts'][number]): string =>
    `<tr><td class="num">${fmt(t.tiltDeg)}</td><td class="num">${fmt(t.preExposureEPerA2)}</td>` +
    `<td class="num">${((t.defocusUA + t.defocusVA) / 20000).toFixed(3)}</td><td ` +
    `class="num">${fmt(t.fitResolutionA)}</td>` +
    `<td class="num">${fmt(t.bfactorA2)}</td><td ` +
    `class="num">${fmt(t.weight)}</td><td>${esc(t.flags.join('; '))}</td></tr>`;
  const tiltHead =
    '<thead><tr><th>tilt °</th><th>pre-exposure e/Å²</th><th>defocus µm</th><th>fit Å</th><th>B ' +
    'Å²</th><th>weight</th><th>flags</th></tr></thead>';
  const tilts = ts
    ? `<h2>Tilt series ${esc(ts.stack)} (${esc(ts.method)}, axis ` +
      `${fmt(ts.tiltAxisDeg)}°)</h2><table>${tiltHead}<tbody>${list(ts.tilts, tiltRow)}</tbody></table>`
    : '';
  const tomography = tomographySection(r, esc);
  const used = Array.isArray(r.inputs.used) ? r.inputs.used : [];
  const useRow = (u: (typeof used)[number]): string =>
    `<tr><td>${esc(u.role)}</td><td><code>${esc(u.file)}</code></td><td>${esc(u.job ?? '')}</td>` +
    `<td>${esc(u.note ?? '')}</td></tr>`;
  const inputs = used.length
    ? `<h2>What was read from ${esc(String(r.inputs.project ?? 'the project'))}</h2><table><thead><tr><th>role</th>` +
      `<th>file</th><th>job</th><th>why</th></tr></thead><tbody>${list(used, useRow)}</tbody></table>`
    : '';
  const model = modelSection(r, esc);
  const warnings = r.warnings.length ? `<h2>Warnings</h2><ul class="warnings">${list(r.warnings, warning)}</ul>` : '';
  const body = [
    measured,
    svgs ? `<h2 id="evidence">Evidence</h2>\n${svgs}` : '',
    sections,
    ctf,
    tilts,
    tomography,
    model,
    numbers,
    inputs,
    warnings,
  ].join('\n');
  return `<div class="cryodx-report">
<h1>${esc(titleOf(r))}</h1>
${summaryStrip(r, body)}
<p class="headline" id="verdict">${esc(r.verdict.headline)}</p>
<h2>Causes, ranked</h2>
${findings}
${body}
<footer>${esc(r.generatedBy)} · report schema ${r.schemaVersion} ·
computed on this machine; nothing was uploaded.</footer>
</div>`;
}

/** The headline numbers, each a link to its evidence (the number table when the figure is not in this report). */
function summaryStrip(r: Report, body: string): string {
  const items = summaryItems(r);
  if (!items.length) return '';
  const target = (anchor: string): string => (body.includes(`id="${anchor}"`) ? anchor : 'numbers');
  const one = (i: SummaryItem): string =>
    `<a href="#${target(i.anchor)}" data-summary="${esc(i.key)}"><span class="label">${esc(i.label)}</span>` +
    `<span class="value">${esc(i.text)}</span>${i.note ? `<span class="note">${esc(i.note)}</span>` : ''}</a>`;
  return `<div class="summary" id="summary">${items.map(one).join('')}</div>`;
}

/** The model: its agreement with the map and each half, and the construct proposals. */
/** The tilt series of a tomography project (tomo-report's rules): one row per series, then the findings. */
function tomographySection(r: Report, esc: (s: string) => string): string {
  const t = r.tomography;
  if (!t) return '';
  const n = (v: number | undefined, d = 1): string => (v === undefined ? '—' : v.toFixed(d));
  const failedName = (f: { tiltDeg?: number; index: number }): string =>
    f.tiltDeg !== undefined ? `${n(f.tiltDeg)}°` : `#${f.index + 1}`;
  const row = (s: (typeof t.series)[number]): string =>
    `<tr><td>${esc(s.name)}</td><td class="num">${s.tilts ?? '—'}</td><td>${
      s.tiltRangeDeg ? `${n(s.tiltRangeDeg[0])} to ${n(s.tiltRangeDeg[1])}` : '—'
    }</td><td>${esc(s.scheme)}${s.centreDeg !== undefined ? ` (centre ${n(s.centreDeg)}°)` : ''}</td>` +
    `<td class="num">${n(s.axisDeg)}</td><td class="num">${n(s.dosePerTiltEPerA2, 2)}</td>` +
    `<td class="num">${n(s.totalDoseEPerA2)}</td><td class="num">${
      s.keptFraction !== undefined ? `${(100 * s.keptFraction).toFixed(0)} %` : '—'
    }</td><td>${esc(s.failedTilts.map(failedName).join(', '))}</td></tr>`;
  const finding = (f: (typeof t.findings)[number]): string =>
    `<li><b>[${esc(f.severity)}]</b> ${esc(f.statement)}<br><span class="thr">basis: ${esc(f.basis)}</span>` +
    `<br>→ ${esc(f.remedy)}</li>`;
  return (
    '<h2>Tilt series (tomo-report)</h2><table><thead><tr><th>series</th><th>tilts</th><th>range °</th><th>scheme</th>' +
    '<th>axis °</th><th>dose/tilt e/Å²</th><th>total e/Å²</th><th>kept</th><th>failed tilts</th></tr></thead><tbody>' +
    t.series.map(row).join('') +
    `</tbody></table><ul>${t.findings.map(finding).join('')}</ul>`
  );
}

function modelSection(r: Report, esc: (s: string) => string): string {
  const m = r.model;
  if (!m) return '';
  const f = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${v.toFixed(2)} Å`);
  const fit = m.mapModel
    ? `<p>Map vs model: FSC 0.5 at ${f(m.mapModel.crossings.masked.fsc05A)} inside a ` +
      `${m.mapModel.maskRadiusA.toFixed(1)} Å ` +
      `mask around the model (unmasked ${f(m.mapModel.crossings.mapModel.fsc05A)}). Overfitting: ` +
      `<b>${esc(m.mapModel.overfitting.verdict)}</b> — ${esc(m.mapModel.overfitting.evidence)}.</p>`
    : '';
  const c = m.construct;
  const rows = c
    ? [
        ...c.truncations.map((t) => ['truncate', `${t.chain} ${t.start}–${t.end}`, t.reason]),
        ...c.hinges.map((h) => ['hinge', `${h.chain} ${h.linkerStart}–${h.linkerEnd}`, h.reason]),
        ...c.agreement.map((a) => ['pLDDT and local resolution agree', `${a.chain} ${a.start}–${a.end}`, a.statement]),
      ]
    : [];
  rows.push(
    ...m.worseSegments.map((w) => ['weak in the map (Q-score)', `${w.chain} ${w.start}–${w.end}`, w.statement]),
  );
  const table = rows.length
    ? `<table><thead><tr><th>proposal</th><th>residues</th><th>why</th></tr></thead><tbody>` +
      rows.map((x) => `<tr>${x.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('') +
      '</tbody></table>'
    : '';
  const domains = c?.domains.length
    ? `<p>${c.domains.length} domains from PAE: ` +
      c.domains
        .map((d, i) => `${i + 1}: ${d.segments.map((s) => `${s.chain} ${s.start}–${s.end}`).join(', ')}`)
        .join('; ') +
      '.</p>'
    : '';
  const head = `<h2 id="model">Model ${esc(m.model)} (${m.atoms} atoms${m.predicted ? ', a prediction' : ''})</h2>`;
  return `${head}${fit}${domains}${table}`;
}
