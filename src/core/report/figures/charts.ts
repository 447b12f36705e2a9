/**
 * Vega-Lite specifications for the report's charts (plain JSON, rendered to SVG in Node and
 * interactively in the browser app), and the per-micrograph CTF fit plot, drawn by lineChartSvg.
 * Units in axis titles.
 */
import type { LineChart } from './line-svg.js';

type Spec = Record<string, unknown>;

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: { font: 'sans-serif', view: { stroke: null } },
};

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
          x: {
            field: 'spatialFrequencyInvA',
            type: 'quantitative',
            title: 'spatial frequency (1/Å)',
            scale: { domain: [0, max] },
          },
          y: { field: 'value', type: 'quantitative', title: 'FSC', scale: { domain: [-0.2, 1.02] } },
          color: { field: 'curve', type: 'nominal', title: null },
          tooltip: [
            { field: 'curve' },
            { field: 'spatialFrequencyInvA', format: '.4f' },
            { field: 'value', format: '.3f' },
          ],
        },
      },
      {
        data: {
          values: [
            { t: 0.143, label: '0.143' },
            { t: 0.5, label: '0.5' },
          ],
        },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 't', type: 'quantitative' } },
      },
    ],
  };
}

/** ln⟨|F|⟩ against 1/d² with the fitted line over its range. */
export function guinierChartSpec(
  rows: { x: number; original: number; weighted: number; sharpened: number }[],
  fit: { slope: number; intercept: number; fromX: number; toX: number } | null,
): Spec {
  const values = rows.flatMap((r) => [
    { x: r.x, y: r.original, curve: 'original' },
    ...(r.weighted > -99 ? [{ x: r.x, y: r.weighted, curve: 'FSC-weighted' }] : []),
    ...(r.sharpened > -99 ? [{ x: r.x, y: r.sharpened, curve: 'sharpened' }] : []),
  ]);
  const layers: Spec[] = [
    {
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: '1/d² (Å⁻²)' },
        y: { field: 'y', type: 'quantitative', title: 'ln ⟨|F|⟩', scale: { zero: false } },
        color: { field: 'curve', type: 'nominal', title: null },
      },
    },
  ];
  if (fit)
    layers.push({
      data: {
        values: [
          { x: fit.fromX, y: fit.intercept + fit.slope * fit.fromX },
          { x: fit.toX, y: fit.intercept + fit.slope * fit.toX },
        ],
      },
      mark: { type: 'line', color: 'black', strokeDash: [6, 3] },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
  return { ...BASE, title: 'Guinier plot', width: 560, height: 260, layer: layers };
}

/** Histogram of values (Å, µm …) with an optional marker. */
export function histogramSpec(
  values: number[],
  field: string,
  title: string,
  marker?: { value: number; label: string },
): Spec {
  const layers: Spec[] = [
    {
      data: { values: values.map((v) => ({ [field]: v })) },
      mark: { type: 'bar' },
      encoding: {
        x: { field, type: 'quantitative', bin: { maxbins: 30 }, title: field },
        y: { aggregate: 'count', type: 'quantitative', title: 'count' },
      },
    },
  ];
  if (marker)
    layers.push({
      data: { values: [marker] },
      mark: { type: 'rule', color: '#c0392b', strokeWidth: 2 },
      encoding: { x: { field: 'value', type: 'quantitative' } },
    });
  return { ...BASE, title, width: 360, height: 200, layer: layers };
}

/**
 * A micrograph's CTF fit: the equi-phase average beside the fitted rings, the fit's correlation, and
 * where the fit holds to. Drawn without Vega (lineChartSvg): one per micrograph, by the thousand.
 */
export function ctfFitChart(
  profile: {
    spatialFrequencyInvA: number[];
    data: number[];
    fit: number[];
    correlation: number[];
  },
  fitResolutionA: number,
  title: string,
): LineChart {
  const x = profile.spatialFrequencyInvA;
  return {
    title,
    xTitle: 'spatial frequency (1/Å)',
    yTitle: 'normalised amplitude / correlation',
    width: 560,
    height: 260,
    yDomain: [-3, 3],
    series: [
      { name: 'data (equi-phase average)', color: '#999999', x, y: profile.data },
      { name: 'fitted CTF rings', color: '#d62728', x, y: profile.fit },
      { name: 'fit correlation', color: '#1f77b4', x, y: profile.correlation },
    ],
    rules: [{ x: 1 / fitResolutionA, color: '#2ca02c', label: `fit to ${fitResolutionA.toFixed(1)} Å` }],
  };
}

interface TiltPoint {
  tiltDeg: number;
  preExposureEPerA2: number;
  defocusUA: number;
  defocusVA: number;
  fitResolutionA: number;
  weight: number;
  doseWeight: number;
  cosWeight: number;
  flagged: boolean;
  comparison: { defocusUA: number; defocusVA: number; fitResolutionA: number; method: string };
}

/** Mean defocus against tilt, both methods (seed 001: the whole image against tiles near the axis). */
export function tiltDefocusSpec(rows: TiltPoint[], method: string): Spec {
  const values = rows.flatMap((r) => [
    { tiltDeg: r.tiltDeg, defocusUm: (r.defocusUA + r.defocusVA) / 20000, method, flagged: r.flagged },
    {
      tiltDeg: r.tiltDeg,
      defocusUm: (r.comparison.defocusUA + r.comparison.defocusVA) / 20000,
      method: r.comparison.method,
      flagged: r.flagged,
    },
  ]);
  return {
    ...BASE,
    title: 'Defocus at the image centre per tilt',
    width: 480,
    height: 240,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'tiltDeg', type: 'quantitative', title: 'tilt (°)' },
      y: { field: 'defocusUm', type: 'quantitative', title: 'mean defocus (µm)', scale: { zero: false } },
      color: { field: 'method', type: 'nominal', title: null, legend: { labelLimit: 320, orient: 'bottom' } },
      tooltip: [{ field: 'method' }, { field: 'tiltDeg' }, { field: 'defocusUm', format: '.3f' }, { field: 'flagged' }],
    },
  };
}

