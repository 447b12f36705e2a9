/**
 * Vega-Lite specifications for the report's charts (plain JSON, rendered to SVG in Node and
 * interactively in the browser app). Units in axis titles.
 */
type Spec = Record<string, unknown>;

const BASE = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: { font: 'sans-serif', view: { stroke: null } } };

export interface CurvePoint {
  spatialFrequencyInvA: number;
  value: number | null;
  curve: string;
}

/** FSC curves against spatial frequency, with the 0.143 and 0.5 thresholds and resolution ticks in Å. */
export function fscChartSpec(points: CurvePoint[], title: string): Spec {
  const max = Math.max(...points.map((p) => p.spatialFrequencyInvA));
  return {
    ...BASE,
    title,
    width: 560,
    height: 300,
    layer: [
      {
        data: { values: points.filter((p) => p.value !== null) },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'spatialFrequencyInvA', type: 'quantitative', title: 'spatial frequency (1/Å)', scale: { domain: [0, max] } },
          y: { field: 'value', type: 'quantitative', title: 'FSC', scale: { domain: [-0.2, 1.02] } },
          color: { field: 'curve', type: 'nominal', title: null },
          tooltip: [{ field: 'curve' }, { field: 'spatialFrequencyInvA', format: '.4f' }, { field: 'value', format: '.3f' }],
        },
      },
      { data: { values: [{ t: 0.143, label: '0.143' }, { t: 0.5, label: '0.5' }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field: 't', type: 'quantitative' } } },
    ],
  };
}

/** ln⟨|F|⟩ against 1/d² with the fitted line over its range. */
export function guinierChartSpec(rows: { x: number; original: number; weighted: number; sharpened: number }[], fit: { slope: number; intercept: number; fromX: number; toX: number } | null): Spec {
  const values = rows.flatMap((r) => [
    { x: r.x, y: r.original, curve: 'original' },
    ...(r.weighted > -99 ? [{ x: r.x, y: r.weighted, curve: 'FSC-weighted' }] : []),
    ...(r.sharpened > -99 ? [{ x: r.x, y: r.sharpened, curve: 'sharpened' }] : []),
  ]);
  const layers: Spec[] = [
    { data: { values }, mark: { type: 'line' }, encoding: { x: { field: 'x', type: 'quantitative', title: '1/d² (Å⁻²)' }, y: { field: 'y', type: 'quantitative', title: 'ln ⟨|F|⟩', scale: { zero: false } }, color: { field: 'curve', type: 'nominal', title: null } } },
  ];
  if (fit) layers.push({ data: { values: [{ x: fit.fromX, y: fit.intercept + fit.slope * fit.fromX }, { x: fit.toX, y: fit.intercept + fit.slope * fit.toX }] }, mark: { type: 'line', color: 'black', strokeDash: [6, 3] }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  return { ...BASE, title: 'Guinier plot', width: 560, height: 260, layer: layers };
}

/** Histogram of values (Å, µm …) with an optional marker. */
export function histogramSpec(values: number[], field: string, title: string, marker?: { value: number; label: string }): Spec {
  const layers: Spec[] = [{ data: { values: values.map((v) => ({ [field]: v })) }, mark: { type: 'bar' }, encoding: { x: { field, type: 'quantitative', bin: { maxbins: 30 }, title: field }, y: { aggregate: 'count', type: 'quantitative', title: 'count' } } }];
  if (marker) layers.push({ data: { values: [marker] }, mark: { type: 'rule', color: '#c0392b', strokeWidth: 2 }, encoding: { x: { field: 'value', type: 'quantitative' } } });
  return { ...BASE, title, width: 360, height: 200, layer: layers };
}

/** A micrograph's CTF fit in 1D: equi-phase average, fitted rings, their windowed correlation, fit resolution. */
export function ctfFitChartSpec(profile: { spatialFrequencyInvA: number[]; data: number[]; fit: number[]; correlation: number[]; threshold: number[] }, fitResolutionA: number, title: string): Spec {
  const rows = profile.spatialFrequencyInvA.flatMap((k, i) => [
    { spatialFrequencyInvA: k, value: profile.data[i]!, curve: 'data (equi-phase average)' },
    { spatialFrequencyInvA: k, value: profile.fit[i]!, curve: 'fitted CTF rings' },
    { spatialFrequencyInvA: k, value: profile.correlation[i]!, curve: 'fit correlation' },
  ]);
  return {
    ...BASE,
    title,
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.2, clip: true },
        encoding: {
          x: { field: 'spatialFrequencyInvA', type: 'quantitative', title: 'spatial frequency (1/Å)' },
          y: { field: 'value', type: 'quantitative', title: 'normalised amplitude / correlation', scale: { domain: [-3, 3] } },
          color: { field: 'curve', type: 'nominal', title: null, scale: { range: ['#999999', '#d62728', '#1f77b4'] } },
          tooltip: [{ field: 'curve' }, { field: 'spatialFrequencyInvA', format: '.4f' }, { field: 'value', format: '.3f' }],
        },
      },
      { data: { values: [{ k: 1 / fitResolutionA, label: `fit to ${fitResolutionA.toFixed(1)} Å` }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#2ca02c' }, encoding: { x: { field: 'k', type: 'quantitative' }, tooltip: [{ field: 'label' }] } },
    ],
  };
}
