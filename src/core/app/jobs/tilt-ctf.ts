import type { Handedness } from '../../analysis/tomo/geometry.js';
import { particleDefoci, type ParticleDefocus } from '../../analysis/tomo/particles.js';
import type { TiltCtfMethod, TiltCtfOptions } from '../../analysis/tomo/tilt-ctf.js';
import {
  assembleTiltSeries,
  checkAxisConvention,
  fitAxisAndOffset,
  fitTiltPair,
  type AxisCheck,
  type FittedAxis,
  type TiltPair,
  type TiltRow,
  type TiltSeriesInput,
} from '../../analysis/tomo/tilt-series.js';
import { InputError, type Warning } from '../../errors.js';
import { particleDefocusStar, tiltSeriesStar } from '../../exports/tilt-star.js';
import { decodeText } from '../../io/bytes.js';
import { formatCtffind } from '../../io/ctffind.js';
import { readXf, xfRotationDeg } from '../../io/imod.js';
import { readMrc } from '../../io/mrc/read.js';
import { readStar } from '../../io/star/read.js';
import { writeStar } from '../../io/star/write.js';
import {
  geometryFromMdoc,
  geometryFromTlt,
  geometryFromTomoStar,
  preExposures,
  type TiltGeometry,
} from '../../io/tilt-geometry.js';
import { particlesFromCsv, particlesFromStar } from '../../io/tomo-particles.js';
import { tiltDefocusSpec, tiltFitResolutionSpec, tiltWeightSpec } from '../../report/figures/charts.js';
import { renderSvg } from '../../report/figures/svg.js';
import { resolvePixelSize, statedByMap } from '../../model/pixel-size.js';
import { jsonText, type JobOutput, type JobResult, type NamedBytes } from '../job.js';
import { micrographFitOptions, type CtfJobOptions, type MicrographFitOptions } from './ctf-run.js';

export interface TiltCtfJobInput {
  stack: NamedBytes;
  /** Exactly one of these gives the tilt angles. */
  tlt?: NamedBytes;
  mdoc?: NamedBytes;
  tomoStar?: NamedBytes;
  /** IMOD .xf: the axis from its rotation when nothing else gives it. */
  xf?: NamedBytes;
  /** Counterclockwise from the image Y axis (IMOD, SerialEM, RELION 5). */
  tiltAxisDeg?: number;
  /** The pixel size in Å the user gave; it overrides the stack's header and the tilt metadata. */
  pixelSizeA: number;
  /** The option's name in messages (`report` calls it --tilt-angpix). */
  pixelSizeFlag?: string;
  dosePerTiltEPerA2?: number;
  method?: string;
  handedness?: number;
  particles?: NamedBytes;
  ctf?: CtfJobOptions;
  /** Also search the tilt-axis angle and a tilt offset on the most tilted image (~30 extra fits). */
  fitAxis?: boolean;
}

/** A tilt series checked and ready to fit: the stack, its geometry and the options every tilt shares. */
export interface PreparedTiltSeries {
  input: TiltSeriesInput;
  options: TiltCtfOptions & { method: TiltCtfMethod; handedness: Handedness };
  fitOptions: MicrographFitOptions;
  names: { stack: string; particles: TiltCtfJobInput['particles'] };
  fitAxis: boolean;
  warnings: Warning[];
}

function geometry(inp: TiltCtfJobInput): TiltGeometry {
  const given = [inp.tlt, inp.mdoc, inp.tomoStar].filter(Boolean);
  if (given.length !== 1) throw new InputError('give the tilt geometry with exactly one of --tlt, --mdoc, --tomo-star');
  if (inp.tlt) return geometryFromTlt(decodeText(inp.tlt.bytes), inp.tlt.name);
  if (inp.mdoc) return geometryFromMdoc(decodeText(inp.mdoc.bytes), inp.mdoc.name);
  return geometryFromTomoStar(readStar(inp.tomoStar!.bytes, { source: inp.tomoStar!.name }));
}

