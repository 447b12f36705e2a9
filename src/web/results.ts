import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RunResult } from './protocol.js';

/**
 * Results: the same report as report.html (in a sandboxed frame), the figures again as live Vega
 * views (hover for values, tick boxes to show or hide curves), sections through the maps with a
 * slider, and downloads of report.html, report.json and the figures.
 */
type Spec = Record<string, unknown>;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export async function showResults(r: RunResult): Promise<void> {
  $('results').hidden = false;
  $('result-json').textContent = r.json;
  const svgs = r.figures.map((f) => ({ name: f.name, title: f.caption, svg: f.svg }));
  const html = r.html;
  $<HTMLIFrameElement>('report-frame').srcdoc = html;
  downloads(html, r.json, svgs);
  await figures(r);
  slices(r);
}

function link(name: string, content: string | Uint8Array, type: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([content as BlobPart], { type }));
  a.download = name;
  a.textContent = name;
  a.dataset['testid'] = `download-${name}`;
  return a;
}

function downloads(html: string, json: string, svgs: { name: string; svg: string }[]): void {
  $('downloads').replaceChildren(
    link('report.html', html, 'text/html'),
    link('report.json', json, 'application/json'),
    ...svgs.map((s) => link(`${s.name}.svg`, s.svg, 'image/svg+xml')),
  );
}

/** The data layer whose colour field names the curves, and its values. */
function seriesOf(spec: Spec): { layer: Spec; field: string; values: Record<string, unknown>[] } | null {
  const layers = (spec['layer'] as Spec[] | undefined) ?? [spec];
  for (const layer of layers) {
    const field = ((layer['encoding'] as Spec | undefined)?.['color'] as Spec | undefined)?.['field'] as
      string | undefined;
    const values = (layer['data'] as Spec | undefined)?.['values'] as Record<string, unknown>[] | undefined;
    if (field && values) return { layer, field, values };
  }
  return null;
}

async function figures(r: RunResult): Promise<void> {
  const host = $('figures');
  host.replaceChildren();
  for (const f of r.figures) {
    const box = document.createElement('div');
    box.className = 'figure';
    const caption = document.createElement('p');
    caption.textContent = f.caption;
    const toggles = document.createElement('div');
    toggles.className = 'toggles';
    const chart = document.createElement('div');
    box.append(caption, toggles, chart);
    host.append(box);
    const series = seriesOf(f.spec);
    let view: View | null = null;
    const draw = async (hidden: Set<unknown>): Promise<void> => {
      view?.finalize();
      let spec = f.spec;
      if (series) {
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
}

function slices(r: RunResult): void {
  const v = r.volumes;
  const select = $<HTMLSelectElement>('slice-volume'),
    axis = $<HTMLSelectElement>('slice-axis'),
    index = $<HTMLInputElement>('slice-index');
  if (!v) {
    select.replaceChildren(new Option('no maps', ''));
    return;
  }
  const vols: [string, Float32Array][] = [
    ['sharpened map', v.sharpened],
    ...(v.mask ? [['mask', v.mask] as [string, Float32Array]] : []),
    ...(v.locres ? [['local resolution (Å)', v.locres] as [string, Float32Array]] : []),
  ];
  select.replaceChildren(...vols.map(([name], i) => new Option(name, String(i))));
  index.max = String(v.n - 1);
  index.value = String(v.n >> 1);
  const draw = (): void => {
    const [name, data] = vols[Number(select.value)]!;
    drawSection(data, v.n, axis.value as 'x' | 'y' | 'z', Number(index.value), name === 'mask');
    $('slice-label').textContent = `${name}, ${axis.value} = ${index.value}`;
  };
  select.onchange = axis.onchange = index.oninput = draw;
  draw();
}

/** One section, scaled between the 1st and 99th percentiles of the whole volume (0…1 for a mask). */
function drawSection(data: Float32Array, n: number, axis: 'x' | 'y' | 'z', c: number, unit: boolean): void {
  const canvas = $<HTMLCanvasElement>('slice-canvas');
  canvas.width = canvas.height = n;
  const g = canvas.getContext('2d')!;
  const img = g.createImageData(n, n);
  let lo = 0,
    hi = 1;
  if (!unit) {
    const sample = Float32Array.from(
      { length: Math.min(data.length, 65536) },
      (_, i) => data[Math.floor((i * data.length) / Math.min(data.length, 65536))]!,
    )
      .filter(Number.isFinite)
      .sort();
    lo = sample[Math.floor(0.01 * sample.length)] ?? 0;
    hi = sample[Math.floor(0.99 * sample.length)] ?? 1;
  }
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const i = axis === 'z' ? b + n * (a + n * c) : axis === 'y' ? b + n * (c + n * a) : c + n * (b + n * a);
      const t = Math.max(0, Math.min(255, Math.round(((data[i]! - lo) / (hi - lo || 1)) * 255)));
      const o = 4 * ((n - 1 - a) * n + b);
      img.data[o] = img.data[o + 1] = img.data[o + 2] = t;
      img.data[o + 3] = 255;
    }
  g.putImageData(img, 0, 0);
}
