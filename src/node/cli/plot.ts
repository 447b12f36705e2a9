import asciichart from 'asciichart';

export interface PlotSeries {
  name: string;
  values: ArrayLike<number | null>;
  color: string;
}

/** FSC curves in the terminal (asciichart), x = shell, with resolutions under the axis. */
export function plotCurves(series: PlotSeries[], boxA: number, height = 12): string {
  const n = series[0]!.values.length;
  if (n < 3) return '(too few shells to plot)';
  const width = Math.min(n, 72);
  const resample = (v: ArrayLike<number | null>): number[] =>
    Array.from({ length: width }, (_, i) => {
      const x = v[Math.round((i * (n - 1)) / (width - 1))];
      return x === null || x === undefined || !Number.isFinite(x) ? NaN : Math.max(-0.2, Math.min(1, x));
    });
  const threshold = { name: '0.143', values: new Array<number>(n).fill(0.143), color: asciichart.darkgray };
  const all = [...series, threshold];
  const color = process.stdout.isTTY && !process.env['NO_COLOR'];
  const chart = asciichart.plot(
    all.map((s) => resample(s.values)),
    {
      height,
      min: -0.2,
      max: 1,
      ...(color ? { colors: all.map((s) => s.color) } : {}),
      format: (x: number) => x.toFixed(2).padStart(6),
    },
  );
  const ticks = [0.25, 0.5, 0.75, 1].map((f) => {
    const shell = Math.round(f * (n - 1));
    return `${(boxA / shell).toFixed(1)} Å`;
  });
  const axis = ' '.repeat(8) + ticks.map((t) => t.padStart(Math.floor(width / 4))).join('');
  const legend = color
    ? all.map((s) => `${s.color}──${asciichart.reset} ${s.name}`).join('   ')
    : `curves: ${all.map((s) => s.name).join(', ')} (colours on a terminal)`;
  return `${chart}\n${axis}\n${' '.repeat(8)}${legend}`;
}

export const COLORS = {
  unmasked: asciichart.blue,
  masked: asciichart.yellow,
  corrected: asciichart.green,
  random: asciichart.magenta,
  particle: asciichart.cyan,
};
