import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { REPORT_CSS } from '../core/report/html.js';
import type { ReportFigure } from '../core/app/report/report.js';
import type { RunResult } from './protocol.js';
import { sectionsPanel } from './sections.js';

/**
 * Results: the report as report.html has it — the numbers, the verdict, the ranked causes, the evidence — in the
 * page's own flow (no frame, one scroll), each figure drawn once as a live Vega view in its place (hover for
 * values; tick boxes for figures whose curves are named), the map sections with a slider and a scale bar, and
 * downloads of report.html, report.json and the figures.
 */
type Spec = Record<string, unknown>;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export async function showResults(r: RunResult): Promise<void> {
  $('results').hidden = false;
  const sym = r.report.inputs['symmetry'];
  if (typeof sym === 'string') $('inputs-summary').textContent = `${$('inputs-summary').textContent} · symmetry ${sym}`;
  $('result-json').textContent = r.json;
  styleOnce();
  const host = $('report');
  // The body is cryodx's own markup: every text in it was escaped by the renderer, and it holds no script.
  host.innerHTML = r.body;
  downloads(r);
  for (const slot of Array.from(host.querySelectorAll<HTMLElement>('.slot[data-figure]'))) {
    const name = slot.dataset['figure']!;
    if (name === 'sections') {
      if (r.volumes) slot.replaceChildren(sectionsPanel(r.volumes, pixelSizeOf(r)));
      else {
        if (slot.previousElementSibling?.id === 'sections') slot.previousElementSibling.remove();
        slot.remove();
      }
      continue;
    }
    const f = r.figures.find((x) => x.name === name);
    if (f) await liveFigure(slot, f);
  }
}

function pixelSizeOf(r: RunResult): number | null {
  const p = r.report.inputs['pixelSizeA'];
  return typeof p === 'number' && p > 0 ? p : null;
}

function styleOnce(): void {
  if (document.getElementById('report-css')) return;
  const style = document.createElement('style');
  style.id = 'report-css';
  style.textContent = REPORT_CSS;
  document.head.append(style);
}

function link(name: string, content: string | Uint8Array, type: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([content as BlobPart], { type }));
  a.download = name;
  a.textContent = name;
  a.dataset['testid'] = `download-${name}`;
  return a;
}

function downloads(r: RunResult): void {
  $('downloads').replaceChildren(
    'Download: ',
    link('report.html', r.html, 'text/html'),
    link('report.json', r.json, 'application/json'),
    ...r.figures.map((f) => link(`${f.name}.svg`, f.svg, 'image/svg+xml')),
  );
}

/** The data layer whose colour names the curves (a nominal field), and its values; null for colour scales. */
function namedSeries(spec: Spec): { field: string; values: Record<string, unknown>[] } | null {
  const layers = (spec['layer'] as Spec[] | undefined) ?? [spec];
  for (const layer of layers) {
    const color = (layer['encoding'] as Spec | undefined)?.['color'] as Spec | undefined;
    const values = (layer['data'] as Spec | undefined)?.['values'] as Record<string, unknown>[] | undefined;
    if (color?.['type'] === 'nominal' && typeof color['field'] === 'string' && values)
      return { field: color['field'], values };
  }
  return null;
}

/** One figure as a live view in its slot; named curves get tick boxes to hide or show them. */
async function liveFigure(slot: HTMLElement, f: ReportFigure): Promise<void> {
  const toggles = document.createElement('div');
  toggles.className = 'toggles';
  const chart = document.createElement('div');
  slot.replaceChildren(toggles, chart);
  const series = namedSeries(f.spec);
  let view: View | null = null;
  const draw = async (hidden: Set<unknown>): Promise<void> => {
    view?.finalize();
    let spec = f.spec;
    if (series && hidden.size) {
      const values = series.values.filter((v) => !hidden.has(v[series.field]));
      spec = JSON.parse(JSON.stringify(f.spec, (_k, v: unknown) => (v === series.values ? values : v))) as Spec;
    }
    view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), {
      renderer: 'svg',
      container: chart,
      hover: true,
    });
    await view.runAsync();
  };
  if (series) {
    const hidden = new Set<unknown>();
    for (const name of new Set(series.values.map((v) => v[series.field]))) {
      const label = document.createElement('label');
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.checked = true;
      cb.onchange = () => {
        if (cb.checked) hidden.delete(name);
        else hidden.add(name);
        void draw(hidden);
      };
      label.append(cb, ` ${String(name)}`);
      toggles.append(label);
    }
  }
  await draw(new Set());
}