/** Every input rule of `tilt-ctf`, decided before any fitting. */
export function prepareTiltSeries(inp: TiltCtfJobInput, compute?: { simd?: boolean }): PreparedTiltSeries {
  const method = inp.method ?? 'whole-image';
  if (method !== 'whole-image' && method !== 'axis-strip')
    throw new InputError(`--method takes whole-image or axis-strip, got "${method}"`);
  const handedness = inp.handedness ?? 1;
  if (handedness !== 1 && handedness !== -1) throw new InputError(`--handedness takes 1 or -1, got "${handedness}"`);
  if (inp.tiltAxisDeg !== undefined && !Number.isFinite(inp.tiltAxisDeg))
    throw new InputError(`--tilt-axis-deg takes an angle in degrees, got "${inp.tiltAxisDeg}"`);
  const fitOptions = micrographFitOptions(
    { ...inp.ctf, pixelSizeA: inp.pixelSizeA },
    { defocusRangeA: [5000, 80000], fitRangeA: [30, 8] },
  );
  const g = geometry(inp);
  const stackPath = inp.stack.name;
  const mrc = readMrc(inp.stack.bytes, { source: stackPath });
  const v = mrc.volume;
  if (v.nz !== g.tiltsDeg.length)
    throw new InputError(
      `${stackPath} has ${v.nz} sections but ${g.source} lists ${g.tiltsDeg.length} tilts: they must describe the ` +
        `same series`,
    );
  // The reader counted NaN and ±∞ while decoding.
  if (mrc.values.nonFinite)
    throw new InputError(
      `${stackPath}: ${mrc.values.nonFinite} pixels are NaN or infinite; the stack is damaged — regenerate it`,
    );
  // The stack's header and the tilt metadata state theirs; the option decides (a binned stack's differs from the
  // movies' in an .mdoc, so the warning names both).
  const resolved = resolvePixelSize(
    [
      statedByMap(stackPath, 'tilt series', v, 2),
      { source: g.source, role: 'tilt metadata', pixelSizeA: g.pixelSizeA ?? null },
    ],
    { valueA: inp.pixelSizeA, flag: inp.pixelSizeFlag ?? '--angpix' },
  );
  const px = resolved.pixelSizeA;
  const warnings: Warning[] = [...mrc.warnings, ...resolved.warnings];
  let axis = inp.tiltAxisDeg ?? g.tiltAxisDeg;
  if (axis === null && inp.xf) {
    const xf = readXf(decodeText(inp.xf.bytes), inp.xf.name);
    if (xf.length !== v.nz) throw new InputError(`${inp.xf.name} has ${xf.length} transforms for ${v.nz} tilts`);
    axis = -xfRotationDeg(xf[0]!);
  }
  if (axis === null || !Number.isFinite(axis))
    throw new InputError(`${g.source} does not give the tilt-axis angle: pass --tilt-axis-deg (or --xf)`);
  const pre = preExposures(g, inp.dosePerTiltEPerA2 ?? null);
  if (Math.max(...pre.preExposureEPerA2) === 0 && g.tiltsDeg.length > 1) {
    warnings.push({
      code: 'zero-dose',
      message:
        `${g.source}: every tilt has zero exposure dose, so the dose rule and pre-exposures are ` +
        `meaningless: give --dose-per-tilt`,
    });
  }
  if (pre.assumedOrder)
    warnings.push({
      code: 'assumed-order',
      message:
        `${g.source} has no acquisition times: a dose-symmetric order (outwards from 0° by |tilt|) is ` +
        `assumed for the pre-exposure`,
    });
  const dose = g.doseEPerA2.map((d) => inp.dosePerTiltEPerA2 ?? d ?? 0);
  const { pixelSizeA: _unused, ...fit } = fitOptions;
  void _unused;
  return {
    input: {
      stack: v.data,
      nx: v.nx,
      ny: v.ny,
      pixelSizeA: px,
      tiltsDeg: g.tiltsDeg,
      tiltAxisDeg: axis,
      preExposureEPerA2: pre.preExposureEPerA2,
      rank: pre.rank,
      dosePerTiltEPerA2: dose,
    },
    options: { ...fit, method, handedness: handedness as Handedness, simd: compute?.simd ?? true },
    fitOptions,
    names: { stack: stackPath, particles: inp.particles },
    fitAxis: !!inp.fitAxis,
    warnings,
  };
}

