/**
 * Vega-Lite charts of a project's processing: motion per micrograph, polishing's per-frame weights, class
 * populations (over iterations when there are several) and two pickers' overlap per micrograph.
 */
type Spec = Record<string, unknown>;

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: { font: 'sans-serif', view: { stroke: null } },
};

/** Accumulated motion per micrograph, early and late stacked; outliers marked. */
export function motionSpec(
  rows: { micrograph: string; totalA: number; earlyA: number | null; lateA: number | null }[],
  outliers: string[],
): Spec {
  const out = new Set(outliers);
  if (rows.length > MAX_BARS) return motionPointsSpec(rows, out);
  const row = (r: (typeof rows)[number], i: number): Record<string, unknown> => ({
    index: i + 1,
    micrograph: r.micrograph,
    outlier: out.has(r.micrograph),
  });
  const values = rows.flatMap((r, i) =>
    r.earlyA !== null && r.lateA !== null
      ? [
          { ...row(r, i), part: 'early (first 4 e⁻/Å²)', motionA: r.earlyA, order: 0 },
          { ...row(r, i), part: 'late', motionA: r.lateA, order: 1 },
        ]
      : [{ ...row(r, i), part: 'total', motionA: r.totalA, order: 0 }],
  );
  const count = `${rows.length}${outliers.length ? `, ${outliers.length} outliers` : ''}`;
  return {
    ...BASE,
    title: `Accumulated motion per micrograph (${count})`,
    width: 480,
    height: 200,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'index', type: 'ordinal', title: 'micrograph', axis: { labels: rows.length <= 40 } },
      y: { field: 'motionA', type: 'quantitative', title: 'accumulated motion (Å)', stack: 'zero' },
      color: {
        field: 'part',
        type: 'nominal',
        title: null,
        sort: ['early (first 4 e⁻/Å²)', 'late', 'total'],
        legend: { orient: 'bottom', labelLimit: 320 },
      },
      order: { field: 'order', type: 'quantitative' },
      opacity: { condition: { test: 'datum.outlier', value: 1 }, value: 0.75 },
      tooltip: [{ field: 'micrograph' }, { field: 'part' }, { field: 'motionA', format: '.1f' }],
    },
  };
}

/** Above this many micrographs a bar each is unreadable: points instead. */
const MAX_BARS = 300;

function motionPointsSpec(rows: { micrograph: string; totalA: number }[], out: Set<string>): Spec {
  const values = rows.map((r, i) => ({
    index: i + 1,
    micrograph: r.micrograph,
    motionA: r.totalA,
    outlier: out.has(r.micrograph) ? 'outlier' : 'bulk',
  }));
  return {
    ...BASE,
    title: `Accumulated motion per micrograph (${rows.length}, ${out.size} outliers)`,
    width: 480,
    height: 200,
    data: { values },
    mark: { type: 'point', filled: true, size: 12 },
    encoding: {
      x: { field: 'index', type: 'quantitative', title: 'micrograph (in collection order)' },
      y: { field: 'motionA', type: 'quantitative', title: 'accumulated motion (Å)' },
      color: { field: 'outlier', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      tooltip: [{ field: 'micrograph' }, { field: 'motionA', format: '.1f' }],
    },
  };
}

/** Polishing: per-frame B and the relative weight at the map's resolution. */
export function frameWeightSpec(
  frames: { frame: number; bfactorA2: number; weight: number; exposureEPerA2: number | null }[],
  resolutionA: number,
): Spec {
  const byExposure = frames.every((f) => f.exposureEPerA2 !== null);
  const x = byExposure
    ? { field: 'exposureEPerA2', type: 'quantitative', title: 'exposure (e⁻/Å²)' }
    : { field: 'frame', type: 'quantitative', title: 'frame' };
  return {
    ...BASE,
    title: `Per-frame signal from polishing at ${resolutionA.toFixed(2)} Å`,
    data: { values: frames },
    hconcat: [
      {
        width: 230,
        height: 180,
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'bfactorA2', type: 'quantitative', title: 'per-frame B (Å²)' } },
      },
      {
        width: 230,
        height: 180,
        mark: { type: 'line', point: true, color: '#c0392b' },
        encoding: {
          x,
          y: { field: 'weight', type: 'quantitative', title: 'weight (best frame = 1)', scale: { domain: [0, 1] } },
        },
      },
    ],
  };
}

/** Class populations: bars for one iteration, lines over iterations when there are several. */
export function classPopulationSpec(
  classes: { index: number; population: number; resolutionA: number | null }[],
  history: { iteration: number; populations: number[] }[],
  signal: number[],
  kind: string,
): Spec {
  if (history.length > 1) {
    const values = history.flatMap((h) =>
      h.populations.map((p, k) => ({ iteration: h.iteration, class: `class ${k + 1}`, population: p })),
    );
    return {
      ...BASE,
      title: `${kind} class populations over iterations`,
      width: 420,
      height: 200,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'iteration', type: 'quantitative' },
        y: { field: 'population', type: 'quantitative', title: 'fraction of particles', axis: { format: '%' } },
        color: { field: 'class', type: 'nominal', title: null },
      },
    };
  }
  const values = classes.map((c) => ({
    class: c.index,
    population: c.population,
    resolutionA: c.resolutionA,
    signal: signal.includes(c.index) ? 'holds signal' : 'junk / noise',
  }));
  return {
    ...BASE,
    title: `${kind} class populations (${signal.length} of ${classes.length} hold signal)`,
    width: Math.min(480, 40 + 18 * classes.length),
    height: 200,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'class', type: 'ordinal' },
      y: { field: 'population', type: 'quantitative', title: 'fraction of particles', axis: { format: '%' } },
      color: { field: 'signal', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      tooltip: [{ field: 'class' }, { field: 'population', format: '.3f' }, { field: 'resolutionA', format: '.1f' }],
    },
  };
}

const MAX_PICK_BARS = 60;

/** Two pickers per micrograph: picks both found, and those only one found. */
export function pickerOverlapSpec(
  a: string,
  b: string,
  rows: { micrograph: string; picksA: number; picksB: number; matched: number }[],
): Spec {
  const shown = rows.slice(0, MAX_PICK_BARS);
  const values = shown.flatMap((r, i) => [
    { index: i + 1, micrograph: r.micrograph, set: 'both', picks: r.matched },
    { index: i + 1, micrograph: r.micrograph, set: `only ${a}`, picks: r.picksA - r.matched },
    { index: i + 1, micrograph: r.micrograph, set: `only ${b}`, picks: r.picksB - r.matched },
  ]);
  return {
    ...BASE,
    title:
      rows.length > shown.length
        ? `Two pickers, micrograph by micrograph (the first ${shown.length} of ${rows.length})`
        : 'Two pickers, micrograph by micrograph',
    width: Math.min(480, 60 + 24 * shown.length),
    height: 200,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'index', type: 'ordinal', title: 'micrograph' },
      y: { field: 'picks', type: 'quantitative', title: 'picks', stack: 'zero' },
      color: { field: 'set', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 320 } },
      tooltip: [{ field: 'micrograph' }, { field: 'set' }, { field: 'picks' }],
    },
  };
}
