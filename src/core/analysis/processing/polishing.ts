import type { PerFrameBfactor } from '../../io/processing/polish.js';
import { fitLine } from '../postprocess/guinier.js';
import { criticalExposureEPerA2 } from '../tomo/exposure.js';

/**
 * What polishing's per-frame B-factors say at the map's resolution. RELION weights frame f's signal at
 * frequency k by exp(lnScale_f + B_f·k²/4) (Zivanov et al. 2019, frame_recombiner.cpp); relative to the best
 * frame this is how much each frame still contributes there. An early dip (the first frames below the best)
 * is motion; the steady fall afterwards is radiation damage, compared here with Grant & Grigorieff's (2015)
 * critical exposure at the same resolution.
 */
export interface FrameWeight {
  frame: number;
  bfactorA2: number;
  /** Relative weight at the map's resolution (the best frame = 1). */
  weight: number;
  /** Exposure at the frame's middle (e⁻/Å²), when the dose per frame is known. */
  exposureEPerA2: number | null;
}

export interface PolishingReading {
  resolutionA: number;
  frames: FrameWeight[];
  bestFrame: number;
  /** Weight of the first frame relative to the best: < 1 when the start is motion-blurred. */
  firstFrameWeight: number;
  /** B lost per e⁻/Å² after the best frame (Å², RELION's sign: negative), when the dose is known. */
  damageSlopeA2PerEPerA2: number | null;
  /** Exposure (past the best frame) over which the weight at the map's resolution falls by e^−½. */
  measuredCriticalExposureEPerA2: number | null;
  /** Grant & Grigorieff's critical exposure at the map's resolution and this voltage. */
  modelCriticalExposureEPerA2: number;
  /** measured / model: < 1 when frames lose signal faster than radiation damage alone predicts. */
  criticalExposureRatio: number | null;
  /** Exposure at the end of the last frame that still carries ≥ 10 % of the best frame's weight. */
  contributingExposureEPerA2: number | null;
}

export function readPolishing(
  rows: PerFrameBfactor[],
  resolutionA: number,
  opts: { dosePerFrameEPerA2?: number | null; preExposureEPerA2?: number; voltageKv?: number | null } = {},
): PolishingReading | null {
  if (rows.length < 3 || !(resolutionA > 0)) return null;
  const k2 = 1 / (resolutionA * resolutionA);
  const lnW = rows.map((r) => r.lnScale + (r.bfactorA2 * k2) / 4);
  const best = lnW.indexOf(Math.max(...lnW));
  const dose = opts.dosePerFrameEPerA2 ?? null;
  const pre = opts.preExposureEPerA2 ?? 0;
  // Frame numbers in bfactors.star count from 0: frame f spans exposure [f, f + 1]·dose.
  const exposure = (f: number): number | null => (dose ? pre + dose * (f + 0.5) : null);
  const frames = rows.map((r, i) => ({
    frame: r.frame,
    bfactorA2: r.bfactorA2,
    weight: Math.exp(lnW[i]! - lnW[best]!),
    exposureEPerA2: exposure(r.frame),
  }));
  const modelNe = criticalExposureEPerA2(1 / resolutionA, opts.voltageKv ?? 300);
  let slope: number | null = null,
    measured: number | null = null,
    contributing: number | null = null;
  if (dose && rows.length - best >= 3) {
    const tail = frames.slice(best);
    const x = tail.map((f) => f.exposureEPerA2!);
    const ones = x.map(() => 1);
    slope = fitLine(
      x,
      tail.map((f) => f.bfactorA2),
      ones,
    ).slope;
    const lnSlope = fitLine(x, lnW.slice(best), ones).slope;
    measured = lnSlope < 0 ? 0.5 / -lnSlope : null;
    const last = frames.filter((f) => f.weight >= 0.1).pop();
    contributing = last ? pre + dose * (last.frame + 1) : null;
  }
  return {
    resolutionA,
    frames,
    bestFrame: rows[best]!.frame,
    firstFrameWeight: frames[0]!.weight,
    damageSlopeA2PerEPerA2: slope,
    measuredCriticalExposureEPerA2: measured,
    modelCriticalExposureEPerA2: modelNe,
    criticalExposureRatio: measured !== null ? measured / modelNe : null,
    contributingExposureEPerA2: contributing,
  };
}
