/**
 * A facility's trend: resolution and B-factor of every dataset over time, one colour per microscope, the
 * reference-sample runs (apoferritin and the like) drawn larger — the runs that show a scope's ceiling moving.
 */
type Spec = Record<string, unknown>;

export interface TrendPoint {
  name: string;
  microscope: string;
  date: string;
  resolutionA: number | null;
  bfactorA2: number | null;
  reference: boolean;
}

export function facilityTrendSpec(points: TrendPoint[]): Spec {
  const values = points.filter((p) => p.date).map((p) => ({ ...p, run: p.reference ? 'reference sample' : 'dataset' }));
  const panel = (field: string, title: string): Spec => ({
    width: 420,
    height: 180,
    mark: { type: 'line', point: { filled: true } },
    encoding: {
      x: { field: 'date', type: 'temporal', title: 'date' },
      y: { field, type: 'quantitative', title, scale: { zero: false } },
      color: { field: 'microscope', type: 'nominal', legend: { orient: 'bottom' } },
      shape: { field: 'run', type: 'nominal', title: null },
      size: { condition: { test: 'datum.reference', value: 140 }, value: 40 },
      tooltip: [{ field: 'name' }, { field: 'microscope' }, { field: 'date', type: 'temporal' }, { field }],
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { font: 'sans-serif', view: { stroke: null } },
    title: 'Resolution and B-factor over time, per microscope (reference-sample runs larger)',
    data: { values },
    vconcat: [panel('resolutionA', 'resolution (Å)'), panel('overallBfactorA2', 'overall B-factor (Å²)')],
    transform: [{ calculate: 'datum.bfactorA2 === null ? null : abs(datum.bfactorA2)', as: 'overallBfactorA2' }],
  };
}
