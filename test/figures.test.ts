import { describe, expect, it } from 'vitest';
import { orientationDensitySpec } from '../src/core/report/figures/orientation.js';
import { renderSvg } from '../src/core/report/figures/svg.js';
import { lineChartSvg } from '../src/core/report/figures/line-svg.js';

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

describe('line chart SVG (per-micrograph CTF fit plot)', () => {
  const base = { title: 't', xTitle: 'x', yTitle: 'y', width: 100, height: 50, yDomain: [-3, 3] as [number, number] };
  const paths = (svg: string) => [...svg.matchAll(/<path d="(M[^"]*)" stroke="#(?!888)/g)].map((m) => m[1]!);

  it('maps data to pixels linearly (y up), breaks a line at a non-finite point, clips to the plot', () => {
    const svg = lineChartSvg({
      ...base,
      xDomain: [0, 1],
      series: [
        { name: 'a', color: '#111111', x: [0, 0.5, 1], y: [-3, 0, 3] },
        { name: 'b', color: '#222222', x: [0, 0.25, 0.5, 1], y: [0, NaN, 1.5, 6] },
      ],
      rules: [{ x: 0.25, color: '#2ca02c', label: 'fit to 4.0 Å' }],
    });
    // x: 100 px over [0, 1]; y: 50 px over [3, −3] from the top.
    expect(paths(svg)).toEqual(['M0,50L50,25L100,0', 'M0,25M50,12.5L100,-25']);
    expect(svg).toContain('<line x1="25" x2="25" y2="50" stroke="#2ca02c"');
    expect(svg).toContain('fit to 4.0 Å');
    expect(svg).toMatch(/<g clip-path="url\(#clip-[0-9a-z]+\)"/);
    expect(svg.match(/<g[ >]/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
  });

  it('without an x domain: from 0 to the last point, rounded out to a tick; text escaped', () => {
    const svg = lineChartSvg({
      ...base,
      title: 'mic<1> & "2"',
      series: [{ name: 'a', color: '#111111', x: [0.03, 0.6024], y: [0, 0] }],
    });
    const ticks = [...svg.matchAll(/text-anchor="middle" font-family="sans-serif" font-size="10px">([^<]*)</g)].map(
      (m) => Number(m[1]),
    );
    expect(ticks[0]).toBe(0);
    expect(ticks.at(-1)).toBeLessThanOrEqual(0.65);
    const last = paths(svg)[0]!.split('L')[1]!.split(',').map(Number);
    // 0.6024 of a domain niced as Vega does (d3's nice, 10 ticks: 0.05 apart) to 0.65: 92.7 px of 100.
    expect(last[0]).toBeCloseTo((0.6024 / 0.65) * 100, 1);
    expect(svg).toContain('mic&lt;1&gt; &amp; &quot;2&quot;');
    expect(svg).not.toContain('mic<1>');
  });
});
