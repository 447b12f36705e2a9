/**
 * The orientation distribution as a person reads it at a glance: viewing directions folded onto the
 * upper hemisphere (a view and its opposite give the same projection up to a flip), drawn in the
 * Lambert azimuthal equal-area projection — equal areas of the sphere stay equal on the disk, so
 * density is comparable everywhere — binned and coloured by particles per bin.
 * Returns a Vega-Lite specification (plain JSON): the same figure renders in the HTML report, the
 * browser and to SVG/PNG.
 */
export interface OrientationFigureOptions {
  bins?: number;
  title?: string;
  /** The directions are each particle's once, in this group's asymmetric unit (its description). */
  unit?: { symmetry: string; text: string };
}

export function orientationDensitySpec(
  directions: Float64Array,
  options: OrientationFigureOptions = {},
): Record<string, unknown> {
  const bins = options.bins ?? Math.min(64, Math.max(16, Math.round(Math.sqrt(directions.length / 3) / 1.5)));
  const half = Math.SQRT2;
  const counts = new Float64Array(bins * bins);
  const n = directions.length / 3;
  for (let i = 0; i < n; i++) {
    let x = directions[3 * i]!,
      y = directions[3 * i + 1]!,
      z = directions[3 * i + 2]!;
    if (z < 0) {
      x = -x;
      y = -y;
      z = -z;
    }
    const r = Math.sqrt(Math.max(0, 2 * (1 - z)));
    const phi = Math.atan2(y, x);
    const px = r * Math.cos(phi),
      py = r * Math.sin(phi);
    const bx = Math.min(bins - 1, Math.floor(((px + half) / (2 * half)) * bins));
    const by = Math.min(bins - 1, Math.floor(((py + half) / (2 * half)) * bins));
    counts[bx + bins * by]!++;
  }
  const cell = (2 * half) / bins;
  const values: { x: number; x2: number; y: number; y2: number; particles: number }[] = [];
  for (let by = 0; by < bins; by++)
    for (let bx = 0; bx < bins; bx++) {
      const c = counts[bx + bins * by]!;
      if (c === 0) continue;
      const x = -half + bx * cell,
        y = -half + by * cell;
      values.push({ x, x2: x + cell, y, y2: y + cell, particles: c });
    }
  const rim = Array.from({ length: 181 }, (_, i) => ({
    t: i,
    x: half * Math.cos((2 * Math.PI * i) / 180),
    y: half * Math.sin((2 * Math.PI * i) / 180),
  }));
  const ring45 = Array.from({ length: 181 }, (_, i) => {
    const r = Math.sqrt(2 * (1 - Math.cos(Math.PI / 4)));
    return { t: i, x: r * Math.cos((2 * Math.PI * i) / 180), y: r * Math.sin((2 * Math.PI * i) / 180) };
  });
  const scale = { domain: [-half, half] };
  const axisOff = { axis: null, scale };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: options.title ?? 'Orientation distribution',
      subtitle: [
        options.unit
          ? `${n.toLocaleString('en-US')} particles, each once in the asymmetric unit of ${options.unit.symmetry} ` +
            `(${options.unit.text}); views below the equator drawn at their opposite`
          : `${n.toLocaleString('en-US')} views`,
        'equal-area projection: centre = top view (tilt 0°), rim = side views (90°), ring = 45°',
      ],
    },
    width: 360,
    height: 360,
    layer: [
      {
        data: { values },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x', type: 'quantitative', ...axisOff },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', ...axisOff },
          y2: { field: 'y2' },
          color: {
            field: 'particles',
            type: 'quantitative',
            scale: { type: 'log', scheme: 'viridis' },
            title: 'views per bin',
          },
          tooltip: [{ field: 'particles', type: 'quantitative', title: 'views' }],
        },
      },
      {
        data: { values: rim },
        mark: { type: 'line', color: '#444', strokeWidth: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative', ...axisOff },
          y: { field: 'y', type: 'quantitative', ...axisOff },
          order: { field: 't' },
        },
      },
      {
        data: { values: ring45 },
        mark: { type: 'line', color: '#999', strokeDash: [3, 3], strokeWidth: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative', ...axisOff },
          y: { field: 'y', type: 'quantitative', ...axisOff },
          order: { field: 't' },
        },
      },
    ],
    config: { view: { stroke: null }, font: 'sans-serif' },
  };
}
