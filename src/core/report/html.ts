import { basisText } from '../model/basis.js';
import { checkText } from '../util/finite.js';
import type { Report } from './report.js';

/**
 * report.html: one self-contained page (figures inline as SVG and PNG data, no scripts, no network
 * requests) that leads with the verdict and then shows the evidence.
 */
export interface HtmlFigures {
  /** Title → SVG markup. */
  svg: { title: string; svg: string }[];
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

export function renderHtml(r: Report, figures: HtmlFigures): string {
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
    return (
      `<section class="finding ${STRENGTH_CLASS[f.strength]}">` +
      `<h3>${esc(f.title)} <span class="badge">${esc(f.strength)}</span>${cost}</h3>` +
      (f.evidence.length ? `<ul>${list(f.evidence, evidence)}</ul>` : '') +
      (f.strength === 'ruled out' || f.strength === 'not measured' ? `<p class="thr">${esc(f.power)}</p>` : '') +
      (f.needs ? `<p class="needs">To test this, add: ${esc(f.needs)}.</p>` : '') +
      (act ? `<details><summary>What to do</summary><ul>${list(f.remedies, item)}</ul></details>` : '') +
      '</section>'
    );
  };
  const findings = r.findings.map(finding).join('\n');
  const row = (m: Report['measurements'][number]): string =>
    `<tr><td>${esc(m.name)}</td><td class="num">${fmt(m.value)}</td>` +
    `<td>${esc(m.unit)}</td><td>${esc(m.source)}</td></tr>`;
  const head = '<thead><tr><th>measurement</th><th>value</th><th>unit</th><th>from</th></tr></thead>';
  const table = `<table>${head}<tbody>${list(r.measurements, row)}</tbody></table>`;
  const svgs = figures.svg.map((f) => `<figure><figcaption>${esc(f.title)}</figcaption>${f.svg}</figure>`).join('\n');
  const slice = (f: HtmlFigures['png'][number]): string =>
    `<figure class="slice"><img alt="${esc(f.title)}" src="data:image/png;base64,${base64(f.png)}">` +
    `<figcaption>${esc(f.title)}</figcaption></figure>`;
  const pngs = figures.png.map(slice).join('\n');
  const warning = (w: Report['warnings'][number]): string => `<li><code>${esc(w.code)}</code> ${esc(w.message)}</li>`;
  const ctfFinding = (f: NonNullable<Report['ctfTriage']>['findings'][number]): string =>
    `<li><b>[${esc(f.severity)}]</b> ${esc(f.statement)} <span class="thr">(${esc(f.threshold)}; basis ` +
    `${esc(basisText(f.basis))}: ${esc(f.power)})</span><br>→ ${esc(f.remedy)}</li>`;
  const t = r.ctfTriage;
  const ctf =
    t && (t.findings.length || t.outliers)
      ? `<h2>Micrograph CTF</h2><ul>${list(t.findings, ctfFinding)}</ul>` +
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
  return checkText(
    'report.html',
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cryodx report</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
  color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
.headline{font-size:1.25em;background:#f4f6fb;border-left:5px solid #2b59c3;padding:.7em 1em}
.finding{border:1px solid #ddd;border-radius:6px;padding:.4em 1em;margin:.6em 0}
.finding h3{margin:.3em 0;font-size:1.05em}
.badge{font-size:.75em;padding:.1em .5em;border-radius:1em;background:#eee;vertical-align:middle}
.strong{border-color:#c0392b}
.strong .badge{background:#c0392b;color:#fff}
.possible{border-color:#e67e22}
.possible .badge{background:#e67e22;color:#fff}
.ruled{opacity:.7}
.unmeasured{opacity:.7;border-style:dashed}
.cost{font-size:.8em;color:#666}
.thr{color:#777;font-size:.85em}
.needs{color:#555;font-style:italic}
figure{display:inline-block;margin:.5em;vertical-align:top}
figcaption{font-size:.85em;color:#555}
.slice img{width:256px;image-rendering:pixelated;border:1px solid #ccc}
table{border-collapse:collapse;font-size:.9em}
td,th{border-bottom:1px solid #eee;padding:.25em .8em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.warnings li{margin:.2em 0}
footer{margin-top:3em;color:#888;font-size:.8em}
</style></head>
<body>
<h1>Why does this map stop where it does?</h1>
<p class="headline" id="verdict">${esc(r.verdict.headline)}</p>
<h2>Causes, ranked</h2>
${findings}
${ctf}
${tilts}
${tomography}
${model}
<h2>Evidence</h2>
${svgs}
${pngs ? `<h2>Map and mask, central sections</h2>\n${pngs}` : ''}
<h2>Every number</h2>
${table}
${inputs}
${warnings}
<footer>${esc(r.generatedBy)} · report schema ${r.schemaVersion} ·
computed on this machine; nothing was uploaded.</footer>
</body></html>
`,
  );
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
  const head = `<h2>Model ${esc(m.model)} (${m.atoms} atoms${m.predicted ? ', a prediction' : ''})</h2>`;
  return `${head}${fit}${domains}${table}`;
}
