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