/** One tilt's fits (both methods): what a worker thread runs. */
export interface TiltJob {
  image: Float32Array;
  nx: number;
  ny: number;
  pixelSizeA: number;
  tiltAxisDeg: number;
  tiltDeg: number;
  options: TiltCtfOptions;
}

export function tiltJobs(p: PreparedTiltSeries): TiltJob[] {
  const { input } = p;
  const plane = input.nx * input.ny;
  return input.tiltsDeg.map((tiltDeg, i) => ({
    image: input.stack.slice(i * plane, (i + 1) * plane),
    nx: input.nx,
    ny: input.ny,
    pixelSizeA: input.pixelSizeA,
    tiltAxisDeg: input.tiltAxisDeg,
    tiltDeg,
    options: p.options,
  }));
}

export function fitTiltJob(j: TiltJob): TiltPair {
  return fitTiltPair(j.image, j, j.tiltDeg, j.options);
}

/** The most tilted image, its tilt and its whole-image fit score (for the axis checks). */
function mostTilted(p: PreparedTiltSeries, pairs: TiltPair[]): { image: Float32Array; tiltDeg: number; score: number } {
  const tilts = p.input.tiltsDeg;
  let i = 0;
  tilts.forEach((t, k) => {
    if (Math.abs(t) > Math.abs(tilts[i]!)) i = k;
  });
  const pair = pairs[i]!;
  const whole = p.options.method === 'whole-image' ? pair.main : pair.alt;
  const plane = p.input.nx * p.input.ny;
  return {
    image: p.input.stack.subarray(i * plane, (i + 1) * plane),
    tiltDeg: tilts[i]!,
    score: whole.crossCorrelation,
  };
}

/** The axis-convention check on the most tilted image (none below 30°, where the gradient is too small to tell). */
function axisConvention(p: PreparedTiltSeries, pairs: TiltPair[]): AxisCheck | null {
  const m = mostTilted(p, pairs);
  return Math.abs(m.tiltDeg) < 30 ? null : checkAxisConvention(m.image, p.input, m.tiltDeg, p.options, m.score);
}

/** The axis and tilt-offset search on the most tilted image. */
function searchAxis(p: PreparedTiltSeries, pairs: TiltPair[]): FittedAxis | null {
  const m = mostTilted(p, pairs);
  return Math.abs(m.tiltDeg) < 20 ? null : fitAxisAndOffset(m.image, p.input, m.tiltDeg, p.options, m.score);
}

/** Both methods' fits of every tilt, one after another (the CLI spreads them over worker threads). */
export function fitTiltsSerially(p: PreparedTiltSeries): TiltPair[] {
  const { input } = p;
  const plane = input.nx * input.ny;
  return input.tiltsDeg.map((tiltDeg, i) =>
    fitTiltPair(input.stack.subarray(i * plane, (i + 1) * plane), input, tiltDeg, p.options),
  );
}

export interface TiltCtfJobResult {
  tilts: TiltRow[];
  particles: { xA: number; yA: number; zA: number; defocusAPerTilt: number[]; x: number; y: number; z: number }[];
  handedness: Handedness;
  method: TiltCtfMethod;
  tiltAxisDeg: number;
  /** The axis as given against the axis turned by 90°, on the most tilted image (|tilt| ≥ 30°). */
  axisCheck: AxisCheck | null;
  /** With fitAxis: the axis angle and tilt offset that fit the most tilted image best. */
  fittedAxis: FittedAxis | null;
  warnings: Warning[];
}

