import { scaleLinear } from 'd3-scale';

/**
 * A static SVG line chart drawn from d3-scale's scales and ticks, for figures written once per item in
 * bulk (a CTF fit plot per micrograph). Vega, which draws the report's charts, takes ~0.17 s to load on
 * each worker thread and ~25 ms per chart: more than a micrograph's periodogram. Styled like the Vega
 * charts (sans-serif, light grid, title on top, legend below).
 */
export interface LineSeries {
  name: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** A vertical marker at x, labelled on the plot (a static file has no tooltips). */
export interface LineRule {
  x: number;
  color: string;
  label: string;
}

export interface LineChart {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Plot area in px, as a Vega-Lite spec's width and height. */
  width: number;
  height: number;
  /** Without one, from 0 (or the lowest x, if negative) to the highest x, rounded out to nice ticks. */
  xDomain?: [number, number];
  yDomain: [number, number];
  series: LineSeries[];
  rules?: LineRule[];
}

const MARGIN = { left: 44, top: 34, right: 16, bottom: 56 };
const FONT = 'font-family="sans-serif"';

export function lineChartSvg(c: LineChart): string {
  const x = scaleLinear()
    .domain(c.xDomain ?? xExtent(c.series))
    .range([0, c.width]);
  if (!c.xDomain) x.nice();
  const y = scaleLinear().domain(c.yDomain).range([c.height, 0]);
  const w = MARGIN.left + c.width + MARGIN.right;
  const h = MARGIN.top + c.height + MARGIN.bottom;
  const clip = `clip-${idOf(c.title)}`;
  const xTicks = x.ticks(Math.max(2, Math.round(c.width / 80)));
  const yTicks = y.ticks(Math.max(2, Math.round(c.height / 40)));
  const fx = x.tickFormat(xTicks.length),
    fy = y.tickFormat(yTicks.length);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" ${FONT} font-size="13px" font-weight="bold">${xml(c.title)}</text>`,
    `<g transform="translate(${MARGIN.left},${MARGIN.top})">`,
    `<defs><clipPath id="${clip}"><rect width="${c.width}" height="${c.height}"/></clipPath></defs>`,
    ...xTicks.map((t) => `<line x1="${px(x(t))}" x2="${px(x(t))}" y2="${c.height}" stroke="#ddd"/>`),
    ...yTicks.map((t) => `<line y1="${px(y(t))}" y2="${px(y(t))}" x2="${c.width}" stroke="#ddd"/>`),
    `<path d="M0,${c.height}H${c.width}M0,0V${c.height}" stroke="#888" fill="none"/>`,
    ...xTicks.map((t) => tickLabel(px(x(t)), c.height + 15, 'middle', fx(t))),
    ...yTicks.map((t) => tickLabel(-7, px(y(t)) + 3, 'end', fy(t))),
    axisTitle(c.width / 2, c.height + 32, c.xTitle, ''),
    axisTitle(-32, c.height / 2, c.yTitle, ` transform="rotate(-90,-32,${c.height / 2})"`),
    `<g clip-path="url(#${clip})" fill="none">`,
    ...c.series.map((s) => `<path d="${linePath(s, x, y)}" stroke="${s.color}" stroke-width="1.2"/>`),
    ...(c.rules ?? []).map(
      (r) =>
        `<line x1="${px(x(r.x))}" x2="${px(x(r.x))}" y2="${c.height}" stroke="${r.color}" stroke-dasharray="4,4"/>`,
    ),
    '</g>',
    ...(c.rules ?? []).map(
      (r) => `<text x="${px(x(r.x)) + 4}" y="12" ${FONT} font-size="10px" fill="${r.color}">${xml(r.label)}</text>`,
    ),
    legend(c.series, c.height + 48),
    '</g></svg>',
  ];
  return parts.join('\n') + '\n';
}

function xExtent(series: LineSeries[]): [number, number] {
  let lo = 0,
    hi = 0;
  for (const s of series)
    for (let i = 0; i < s.x.length; i++) {
      const v = s.x[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return [lo, hi > lo ? hi : lo + 1];
}

/** Non-finite points break the line rather than drawing to NaN. */
function linePath(s: LineSeries, x: (v: number) => number, y: (v: number) => number): string {
  let d = '',
    pen = 'M';
  for (let i = 0; i < s.x.length; i++) {
    const a = s.x[i]!,
      b = s.y[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      pen = 'M';
      continue;
    }
    d += `${pen}${px(x(a))},${px(y(b))}`;
    pen = 'L';
  }
  return d;
}

function legend(series: LineSeries[], top: number): string {
  let left = 0;
  const items = series.map((s) => {
    const item =
      `<line x1="${left}" x2="${left + 14}" y1="${top}" y2="${top}" stroke="${s.color}" stroke-width="2"/>` +
      `<text x="${left + 18}" y="${top + 3}" ${FONT} font-size="10px">${xml(s.name)}</text>`;
    left += 18 + 6 * s.name.length + 16;
    return item;
  });
  return items.join('');
}

const tickLabel = (x: number, y: number, anchor: string, text: string): string =>
  `<text x="${x}" y="${y}" text-anchor="${anchor}" ${FONT} font-size="10px">${xml(text)}</text>`;

const axisTitle = (x: number, y: number, text: string, extra: string): string =>
  `<text x="${x}" y="${y}" text-anchor="middle" ${FONT} font-size="11px" font-weight="bold"${extra}>` +
  `${xml(text)}</text>`;

/** Two decimals: a hundredth of a pixel is below what any viewer draws, and keeps the files small. */
const px = (v: number): number => Math.round(v * 100) / 100;

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An id from the title, so two charts inlined in one page keep their clip paths apart. */
function idOf(title: string): string {
  let hash = 0;
  for (let i = 0; i < title.length; i++) hash = (Math.imul(hash, 31) + title.charCodeAt(i)) >>> 0;
  return hash.toString(36);
}
