/**
 * Tilted CTF: precision of the whole-image fit against the conventional axis strip (the reference
 * method of the comparison), on simulated tilt series with known per-tilt defocus planes, and the time
 * per tilt. Three series of 9 tilts (−60…60°), 1024² at 2 Å/px, 256-px tiles. Run: npm run bench:tilt
 */
import { simulateTiltSeries } from '../src/core/simulate/tilt-series.js';
import { fitTilt } from '../src/core/analysis/tomo/tilt-ctf.js';

const n = 1024,
  px = 2,
  tilts = [-60, -45, -30, -15, 0, 15, 30, 45, 60],
  order = [8, 6, 4, 2, 0, 1, 3, 5, 7];
const err: Record<string, Record<string, number[]>> = { 'whole-image': {}, 'axis-strip': {} };
const time: Record<string, number> = { 'whole-image': 0, 'axis-strip': 0 };
let fits = 0;
for (const seed of [11, 12, 13]) {
  const defocusA = order.map((r) => 25000 + 200 * r + 1000 * seed);
  const sim = simulateTiltSeries({
    nx: n,
    ny: n,
    pixelSizeA: px,
    tiltsDeg: tilts,
    order,
    dosePerTiltEPerA2: 3,
    defocusA,
    astigmatismA: 500,
    astigmatismAngleDeg: 20,
    noise: 1.0,
    seed,
  });
  tilts.forEach((tilt, i) => {
    const img = sim.stack.subarray(i * n * n, (i + 1) * n * n);
    const bin = Math.abs(tilt) <= 30 ? 'tilt within ±30°' : 'tilt ±45° to ±60°';
    for (const method of ['whole-image', 'axis-strip'] as const) {
      const t = performance.now();
      const f = fitTilt(img, n, n, px, tilt, 0, { method, boxPx: 256, fitHighResolutionA: 7 });
      time[method]! += performance.now() - t;
      (err[method]![bin] ??= []).push(100 * ((f.defocusUA + f.defocusVA) / 2 / defocusA[i]! - 1));
    }
    fits++;
  });
}
const rms = (v: number[]): number => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
const max = (v: number[]): number => Math.max(...v.map(Math.abs));
console.log('\n| tilts | whole-image rms / max error (%) | axis-strip (reference) rms / max (%) | whole / strip rms |');
console.log('| --- | ---: | ---: | ---: |');
for (const bin of ['tilt within ±30°', 'tilt ±45° to ±60°']) {
  const w = err['whole-image']![bin]!,
    s = err['axis-strip']![bin]!;
  console.log(
    `| ${bin} (${w.length} fits) | ${rms(w).toFixed(2)} / ${max(w).toFixed(2)} | ${rms(s).toFixed(2)} / ` +
      `${max(s).toFixed(2)} | ${(rms(w) / rms(s)).toFixed(2)} |`,
  );
}
console.log(
  `\nTime per tilt: whole-image ${(time['whole-image']! / fits / 1000).toFixed(2)} s, axis-strip ` +
    `${(time['axis-strip']! / fits / 1000).toFixed(2)} s (one thread; the CLI fits tilts on worker threads).`,
);
