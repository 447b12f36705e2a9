import { FormatError } from '../../errors.js';
import type { StarDocument } from '../star/read.js';
import { RLN } from '../star/labels.js';

/**
 * Motion-correction results. RELION's corrected_micrographs.star carries rlnAccumMotionTotal/Early/Late per
 * micrograph; the label says Å but relion motioncorr_runner.cpp sums the global shifts as stored, in unbinned
 * pixels (the tutorial's 00021: the per-frame shifts' path length is 16.42 px and the column says 16.42). Each
 * micrograph's own STAR (rlnMicrographMetadata) holds the shifts per frame, the dose per frame and the pixel size.
 */
export interface MicrographMotionRow {
  micrograph: string;
  /** The per-micrograph motion STAR, when named. */
  metadata: string | null;
  /** RELION's columns as written (unbinned pixels; null when the column is absent). */
  totalPx: number | null;
  earlyPx: number | null;
  latePx: number | null;
  /** rlnMicrographOriginalPixelSize of the optics group (Å), or null. */
  originalPixelSizeA: number | null;
  /** rlnMicrographPixelSize (Å): the motion-corrected micrograph's pixel, in which picks are given. */
  micrographPixelSizeA?: number | null;
}

/** Rows of a corrected_micrographs.star (RELION 3.1–5). */
export function readCorrectedMicrographs(doc: StarDocument): MicrographMotionRow[] {
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.micrographName))?.loop;
  if (!loop)
    throw new FormatError('no micrographs table', {
      source: doc.source,
      expected: `data_micrographs with _${RLN.micrographName} (a MotionCorr corrected_micrographs.star)`,
    });
  const name = loop.strings(RLN.micrographName);
  const num = (c: string): Float64Array | null => (loop.has(c) ? loop.numbers(c) : null);
  const [total, early, late, group] = [
    RLN.accumMotionTotal,
    RLN.accumMotionEarly,
    RLN.accumMotionLate,
    RLN.opticsGroup,
  ].map(num);
  const meta = loop.has(RLN.micrographMetadata) ? loop.strings(RLN.micrographMetadata) : null;
  const pixel = opticsColumn(doc, RLN.micrographOriginalPixelSize);
  const micPixel = opticsColumn(doc, RLN.micrographPixelSize);
  const pick = (m: Map<number, number>, g: number | undefined): number | null =>
    m.get(g ?? 1) ?? (m.size === 1 ? [...m.values()][0]! : null);
  return name.map((m, i) => ({
    micrograph: m,
    metadata: meta?.[i] ?? null,
    totalPx: total?.[i] ?? null,
    earlyPx: early?.[i] ?? null,
    latePx: late?.[i] ?? null,
    originalPixelSizeA: pick(pixel, group?.[i]),
    micrographPixelSizeA: pick(micPixel, group?.[i]),
  }));
}

/** One column of the optics table by optics group. */
function opticsColumn(doc: StarDocument, column: string): Map<number, number> {
  const optics = doc.blocks.find((b) => b.name === 'optics')?.loop;
  const out = new Map<number, number>();
  if (!optics?.has(column)) return out;
  const g = optics.has(RLN.opticsGroup) ? optics.numbers(RLN.opticsGroup) : null;
  optics.numbers(column).forEach((v, i) => out.set(g?.[i] ?? i + 1, v));
  return out;
}

/** One micrograph's global motion: shifts per frame (unbinned pixels) and its exposure. */
export interface MotionTrack {
  source: string;
  /** Frame numbers as written (RELION counts from 1). */
  frames: number[];
  shiftXPx: number[];
  shiftYPx: number[];
  dosePerFrameEPerA2: number | null;
  preExposureEPerA2: number;
  /** Unbinned pixel size (Å), when the file says. */
  pixelSizeA: number | null;
  voltageKv: number | null;
}

/** A RELION per-micrograph motion STAR (data_general + data_global_shift). */
export function readMotionStar(doc: StarDocument): MotionTrack {
  const general = doc.blocks.find((b) => b.name === 'general')?.pairs;
  const shifts = doc.blocks.find((b) => b.loop?.has(RLN.micrographShiftX))?.loop;
  if (!shifts)
    throw new FormatError('no global shifts', {
      source: doc.source,
      expected: `data_global_shift with _${RLN.micrographShiftX}/Y (a RELION per-micrograph motion STAR)`,
    });
  const num = (k: string): number | null => {
    const v = general?.get(k);
    return v !== undefined && Number.isFinite(Number(v)) ? Number(v) : null;
  };
  const [x, y] = shifts.numberColumns([RLN.micrographShiftX, RLN.micrographShiftY]);
  const frames = shifts.has(RLN.micrographFrameNumber)
    ? Array.from(shifts.numbers(RLN.micrographFrameNumber))
    : Array.from({ length: shifts.rows }, (_, i) => i + 1);
  return {
    source: doc.source,
    frames,
    shiftXPx: Array.from(x!),
    shiftYPx: Array.from(y!),
    dosePerFrameEPerA2: num(RLN.micrographDoseRate),
    preExposureEPerA2: num(RLN.micrographPreExposure) ?? 0,
    pixelSizeA: num(RLN.micrographOriginalPixelSize),
    voltageKv: num(RLN.voltage),
  };
}

/**
 * A MotionCor2 log of full-frame shifts ("…-Full.log": a header of '#' lines, then frame, shift x, shift y in
 * pixels per line). Exposure and pixel size are not in the file.
 */
export function readMotionCor2Log(text: string, source: string): MotionTrack {
  const frames: number[] = [];
  const sx: number[] = [];
  const sy: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const v = t.split(/\s+/).map(Number);
    if (v.length < 3 || v.slice(0, 3).some((n) => !Number.isFinite(n)))
      throw new FormatError('not a shift line', {
        source,
        line: i + 1,
        found: JSON.stringify(t.slice(0, 60)),
        expected: 'frame, shift x, shift y (MotionCor2 full-frame log)',
      });
    frames.push(v[0]!);
    sx.push(v[1]!);
    sy.push(v[2]!);
  });
  if (frames.length < 2)
    throw new FormatError('fewer than two frames', { source, expected: 'a MotionCor2 full-frame shift log' });
  return {
    source,
    frames,
    shiftXPx: sx,
    shiftYPx: sy,
    dosePerFrameEPerA2: null,
    preExposureEPerA2: 0,
    pixelSizeA: null,
    voltageKv: null,
  };
}
