import type { ProgressContext } from '../../util/progress.js';
import { doseFilter, relativeEnvelope } from './exposure.js';
import type { Handedness } from './geometry.js';
import { fitTilt, type TiltCtfMethod, type TiltCtfOptions, type TiltFit } from './tilt-ctf.js';

/**
 * A whole tilt series: each tilt fitted by both methods (the chosen one reported, the other kept
 * for comparison), the series checked for consistency, and exposure weights from the data beside
 * the fixed rules.
 */
export interface TiltSeriesInput {
  stack: Float32Array;
  nx: number;
  ny: number;
  pixelSizeA: number;
  tiltsDeg: number[];
  tiltAxisDeg: number;
  preExposureEPerA2: number[];
  /** Acquisition rank of each tilt (0 = first exposed). */
  rank: number[];
  dosePerTiltEPerA2: number[];
}

export interface TiltEstimate {
  defocusUA: number;
  defocusVA: number;
  astigmatismAngleDeg: number;
  fitResolutionA: number;
  score: number;
}

export interface TiltRow extends TiltEstimate {
  index: number;
  tiltDeg: number;
  preExposureEPerA2: number;
  /** Data-driven weight: scale × exp(B·k²/4) at 1/10 Å, the largest in the series = 1. */
  weight: number;
  bfactorA2: number;
  scale: number;
  /** Grant–Grigorieff amplitude at 1/10 Å for the tilt's mid exposure, and Warp's cos(tilt). */
  doseWeight: number;
  cosWeight: number;
  flagged: boolean;
  flags: string[];
  /** The other method's estimate of the same tilt. */
  comparison: TiltEstimate & { method: TiltCtfMethod };
  tiles: number;
}

export interface TiltSeriesResult {
  tilts: TiltRow[];
  method: TiltCtfMethod;
  handedness: Handedness;
  warnings: string[];
}

/** The frequency at which the weights are compared (1/Å). */
export const WEIGHT_FREQUENCY_INVA = 0.1;

/** Both methods' fits of one tilt: what a worker computes. */
export interface TiltPair {
  main: TiltFit;
  alt: TiltFit;
  /** Whole-image score with the opposite handedness (high tilts only): a check of the convention. */
  flippedScore: number | null;
}

export function fitTiltPair(
  image: ArrayLike<number>,
  input: Pick<TiltSeriesInput, 'nx' | 'ny' | 'pixelSizeA' | 'tiltAxisDeg'>,
  tiltDeg: number,
  options: TiltCtfOptions,
): TiltPair {
  const method = options.method ?? 'whole-image',
    other: TiltCtfMethod = method === 'whole-image' ? 'axis-strip' : 'whole-image';
  const fit = (m: TiltCtfMethod, h: Handedness = options.handedness ?? 1): TiltFit =>
    fitTilt(image, input.nx, input.ny, input.pixelSizeA, tiltDeg, input.tiltAxisDeg, {
      ...options,
      method: m,
      handedness: h,
    });
  const main = fit(method),
    alt = fit(other);
  const flippedScore =
    Math.abs(tiltDeg) >= 30 ? fit('whole-image', -(options.handedness ?? 1) as Handedness).crossCorrelation : null;
  return { main, alt, flippedScore };
}

export function fitTiltSeries(
  input: TiltSeriesInput,
  options: TiltCtfOptions,
  progress?: ProgressContext,
): TiltSeriesResult {
  const plane = input.nx * input.ny,
    n = input.tiltsDeg.length;
  const pairs = input.tiltsDeg.map((tilt, i) => {
    const pair = fitTiltPair(input.stack.subarray(i * plane, (i + 1) * plane), input, tilt, options);
    progress?.report?.((i + 1) / n, `tilt ${i + 1}/${n}`);
    return pair;
  });
  return assembleTiltSeries(input, pairs, options);
}

/** Rows, weights, consistency flags and the handedness check from the per-tilt fits. */
export function assembleTiltSeries(
  input: Omit<TiltSeriesInput, 'stack'>,
  pairs: TiltPair[],
  options: TiltCtfOptions,
): TiltSeriesResult {
  const method = options.method ?? 'whole-image',
    other: TiltCtfMethod = method === 'whole-image' ? 'axis-strip' : 'whole-image';
  const h = options.handedness ?? 1;
  const rows = pairs.map(({ main, alt }, i): TiltRow => ({
    index: i,
    tiltDeg: input.tiltsDeg[i]!,
    preExposureEPerA2: input.preExposureEPerA2[i]!,
    ...estimate(main),
    weight: 1,
    bfactorA2: 0,
    scale: 1,
    doseWeight: doseFilter(
      WEIGHT_FREQUENCY_INVA,
      input.preExposureEPerA2[i]! + input.dosePerTiltEPerA2[i]! / 2,
      options.voltageKv ?? 300,
    ),
    cosWeight: Math.cos((input.tiltsDeg[i]! * Math.PI) / 180),
    flagged: false,
    flags: [],
    comparison: { ...estimate(alt), method: other },
    tiles: main.tiles,
  }));
  const warnings = weigh(
    rows,
    pairs.map((f) => f.main),
    input.pixelSizeA,
  );
  flagInconsistent(rows, input.rank);
  const checked = pairs
    .map((p) => ({ p, whole: method === 'whole-image' ? p.main : p.alt }))
    .filter((x) => x.p.flippedScore !== null);
  const preferFlipped = checked.filter((x) => x.p.flippedScore! > x.whole.crossCorrelation).length;
  if (checked.length >= 2 && preferFlipped > checked.length / 2)
    warnings.push(
      `at ${preferFlipped} of ${checked.length} tilts beyond 30° the defocus gradient fits better with handedness ` +
        `${-h}: check the tilt-angle sign or pass --handedness ${-h}`,
    );
  return { tilts: rows, method, handedness: h, warnings };
}