/** `cryodx tilt-ctf`'s result and files from the fitted tilts. */
export async function tiltCtfJob(
  p: PreparedTiltSeries,
  pairs: TiltPair[],
  version: string,
): Promise<JobResult<TiltCtfJobResult>> {
  const series = assembleTiltSeries(p.input, pairs, p.options);
  const axisCheck = axisConvention(p, pairs);
  const fittedAxis = p.fitAxis ? searchAxis(p, pairs) : null;
  const pf = p.names.particles;
  const particles: ParticleDefocus[] = pf
    ? particleDefoci(
        /\.star$/i.test(pf.name)
          ? particlesFromStar(readStar(pf.bytes, { source: pf.name }))
          : particlesFromCsv(decodeText(pf.bytes), pf.name),
        series.tilts,
        series.handedness,
      )
    : [];
  const warnings: Warning[] = [...p.warnings, ...series.warnings.map((message) => ({ code: 'tilt-series', message }))];
  if (fittedAxis) {
    const turn = Math.abs(((((fittedAxis.tiltAxisDeg - p.input.tiltAxisDeg) % 180) + 270) % 180) - 90);
    if (turn > 10 || Math.abs(fittedAxis.tiltOffsetDeg) >= 2) {
      warnings.push({
        code: 'tilt-axis-fitted',
        message:
          `the most tilted image (${fittedAxis.tiltDeg}°) fits best with the axis at ` +
          `${fittedAxis.tiltAxisDeg.toFixed(1)}° ` +
          `and a tilt offset of ${fittedAxis.tiltOffsetDeg}° (score ${fittedAxis.score.toFixed(3)} against ` +
          `${fittedAxis.scoreGiven.toFixed(3)} as given): check --tilt-axis-deg and the tilt angles`,
      });
    }
  }
  if (axisCheck?.rotatedBetter) {
    warnings.push({
      code: 'tilt-axis-90-off',
      message:
        `at ${axisCheck.tiltDeg}° the whole-image fit is better with the tilt axis turned by 90° (score ` +
        `${axisCheck.scoreRotatedAxis.toFixed(3)} against ${axisCheck.scoreGivenAxis.toFixed(3)}): cryodx measures ` +
        `the axis ` +
        `from the image Y axis (IMOD, SerialEM, RELION 5); an angle measured from X (some programs) is 90° off — ` +
        `try --tilt-axis-deg ${(p.input.tiltAxisDeg + 90).toFixed(1)}`,
    });
  }
  const axis = p.input.tiltAxisDeg;
  const result: TiltCtfJobResult = {
    tilts: series.tilts,
    particles: particles.map((q) => ({
      xA: q.xA,
      yA: q.yA,
      zA: q.zA,
      defocusAPerTilt: q.defocusAPerTilt,
      x: q.xA,
      y: q.yA,
      z: q.zA,
    })),
    handedness: series.handedness,
    method: series.method,
    tiltAxisDeg: axis,
    axisCheck,
    fittedAxis,
    warnings,
  };
  const o = p.fitOptions;
  const stack = p.names.stack;
  const rows = series.tilts.map((t) => ({
    micrograph: `${stack}:${t.index + 1}`,
    defocusUA: t.defocusUA,
    defocusVA: t.defocusVA,
    astigmatismAngleDeg: t.astigmatismAngleDeg,
    phaseShiftRad: 0,
    crossCorrelation: t.score,
    fitResolutionA: t.fitResolutionA,
    tiltAxisDeg: axis,
    tiltAngleDeg: t.tiltDeg,
    thicknessA: null,
  }));
  const header = {
    inputFile: stack,
    pixelSizeA: p.input.pixelSizeA,
    voltageKv: o.voltageKv,
    csMm: o.csMm,
    amplitudeContrast: o.amplitudeContrast,
    boxPx: o.boxPx,
    fitLowResolutionA: o.fitLowResolutionA,
    fitHighResolutionA: o.fitHighResolutionA,
    defocusMinA: o.defocusMinA,
    defocusMaxA: o.defocusMaxA,
  };
  const outputs: JobOutput[] = [
    { name: 'tilt_ctf.json', text: jsonText(result) },
    { name: 'tilt_series_ctf.star', text: writeStar(tiltSeriesStar(series.tilts, axis)) },
    { name: 'tilt_ctf.txt', text: formatCtffind(header, rows, `cryodx ${version}`) },
  ];
  if (particles.length)
    outputs.push({ name: 'particle_tilt_defocus.star', text: writeStar(particleDefocusStar(particles, series.tilts)) });
  outputs.push({ name: 'defocus_vs_tilt.svg', text: await renderSvg(tiltDefocusSpec(series.tilts, series.method)) });
  outputs.push({
    name: 'fit_resolution_vs_tilt.svg',
    text: await renderSvg(tiltFitResolutionSpec(series.tilts, series.method)),
  });
  outputs.push({ name: 'weights_vs_dose.svg', text: await renderSvg(tiltWeightSpec(series.tilts)) });
  return { result, outputs, warnings };
}
