import { FormatError } from '../errors.js';
import { mdocNumbers, readMdoc, readTlt } from './imod.js';
import type { StarDocument } from './star/read.js';
import { RLN } from './star/labels.js';

/**
 * What cryodx needs of a tilt series' metadata, from IMOD .tlt/.rawtlt, SerialEM .mdoc or a RELION 5
 * tilt-series STAR: tilt angles in stack order, the tilt-axis angle (from the image Y axis), exposure
 * per tilt or pre-exposure, and the acquisition order where the source records it.
 */
export interface TiltGeometry {
  source: string;
  tiltsDeg: number[];
  tiltAxisDeg: number | null;
  /** Exposure of each tilt (e/Å²), where known. */
  doseEPerA2: (number | null)[];
  /** Pre-exposure of each tilt (e/Å²) when the source gives it directly (RELION 5). */
  preExposureEPerA2: number[] | null;
  /** Acquisition rank of each tilt (0 = first), from time stamps; null when unknown. */
  acquisitionRank: number[] | null;
  pixelSizeA: number | null;
}

export function geometryFromTlt(text: string, source: string): TiltGeometry {
  const tilts = Array.from(readTlt(text, source));
  return {
    source,
    tiltsDeg: tilts,
    tiltAxisDeg: null,
    doseEPerA2: tilts.map(() => null),
    preExposureEPerA2: null,
    acquisitionRank: null,
    pixelSizeA: null,
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** SerialEM's "30-Nov-22  15:41:33" as seconds (for ordering only). */
function mdocTime(v: string | undefined): number | null {
  const m = v ? /(\d{1,2})-(\w{3})-(\d{2,4})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(v) : null;
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  const year = Number(m[3]) < 100 ? 2000 + Number(m[3]) : Number(m[3]);
  return Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}

export function geometryFromMdoc(text: string, source: string): TiltGeometry {
  const mdoc = readMdoc(text, source);
  const tilts = mdocNumbers(mdoc, 'TiltAngle');
  const missing = tilts.findIndex((t) => t === null);
  if (!tilts.length)
    throw new FormatError('no [ZValue] sections with TiltAngle', { source, expected: 'a SerialEM tilt-series .mdoc' });
  if (missing >= 0) throw new FormatError('a section has no TiltAngle', { source, field: `ZValue = ${missing}` });
  const axisTitle = mdoc.titles.map((t) => /Tilt axis angle\s*=\s*([-\d.]+)/i.exec(t)).find(Boolean);
  const zs = mdoc.sections.filter((s) => s.kind === 'ZValue').sort((a, b) => a.index - b.index);
  const times = zs.map((s) => mdocTime(s.fields['DateTime']));
  const rank = times.every((t) => t !== null) ? rankOf(times as number[]) : null;
  const px =
    mdocNumbers(mdoc, 'PixelSpacing').find((p) => p !== null) ??
    (mdoc.global['PixelSpacing'] ? Number(mdoc.global['PixelSpacing']) : null);
  return {
    source,
    tiltsDeg: tilts as number[],
    tiltAxisDeg: axisTitle ? Number(axisTitle[1]) : null,
    doseEPerA2: mdocNumbers(mdoc, 'ExposureDose'),
    preExposureEPerA2: null,
    acquisitionRank: rank,
    pixelSizeA: px,
  };
}

/** RELION 5 tilt-series STAR (one tomogram's tilts): nominal tilt, axis angle, pre-exposure. */
export function geometryFromTomoStar(doc: StarDocument): TiltGeometry {
  const block = doc.blocks.find((b) => b.loop?.has(RLN.tomoNominalStageTiltAngle));
  if (!block)
    throw new FormatError('no tilt-series table', {
      source: doc.source,
      expected: `a loop with _${RLN.tomoNominalStageTiltAngle} (a RELION 5 tilt-series STAR)`,
    });
  const l = block.loop!;
  const tilts = Array.from(l.numbers(RLN.tomoNominalStageTiltAngle)!);
  const axis = l.has(RLN.tomoNominalTiltAxisAngle) ? l.numbers(RLN.tomoNominalTiltAxisAngle)![0]! : null;
  const pre = l.has(RLN.micrographPreExposure) ? Array.from(l.numbers(RLN.micrographPreExposure)!) : null;
  return {
    source: doc.source,
    tiltsDeg: tilts,
    tiltAxisDeg: axis,
    doseEPerA2: tilts.map(() => null),
    preExposureEPerA2: pre,
    acquisitionRank: pre ? rankOf(pre) : null,
    pixelSizeA: null,
  };
}

function rankOf(values: number[]): number[] {
  const idx = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const rank = new Array<number>(values.length);
  idx.forEach((i, r) => (rank[i] = r));
  return rank;
}

/**
 * Pre-exposure of every tilt: given directly (RELION 5), or the summed dose of the tilts exposed
 * before it. Without time stamps the order is assumed dose-symmetric (Hagen et al. 2017: outward from
 * 0° by |tilt|), and the caller is told so.
 */
export function preExposures(
  g: TiltGeometry,
  dosePerTiltEPerA2: number | null,
): { preExposureEPerA2: number[]; rank: number[]; assumedOrder: boolean } {
  if (g.preExposureEPerA2 && dosePerTiltEPerA2 === null)
    return { preExposureEPerA2: g.preExposureEPerA2, rank: rankOf(g.preExposureEPerA2), assumedOrder: false };
  const dose = g.doseEPerA2.map((d) => dosePerTiltEPerA2 ?? d);
  const missing = dose.findIndex((d) => d === null || !(d >= 0));
  if (missing >= 0)
    throw new FormatError('no exposure dose for a tilt', {
      source: g.source,
      field: `tilt ${missing + 1}`,
      hint: 'give --dose-per-tilt (e/Å² per tilt image)',
    });
  const assumedOrder = g.acquisitionRank === null;
  const rank = g.acquisitionRank ?? rankOf(g.tiltsDeg.map((t, i) => Math.abs(t) + 1e-6 * i));
  const order = rank.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  const pre = new Array<number>(dose.length);
  let sum = 0;
  for (const [, i] of order) {
    pre[i] = sum;
    sum += dose[i]!;
  }
  return { preExposureEPerA2: pre, rank, assumedOrder };
}
