import { describe, expect, it } from 'vitest';
import { simulateTiltSeries } from '../../simulate/tilt-series.js';
import { distanceFromAxisA, particleDefocusA, planeDefocusOffsetA } from './geometry.js';
import { particleDefoci } from './particles.js';
import { fitTilt } from './tilt-ctf.js';
import { geometryFromMdoc, geometryFromTlt, geometryFromTomoStar, preExposures } from '../../io/tilt-geometry.js';
import { readStar } from '../../io/star/read.js';
import { fitTiltSeries } from './tilt-series.js';
import { criticalExposureEPerA2, relativeEnvelope } from './exposure.js';

const N = 1024,
  PX = 2.0;
const fitOptions = { boxPx: 256, fitHighResolutionA: 7 };
const meanOf = (f: { defocusUA: number; defocusVA: number }): number => (f.defocusUA + f.defocusVA) / 2;

describe('tilt geometry', () => {
  it('a flat specimen, by hand: the plane offset and the particle height; handedness flips the sign', () => {
    // A point 800 Å from the axis, tilted by 35°: it projects to d = 800·cos 35° = 655.3 Å from the axis and
    // rises by 800·sin 35° = 458.9 Å towards the source on one side (lower defocus with handedness +1 means
    // height adds underfocus: Δf = Δf₀ − h·x·sin θ, written out here, not through the module).
    const tilt = 35,
      xA = 800;
    const rad = (tilt * Math.PI) / 180;
    const d = xA * Math.cos(rad);
    expect(d).toBeCloseTo(655.322, 3);
    expect(particleDefocusA(xA, 0, tilt, 30000, 1)).toBeCloseTo(30000 - 458.861, 3);
    expect(planeDefocusOffsetA(d, tilt, 1)).toBeCloseTo(-458.861, 3);
    expect(particleDefocusA(xA, 0, tilt, 30000, -1)).toBeCloseTo(30000 + 458.861, 3);
    // At 0° only the height counts; at 90° only x.
    expect(particleDefocusA(123, 400, 0, 20000, 1)).toBeCloseTo(20400, 6);
    expect(particleDefocusA(123, 400, 90, 20000, 1)).toBeCloseTo(20000 - 123, 6);
    // The axis along image Y (0°): distance is x; along X (90°): distance is y.
    expect(distanceFromAxisA(10, 20, 0, 2)).toBeCloseTo(20, 9);
    expect(distanceFromAxisA(10, 20, 90, 2)).toBeCloseTo(40, 9);
  });

  it('critical exposure (Grant & Grigorieff 2015): 14.1 e/Å² at 1/10 Å (300 kV), 5.3 at 1/4 Å', () => {
    // Their fit N_e = 0.24499·k^−1.6649 + 2.8141, evaluated by hand: 10^1.6649 = 46.23 → 11.33 + 2.81 = 14.14;
    // 4^1.6649 = 10.05 → 2.46 + 2.81 = 5.28.
    expect(criticalExposureEPerA2(0.1)).toBeCloseTo(14.14, 2);
    expect(criticalExposureEPerA2(0.25)).toBeCloseTo(5.28, 2);
    // 200 kV: 0.8× the 300 kV value (cisTEM's voltage scaling).
    expect(criticalExposureEPerA2(0.1, 200) / criticalExposureEPerA2(0.1, 300)).toBeCloseTo(0.8, 9);
    expect(criticalExposureEPerA2(0.05)).toBeGreaterThan(criticalExposureEPerA2(0.2));
    const k = [0.05, 0.07, 0.09, 0.11, 0.13];
    const env = relativeEnvelope(
      k,
      k.map((q) => 0.5 * Math.exp((-80 * q * q) / 2)),
      k.map(() => 1),
      0,
      1,
    )!;
    expect(env.bfactorA2).toBeCloseTo(-80, 6);
    expect(env.scale).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe('tilt-series metadata', () => {
  it('mdoc: time stamps give the order, the order gives pre-exposure; tilt axis and pixel size', () => {
    const mdoc = [
      'PixelSpacing = 1.35',
      '[T = Tilt axis angle = 85.3, binning = 1]',
      ...[
        [0, 0, '10:00:00'],
        [1, 3, '10:00:30'],
        [2, -3, '10:01:00'],
        [3, 6, '10:02:00'],
      ].map(([z, t, time]) => `[ZValue = ${z}]\nTiltAngle = ${t}\nExposureDose = 2.5\nDateTime = 30-Nov-22  ${time}`),
    ].join('\n');
    const g = geometryFromMdoc(mdoc, 'ts.mdoc');
    expect(g.tiltAxisDeg).toBe(85.3);
    expect(g.pixelSizeA).toBe(1.35);
    expect(preExposures(g, null).preExposureEPerA2).toEqual([0, 2.5, 5, 7.5]);
  });
  it('RELION 5 tilt-series STAR: tilt, axis and pre-exposure as written', () => {
    const text =
      'data_TS_01\nloop_\n_rlnMicrographName\n_rlnTomoNominalStageTiltAngle\n' +
      '_rlnTomoNominalTiltAxisAngle\n_rlnMicrographPreExposure\n' +
      [
        [-3, 6],
        [0, 0],
        [3, 3],
      ]
        .map(([t, p], i) => `f${i}.mrc ${t} 84.7 ${p}`)
        .join('\n') +
      '\n';
    const g = geometryFromTomoStar(readStar(text, { source: 'TS_01.star' }));
    expect(g.tiltsDeg).toEqual([-3, 0, 3]);
    expect(g.tiltAxisDeg).toBe(84.7);
    expect(preExposures(g, null)).toMatchObject({ preExposureEPerA2: [6, 0, 3], rank: [2, 0, 1], assumedOrder: false });
  });
  it('.tlt without times: dose-symmetric order assumed, and said so', () => {
    const p = preExposures(geometryFromTlt('-6\n-3\n0\n3\n6\n', 'ts.tlt'), 3);
    expect(p.assumedOrder).toBe(true);
    expect(p.preExposureEPerA2[2]).toBe(0);
    expect(Math.max(...p.preExposureEPerA2)).toBe(12);
    expect(() => preExposures(geometryFromTlt('0\n3\n', 'ts.tlt'), null)).toThrow(/give --dose-per-tilt/);
  });
});

// Issue 10's acceptance: whole-image centre defocus within 1 % at |tilt| ≤ 30°, 2 % beyond, and more
// precise than the axis strip at high tilt; per-particle defocus within 1 %; weights fall with exposure.
describe('tilted CTF on simulated tilt series (strips of known defocus, noise growing with tilt and dose)', () => {
  const tilts = [-60, -45, -30, 0, 30, 45, 60];
  const order = [6, 4, 2, 0, 1, 3, 5];
  const series = [1, 2, 3].map((seed) => {
    const defocusA = order.map((r) => 28000 + 150 * r + 500 * seed);
    return {
      defocusA,
      sim: simulateTiltSeries({
        nx: N,
        ny: N,
        pixelSizeA: PX,
        tiltsDeg: tilts,
        order,
        dosePerTiltEPerA2: 4,
        defocusA,
        astigmatismA: 600,
        astigmatismAngleDeg: 30,
        noise: 1.0,
        seed,
      }),
    };
  });

  it('whole image: 1 % at |tilt| ≤ 30°, 2 % beyond; more precise than the axis strip at |tilt| ≥ 45°', () => {
    const high: Record<string, number[]> = { 'whole-image': [], 'axis-strip': [] };
    for (const { defocusA, sim } of series) {
      tilts.forEach((tilt, i) => {
        const img = sim.stack.subarray(i * N * N, (i + 1) * N * N);
        const whole = fitTilt(img, N, N, PX, tilt, 0, { ...fitOptions, method: 'whole-image' });
        const err = Math.abs(meanOf(whole) / defocusA[i]! - 1);
        expect(err, `tilt ${tilt}`).toBeLessThan(Math.abs(tilt) <= 30 ? 0.01 : 0.02);
        if (Math.abs(tilt) >= 45) {
          high['whole-image']!.push(err);
          const strip = fitTilt(img, N, N, PX, tilt, 0, { ...fitOptions, method: 'axis-strip' });
          high['axis-strip']!.push(Math.abs(meanOf(strip) / defocusA[i]! - 1));
        }
      });
    }
    const rms = (v: number[]): number => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    expect(rms(high['whole-image']!)).toBeLessThan(0.75 * rms(high['axis-strip']!));
  }, 240_000);

  it('series: per-particle defocus within 1 %, B-factors follow the dose, weights fall with exposure', () => {
    const { defocusA, sim } = series[0]!;
    const r = fitTiltSeries(
      {
        stack: sim.stack,
        nx: N,
        ny: N,
        pixelSizeA: PX,
        tiltsDeg: tilts,
        tiltAxisDeg: 0,
        preExposureEPerA2: sim.preExposureEPerA2,
        rank: order,
        dosePerTiltEPerA2: tilts.map(() => 4),
      },
      fitOptions,
    );
    // A particle on the (flat) specimen at x = 600 Å: truth is the strip plane at its projected position.
    const [p] = particleDefoci([{ xA: 600, yA: 0, zA: 0 }], r.tilts, 1);
    tilts.forEach((tilt, i) => {
      const truth = defocusA[i]! + planeDefocusOffsetA(600 * Math.cos((tilt * Math.PI) / 180), tilt, 1);
      expect(Math.abs(p!.defocusAPerTilt[i]! / truth - 1)).toBeLessThan(0.01);
    });
    // Simulated envelope B = 60 + 4·pre-exposure: the fitted relative B follows −4 per e/Å².
    const pre = r.tilts.map((t) => t.preExposureEPerA2),
      b = r.tilts.map((t) => t.bfactorA2);
    const slope = regressionSlope(pre, b);
    expect(slope).toBeGreaterThan(-5.5);
    expect(slope).toBeLessThan(-2.5);
    expect(
      spearman(
        pre,
        r.tilts.map((t) => t.weight),
      ),
    ).toBeLessThan(-0.8);
    expect(r.tilts.filter((t) => t.flagged)).toEqual([]);
    expect(r.warnings.filter((w) => /handedness/.test(w))).toEqual([]);
  }, 240_000);

  it('a dark tilt and the wrong handedness are called out', () => {
    const { sim } = series[1]!;
    const keep = [0, 2, 3, 4, 6]; // −60, −30, 0, 30, 60
    const stack = new Float32Array(keep.length * N * N);
    keep.forEach((k, j) => stack.set(sim.stack.subarray(k * N * N, (k + 1) * N * N), j * N * N));
    const dark = 1; // −30°: replaced by faint noise without rings
    for (let j = dark * N * N; j < (dark + 1) * N * N; j++) stack[j] = Math.sin(j * 12.9898) * 0.01;
    const input = {
      nx: N,
      ny: N,
      pixelSizeA: PX,
      tiltsDeg: keep.map((k) => tilts[k]!),
      tiltAxisDeg: 0,
      preExposureEPerA2: keep.map((k) => sim.preExposureEPerA2[k]!),
      rank: keep.map((k) => order[k]!),
      dosePerTiltEPerA2: keep.map(() => 4),
    };
    const r = fitTiltSeries({ ...input, stack }, fitOptions);
    expect(r.tilts.filter((t) => t.flagged).map((t) => t.index)).toEqual([dark]);
    expect(r.warnings.filter((w) => /handedness/.test(w))).toEqual([]);
    // The wrong handedness: the tilted plane fits better the other way round, and cryodx says so.
    const intact = new Float32Array(keep.length * N * N);
    keep.forEach((k, j) => intact.set(sim.stack.subarray(k * N * N, (k + 1) * N * N), j * N * N));
    const flipped = fitTiltSeries({ ...input, stack: intact }, { ...fitOptions, handedness: -1 });
    expect(flipped.warnings.join(' ')).toMatch(/fits better with handedness 1/);
  }, 240_000);
});

function regressionSlope(x: number[], y: number[]): number {
  const n = x.length,
    mx = x.reduce((a, b) => a + b) / n,
    my = y.reduce((a, b) => a + b) / n;
  return x.reduce((a, xi, i) => a + (xi - mx) * (y[i]! - my), 0) / x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
}

function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]): number[] => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
    const r = new Array<number>(v.length);
    idx.forEach((i, k) => (r[i] = k));
    return r;
  };
  const rx = rank(x),
    ry = rank(y),
    n = x.length;
  return 1 - (6 * rx.reduce((a, r, i) => a + (r - ry[i]!) ** 2, 0)) / (n * (n * n - 1));
}
