import type { Warning } from '../../errors.js';
import type { MicrographMotionRow, MotionTrack } from '../../io/processing/motion.js';
import { median, upperOutliers } from '../../util/stats.js';
import { RLN } from '../../io/star/labels.js';

/**
 * Accumulated beam-induced motion per micrograph, in Å: the path length of the global shifts over all frames,
 * over the early frames (until RELION's --dose_motionstats_cutoff, 4 e⁻/Å² by default) and over the rest.
 * RELION's rlnAccumMotion* columns are in unbinned pixels despite their label; they are converted with the
 * original pixel size, and checked against the shifts whenever the per-micrograph files are at hand.
 */
export const EARLY_EXPOSURE_EPERA2 = 4;

export interface MicrographMotion {
  micrograph: string;
  totalA: number;
  earlyA: number | null;
  lateA: number | null;
}

export interface MotionReading {
  micrographs: MicrographMotion[];
  medianTotalA: number;
  medianEarlyA: number | null;
  medianLateA: number | null;
  /** Motion per e⁻/Å² in the early frames over that in the later ones (medians): > 1 when the start moves most. */
  earlyToLateRate: number | null;
  /** Micrographs beyond the bulk (median + 3 robust SD of the total). */
  outliers: string[];
  outlierLimitA: number;
  /** How RELION's columns were read: 'pixels' when they matched the shifts' path length in pixels. */
  columnUnit: 'pixels (checked against the shifts)' | 'pixels (RELION convention, not checked)' | 'computed';
  dosePerFrameEPerA2: number | null;
  frames: number | null;
  warnings: Warning[];
}

/** Path lengths of one track in pixels: total, early (steps ending before the cutoff exposure) and late. */
export function trackPathPx(
  t: MotionTrack,
  cutoffEPerA2 = EARLY_EXPOSURE_EPERA2,
): {
  totalPx: number;
  earlyPx: number | null;
} {
  let total = 0,
    early = 0;
  for (let f = 1; f < t.frames.length; f++) {
    const d = Math.hypot(t.shiftXPx[f]! - t.shiftXPx[f - 1]!, t.shiftYPx[f]! - t.shiftYPx[f - 1]!);
    total += d;
    // RELION counts a step as early when the exposure at the end of the frame it moves into is below the cutoff
    // (the tutorial's 1.277 e⁻/Å² per frame: two early steps, matching rlnAccumMotionEarly).
    if (t.dosePerFrameEPerA2 !== null && t.preExposureEPerA2 + t.dosePerFrameEPerA2 * (f + 1) < cutoffEPerA2)
      early += d;
  }
  return { totalPx: total, earlyPx: t.dosePerFrameEPerA2 !== null ? early : null };
}

export interface MotionInputs {
  rows: MicrographMotionRow[];
  /** Per-micrograph tracks, keyed by the row's metadata path or micrograph name. */
  tracks: Map<string, MotionTrack>;
  /** Pixel size (Å) for tracks that do not carry one (MotionCor2 logs). */
  pixelSizeA?: number | null;
}

export function readMotion(inp: MotionInputs): MotionReading | null {
  const warnings: Warning[] = [];
  const out: MicrographMotion[] = [];
  let checked = 0,
    mismatched = 0;
  const rows = inp.rows.length
    ? inp.rows
    : [...inp.tracks.keys()].map((k) => ({
        micrograph: k,
        metadata: k,
        totalPx: null,
        earlyPx: null,
        latePx: null,
        originalPixelSizeA: null,
      }));
  for (const r of rows) {
    const track = inp.tracks.get(r.metadata ?? '') ?? inp.tracks.get(r.micrograph);
    const px = r.originalPixelSizeA ?? track?.pixelSizeA ?? inp.pixelSizeA ?? null;
    if (px === null) continue;
    let total = r.totalPx,
      early = r.earlyPx;
    if (track) {
      const p = trackPathPx(track);
      if (total !== null) {
        checked++;
        if (Math.abs(p.totalPx - total) > 0.01 * Math.max(1, total)) mismatched++;
      } else {
        total = p.totalPx;
        early = p.earlyPx;
      }
    }
    if (total === null) continue;
    const late = early !== null ? (r.latePx ?? total - early) : null;
    out.push({
      micrograph: r.micrograph,
      totalA: total * px,
      earlyA: early !== null ? early * px : null,
      lateA: late !== null ? late * px : null,
    });
  }
  if (!out.length) return null;
  if (mismatched)
    warnings.push({
      code: 'motion-columns',
      message:
        `${mismatched} of ${checked} micrographs: ${RLN.accumMotionTotal} differs from the path length of their ` +
        `shifts by more than 1 %; the columns were used as written (pixels)`,
    });
  const track0 = [...inp.tracks.values()][0];
  const dose = track0?.dosePerFrameEPerA2 ?? null;
  const frames = track0?.frames.length ?? null;
  const totals = out.map((m) => m.totalA);
  const o = upperOutliers(totals);
  const early = out.map((m) => m.earlyA).filter((x): x is number => x !== null);
  const late = out.map((m) => m.lateA).filter((x): x is number => x !== null);
  const medEarly = early.length ? median(early) : null;
  const medLate = late.length ? median(late) : null;
  let rate: number | null = null;
  if (medEarly !== null && medLate !== null && dose && frames && medLate > 0) {
    const pre = track0?.preExposureEPerA2 ?? 0;
    let earlySteps = 0;
    for (let f = 1; f < frames; f++) if (pre + dose * (f + 1) < EARLY_EXPOSURE_EPERA2) earlySteps++;
    const lateSteps = frames - 1 - earlySteps;
    if (earlySteps > 0 && lateSteps > 0) rate = medEarly / earlySteps / (medLate / lateSteps);
  }
  return {
    micrographs: out,
    medianTotalA: median(totals),
    medianEarlyA: medEarly,
    medianLateA: medLate,
    earlyToLateRate: rate,
    outliers: o.indices.map((i) => out[i]!.micrograph),
    outlierLimitA: o.limit,
    columnUnit: inp.rows.length
      ? checked > 0 && mismatched === 0
        ? 'pixels (checked against the shifts)'
        : 'pixels (RELION convention, not checked)'
      : 'computed',
    dosePerFrameEPerA2: dose,
    frames,
    warnings,
  };
}
