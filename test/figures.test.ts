import { describe, expect, it } from 'vitest';
import { orientationDensitySpec } from '../src/core/report/figures/orientation.js';
import { renderSvg } from '../src/core/report/figures/svg.js';

describe('orientation figure', () => {
  it('equal-area projection: top views at the centre, side views on the rim; renders to SVG', async () => {
    const dirs = Float64Array.of(0, 0, 1, 0, 0, -1, 1, 0, 0);
    const spec = orientationDensitySpec(dirs, { bins: 16 });
    const cells = (
      spec['layer'] as { data: { values: { x: number; x2: number; y: number; particles: number }[] } }[]
    )[0]!.data.values;
    // Both top views (z and −z fold together) land in a centre bin; the side view at x = √2.
    const centre = cells.find((c) => c.x <= 0 && c.x2 >= 0 && c.y <= 0 && c.y + (c.x2 - c.x) >= 0)!;
    expect(centre.particles).toBe(2);
    expect(cells.some((c) => c.x2 >= Math.SQRT2 - 1e-9 && c.particles === 1)).toBe(true);
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('views per bin');
  });
});

describe('processing figures', () => {
  it('motion bars (points past 300 micrographs), frame weights, class populations, picker overlap render', async () => {
    const { motionSpec, frameWeightSpec, classPopulationSpec, pickerOverlapSpec } =
      await import('../src/core/report/figures/processing.js');
    const mics = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        micrograph: `m${i}`,
        totalA: 10 + (i % 7),
        earlyA: 2,
        lateA: 8 + (i % 7),
      }));
    const bars = motionSpec(mics(24), ['m5']);
    expect(bars['mark']).toEqual({ type: 'bar' });
    expect((bars['data'] as { values: unknown[] }).values).toHaveLength(48);
    const points = motionSpec(mics(1000), []);
    expect((points['mark'] as { type: string }).type).toBe('point');
    const frames = [0, 1, 2].map((f) => ({
      frame: f,
      bfactorA2: -10 * f,
      weight: 1 - 0.2 * f,
      exposureEPerA2: f + 0.5,
    }));
    const classes = [
      { index: 1, population: 0.8, resolutionA: 6 },
      { index: 2, population: 0.2, resolutionA: 14 },
    ];
    const history = [
      { iteration: 1, populations: [0.5, 0.5] },
      { iteration: 2, populations: [0.8, 0.2] },
    ];
    const overlap = Array.from({ length: 80 }, (_, i) => ({ micrograph: `m${i}`, picksA: 10, picksB: 8, matched: 6 }));
    const specs = [
      bars,
      points,
      frameWeightSpec(frames, 3),
      classPopulationSpec(classes, [], [1], '3D'),
      classPopulationSpec(classes, history, [1], '3D'),
      pickerOverlapSpec('A', 'B', overlap),
    ];
    expect(String(specs[5]!['title'])).toMatch(/the first 60 of 80/);
    for (const s of specs) expect((await renderSvg(s)).startsWith('<svg')).toBe(true);
  });
});
