/**
 * Cone axes on a Fibonacci hemisphere (z ≥ 0: an axis and its opposite are one cone pair, as
 * Friedel symmetry makes them equal), and a cell lookup that lists, for any unit vector, the axes
 * that may lie within a given angle of it — so each Fourier voxel is tested against a few axes,
 * not all of them.
 */
export function fibonacciHemisphere(count: number): Float64Array {
  const out = new Float64Array(3 * count);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const z = 1 - (i + 0.5) / count;
    const r = Math.sqrt(Math.max(0, 1 - z * z));
    out[3 * i] = r * Math.cos(i * golden);
    out[3 * i + 1] = r * Math.sin(i * golden);
    out[3 * i + 2] = z;
  }
  return out;
}

export class AxisLookup {
  private readonly cells: Int32Array[];
  private readonly g: number;

  /** Axes within `angleRad` (plus the cell's own size) of each cell of a g³ grid over [−1, 1]³. */
  constructor(
    readonly axes: Float64Array,
    angleRad: number,
    g = 16,
  ) {
    this.g = g;
    const n = axes.length / 3;
    const slack = Math.asin(Math.min(1, (Math.sqrt(3) * (1 / g)) / 0.8));
    const cosMax = Math.cos(Math.min(Math.PI / 2, angleRad + slack));
    this.cells = new Array<Int32Array>(g * g * g);
    for (let cz = 0; cz < g; cz++)
      for (let cy = 0; cy < g; cy++)
        for (let cx = 0; cx < g; cx++) {
          const c = [((cx + 0.5) / g) * 2 - 1, ((cy + 0.5) / g) * 2 - 1, ((cz + 0.5) / g) * 2 - 1];
          const len = Math.hypot(c[0]!, c[1]!, c[2]!);
          const list: number[] = [];
          // Only cells a unit vector can fall in matter; the rest stay empty.
          if (len > 0.8 - Math.sqrt(3) / g && len < 1 + Math.sqrt(3) / g) {
            for (let a = 0; a < n; a++) {
              const dot = Math.abs(axes[3 * a]! * c[0]! + axes[3 * a + 1]! * c[1]! + axes[3 * a + 2]! * c[2]!) / len;
              if (dot >= cosMax) list.push(a);
            }
          }
          this.cells[cx + g * (cy + g * cz)] = Int32Array.from(list);
        }
  }

  /** Called once per Fourier voxel: no closure, no allocation. */
  candidates(ux: number, uy: number, uz: number): Int32Array {
    const g = this.g,
      h = 0.5 * g;
    const cx = Math.min(g - 1, Math.max(0, Math.floor((ux + 1) * h))),
      cy = Math.min(g - 1, Math.max(0, Math.floor((uy + 1) * h))),
      cz = Math.min(g - 1, Math.max(0, Math.floor((uz + 1) * h)));
    return this.cells[cx + g * (cy + g * cz)]!;
  }
}