export function tiltFitResolutionSpec(rows: TiltPoint[], method: string): Spec {
  const values = rows.flatMap((r) => [
    { tiltDeg: r.tiltDeg, fitResolutionA: r.fitResolutionA, method },
    { tiltDeg: r.tiltDeg, fitResolutionA: r.comparison.fitResolutionA, method: r.comparison.method },
  ]);
  return {
    ...BASE,
    title: 'CTF fit resolution per tilt',
    width: 480,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'tiltDeg', type: 'quantitative', title: 'tilt (°)' },
      y: { field: 'fitResolutionA', type: 'quantitative', title: 'fit resolution (Å)', scale: { zero: false } },
      color: { field: 'method', type: 'nominal', title: null, legend: { labelLimit: 320, orient: 'bottom' } },
    },
  };
}

/** Data-driven weights against pre-exposure, beside the dose rule and cos(tilt). */
export function tiltWeightSpec(rows: TiltPoint[]): Spec {
  const values = rows.flatMap((r) => [
    {
      preExposureEPerA2: r.preExposureEPerA2,
      weight: r.weight,
      rule: 'from the data (B, scale at 10 Å)',
      tiltDeg: r.tiltDeg,
    },
    {
      preExposureEPerA2: r.preExposureEPerA2,
      weight: r.doseWeight,
      rule: 'Grant–Grigorieff at 10 Å',
      tiltDeg: r.tiltDeg,
    },
    { preExposureEPerA2: r.preExposureEPerA2, weight: r.cosWeight, rule: 'cos(tilt)', tiltDeg: r.tiltDeg },
  ]);
  return {
    ...BASE,
    title: 'Tilt weights against exposure',
    width: 480,
    height: 220,
    data: { values },
    mark: { type: 'point', filled: true },
    encoding: {
      x: { field: 'preExposureEPerA2', type: 'quantitative', title: 'pre-exposure (e/Å²)' },
      y: { field: 'weight', type: 'quantitative', title: 'weight', scale: { domain: [0, 1.05] } },
      color: { field: 'rule', type: 'nominal', title: null, legend: { labelLimit: 320, orient: 'bottom' } },
      tooltip: [{ field: 'rule' }, { field: 'tiltDeg' }, { field: 'weight', format: '.3f' }],
    },
  };
}