function estimate(f: TiltFit): TiltEstimate {
  return {
    defocusUA: f.defocusUA,
    defocusVA: f.defocusVA,
    astigmatismAngleDeg: f.astigmatismAngleDeg,
    fitResolutionA: f.fitResolutionA,
    score: f.crossCorrelation,
  };
}

function weigh(rows: TiltRow[], fits: TiltFit[], pixelSizeA: number): string[] {
  const ref = rows.reduce((a, b) => (b.preExposureEPerA2 < a.preExposureEPerA2 ? b : a)).index;
  const box = fits[ref]!.box;
  const k = Array.from({ length: fits[ref]!.ringPower.length }, (_, b) => b / (box * pixelSizeA));
  const warnings: string[] = [];
  rows.forEach((row, i) => {
    const kMax = 1 / Math.max(row.fitResolutionA, rows[ref]!.fitResolutionA);
    const env =
      i === ref
        ? { bfactorA2: 0, scale: 1 }
        : relativeEnvelope(k, fits[i]!.ringPower, fits[ref]!.ringPower, 1 / 30, kMax);
    if (!env)
      warnings.push(
        `tilt ${i + 1} (${row.tiltDeg.toFixed(1)}°): too few rings to measure its B-factor; weighted by the dose rule`,
      );
    row.bfactorA2 = env?.bfactorA2 ?? -4 * (row.preExposureEPerA2 - rows[ref]!.preExposureEPerA2);
    row.scale = env?.scale ?? row.cosWeight;
    row.weight = row.scale * Math.exp((row.bfactorA2 * WEIGHT_FREQUENCY_INVA ** 2) / 4);
  });
  const max = Math.max(...rows.map((r) => r.weight));
  rows.forEach((r) => (r.weight /= max));
  return warnings;
}

const median = (v: number[]): number => {
  const s = v.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Defocus should follow a smooth course in acquisition order (focus drift, stage height): a quadratic
 * in acquisition rank, refitted without the points it leaves further than max(3 robust SD, 300 Å),
 * and a tilt further than max(4 robust SD, 300 Å) from it is flagged. So is a fit resolution beyond
 * 1.5× the series median, or a score under a third of the median (dark, drifted or contaminated images).
 */
function flagInconsistent(rows: TiltRow[], rank: number[]): void {
  const mean = (r: TiltRow): number => (r.defocusUA + r.defocusVA) / 2;
  const x = rank,
    y = rows.map(mean);
  let inlier = rows.map(() => true),
    residual = y.map(() => 0),
    sd = 0;
  for (let pass = 0; pass < 4; pass++) {
    const fit = quadratic(
      x.filter((_, i) => inlier[i]),
      y.filter((_, i) => inlier[i]),
    );
    residual = y.map((v, i) => v - fit(x[i]!));
    sd = 1.4826 * median(residual.filter((_, i) => inlier[i]).map(Math.abs));
    inlier = residual.map((r) => Math.abs(r) <= Math.max(3 * sd, 300));
  }
  const resMed = median(rows.map((r) => r.fitResolutionA)),
    scoreMed = median(rows.map((r) => r.score));
  rows.forEach((r, i) => {
    if (Math.abs(residual[i]!) > Math.max(4 * sd, 300))
      r.flags.push(`defocus ${mean(r).toFixed(0)} Å is ${Math.abs(residual[i]!).toFixed(0)} Å off the series' course`);
    if (r.fitResolutionA > 1.5 * resMed)
      r.flags.push(`fit resolution ${r.fitResolutionA.toFixed(1)} Å (series median ${resMed.toFixed(1)} Å)`);
    if (r.score < scoreMed / 3)
      r.flags.push(
        `weak Thon rings (score ${r.score.toFixed(3)}, median ${scoreMed.toFixed(3)}): dark, drifted or contaminated?`,
      );
    r.flagged = r.flags.length > 0;
  });
}

/** Least-squares polynomial y ≈ c0 + c1·x + c2·x² (lower degree when there are few points). */
function quadratic(x: number[], y: number[]): (v: number) => number {
  const degree = Math.min(2, Math.max(0, x.length - 2));
  const k = degree + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  x.forEach((xi, i) => {
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) a[r]![c]! += xi ** (r + c);
      a[r]![k]! += y[i]! * xi ** r;
    }
  });
  for (let col = 0; col < k; col++) {
    const piv = a[col]![col]!;
    if (Math.abs(piv) < 1e-12) return () => median(y);
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / piv;
      for (let c = col; c <= k; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const coef = a.map((row, r) => row[k]! / row[r]!);
  return (v) => coef.reduce((s, ci, p) => s + ci * v ** p, 0);
}

export interface AxisCheck {
  tiltDeg: number;
  /** Whole-image fit score with the axis as given, and with it turned by 90° (either handedness). */
  scoreGivenAxis: number;
  scoreRotatedAxis: number;
  rotatedBetter: boolean;
}

/**
 * The tilt axis is measured from the image Y axis here (IMOD, SerialEM, RELION 5); a program measuring it
 * from X gives an angle 90° off, and the whole-image fit then ties the strips to the wrong gradient. On the
 * most tilted image (where the gradient is largest) compare the fit with the axis as given against the axis
 * turned by 90° (both handedness signs: a turn by 90° and one by −90° differ only in that sign).
 */
export function checkAxisConvention(
  image: ArrayLike<number>,
  input: Pick<TiltSeriesInput, 'nx' | 'ny' | 'pixelSizeA' | 'tiltAxisDeg'>,
  tiltDeg: number,
  options: TiltCtfOptions,
  scoreGivenAxis: number,
): AxisCheck {
  const turned = (h: Handedness): number =>
    fitTilt(image, input.nx, input.ny, input.pixelSizeA, tiltDeg, input.tiltAxisDeg + 90, {
      ...options,
      method: 'whole-image',
      handedness: h,
    }).crossCorrelation;
  const scoreRotatedAxis = Math.max(turned(1), turned(-1));
  // Both fits see the same tiles, so the comparison is deterministic; with the gradient of a 40° tilt over a
  // 1.5 µm field the right axis scores ~4 % higher (simulated series), with no gradient both score the same.
  const rotatedBetter = scoreRotatedAxis > 1.02 * scoreGivenAxis && scoreRotatedAxis - scoreGivenAxis > 0.003;
  return { tiltDeg, scoreGivenAxis, scoreRotatedAxis, rotatedBetter };
}

export interface FittedAxis {
  tiltDeg: number;
  /** The axis angle (from the image Y axis) and tilt offset that fit the most tilted image best. */
  tiltAxisDeg: number;
  tiltOffsetDeg: number;
  score: number;
  scoreGiven: number;
}

/**
 * A coarse search of the tilt-axis angle and a tilt offset on the most tilted image, as CTFFIND5 and Warp fit
 * them: whole-image fit scores over the axis in 10° steps across 180° (then ±5° in 2.5° steps), then the tilt in
 * 2° steps within ±6° at the best axis. The handedness sign is searched with the axis (a 180° turn flips it).
 */
export function fitAxisAndOffset(
  image: ArrayLike<number>,
  input: Pick<TiltSeriesInput, 'nx' | 'ny' | 'pixelSizeA' | 'tiltAxisDeg'>,
  tiltDeg: number,
  options: TiltCtfOptions,
  scoreGiven: number,
): FittedAxis {
  const score = (axis: number, tilt: number, h: Handedness): number =>
    fitTilt(image, input.nx, input.ny, input.pixelSizeA, tilt, axis, {
      ...options,
      method: 'whole-image',
      handedness: h,
    }).crossCorrelation;
  const h0 = options.handedness ?? 1;
  let best = { axis: input.tiltAxisDeg, tilt: tiltDeg, h: h0 as Handedness, s: scoreGiven };
  const tryAt = (axis: number, tilt: number, h: Handedness): void => {
    const s = score(axis, tilt, h);
    if (s > best.s) best = { axis, tilt, h, s };
  };
  for (let d = -80; d <= 90; d += 10) if (d !== 0) tryAt(input.tiltAxisDeg + d, tiltDeg, h0 as Handedness);
  const coarse = best.axis;
  for (const d of [-5, -2.5, 2.5, 5]) tryAt(coarse + d, tiltDeg, best.h);
  const axis = best.axis;
  for (let o = -6; o <= 6; o += 2) if (o !== 0) tryAt(axis, tiltDeg + o, best.h);
  const wrapped = ((((best.axis + 90) % 180) + 180) % 180) - 90;
  return { tiltDeg, tiltAxisDeg: wrapped, tiltOffsetDeg: best.tilt - tiltDeg, score: best.s, scoreGiven };
}
