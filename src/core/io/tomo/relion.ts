import { FormatError } from '../../errors.js';
import type { TiltRecord, TiltSource, TiltSourceKind } from '../../model/tomo.js';
import type { StarBlock, StarDocument } from '../star/read.js';
import type { StarLoop } from '../star/loop.js';
import { stemOf, tiltsFromImageNames } from './names.js';
import { PlaceholderLog, type FieldKind } from './placeholders.js';
import { RLN } from '../star/labels.js';

/**
 * RELION tomography STARs (RELION 4 and 5, and WarpTools' exports of them):
 * - a tilt-series STAR (one block per series, one row per tilt: `_rlnTomoNominalStageTiltAngle`,
 *   `_rlnTomoNominalTiltAxisAngle`, `_rlnMicrographPreExposure`, per-tilt CTF and motion after those jobs,
 *   `_rlnTomoXTilt/YTilt/ZRot` after alignment);
 * - `tomograms.star` / `tilt_series.star` (`data_global`: one row per series, `_rlnTomoTiltSeriesStarFile`
 *   naming the per-series STAR; RELION 4 and WarpTools instead give each series a block of per-tilt projection
 *   matrices `_rlnTomoProjX…W`, with defocus and pre-exposure beside them);
 * - a per-tilt CTF or motion table of tilt images (`data_micrographs` with `_rlnDefocusU` or
 *   `_rlnAccumMotionTotal`), as RELION's CtfFind / MotionCorr jobs write them.
 * Every numeric field is read through the placeholder table: `None`, `0.000001` and kin are absent.
 */
export interface RelionTomoRead {
  sources: TiltSource[];
  /** Series → the per-series STAR it names (as written in the file). */
  references: { series: string; path: string }[];
  isGlobal: boolean;
}

const COLUMNS: [keyof TiltRecord, string, FieldKind][] = [
  ['tiltDeg', RLN.tomoNominalStageTiltAngle, 'angle'],
  ['axisDeg', RLN.tomoNominalTiltAxisAngle, 'angle'],
  ['preExposureEPerA2', RLN.micrographPreExposure, 'dose'],
  ['defocusUA', RLN.defocusU, 'defocus'],
  ['defocusVA', RLN.defocusV, 'defocus'],
  ['astigmatismAngleDeg', RLN.defocusAngle, 'angle'],
  ['fitResolutionA', RLN.ctfMaxResolution, 'resolution'],
  ['ctfScore', RLN.ctfFigureOfMerit, 'score'],
  ['bfactorA2', RLN.ctfBfactor, 'bfactor'],
  ['motionTotal', RLN.accumMotionTotal, 'motion'],
];

/** Tokens of a column (or undefined when the loop has none). */
function col(l: StarLoop, name: string): string[] | undefined {
  return l.has(name) ? l.strings(name) : undefined;
}

function first(l: StarLoop, name: string): string | undefined {
  return col(l, name)?.[0];
}

const isTiltBlock = (l: StarLoop): boolean =>
  l.has(RLN.tomoNominalStageTiltAngle) ||
  l.has(RLN.tomoProjX) ||
  l.has(RLN.tomoYTilt) ||
  (l.has(RLN.micrographPreExposure) && !l.has(RLN.tomoTiltSeriesStarFile));

/** "[0.99,0.0,0.12,3.1]" (RELION 4 / WarpTools) or four numbers separated by spaces or commas. */
function vector4(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text
    .replace(/[[\]"']/g, '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  return parts.length >= 3 && parts.every(Number.isFinite) ? parts : undefined;
}

/**
 * Tilt angle and in-plane axis angle (degrees) of a projection whose first two rows are X and Y: the model is an
 * in-plane rotation ψ after a tilt θ about the tomogram's Y axis, rows (cos ψ·(cos θ, 0, sin θ) − sin ψ·(0, 1, 0))
 * and (sin ψ·(cos θ, 0, sin θ) + cos ψ·(0, 1, 0)). ψ is then the angle of the tilt axis (tomogram Y) in the image,
 * counter-clockwise from the image Y axis.
 */
export function tiltFromProjection(x: readonly number[], y: readonly number[]): { tiltDeg: number; axisDeg: number } {
  const psi = Math.atan2(-x[1]!, y[1]!);
  const sinTheta = x[2]! * Math.cos(psi) + y[2]! * Math.sin(psi);
  // Beam direction = X × Y; its z component is cos θ.
  const cosTheta = x[0]! * y[1]! - x[1]! * y[0]!;
  return { tiltDeg: (Math.atan2(sinTheta, cosTheta) * 180) / Math.PI, axisDeg: (psi * 180) / Math.PI };
}

function median(v: number[]): number | undefined {
  if (!v.length) return undefined;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function tiltSource(block: StarBlock, doc: StarDocument, kind: TiltSourceKind, seriesHint?: string): TiltSource {
  const l = block.loop!;
  const log = new PlaceholderLog();
  const cols = COLUMNS.map(([key, name, k]) => [key, name, k, col(l, name)] as const);
  const images = col(l, RLN.micrographName) ?? col(l, RLN.tomoTiltMovieFile) ?? col(l, RLN.micrographMovieName);
  const px = col(l, RLN.tomoProjX),
    py = col(l, RLN.tomoProjY);
  const yTilt = col(l, RLN.tomoYTilt),
    zRot = col(l, RLN.tomoZRot);
  const offsets: number[] = [];
  const tilts: TiltRecord[] = [];
  for (let i = 0; i < l.rows; i++) {
    const t: TiltRecord = { index: i };
    if (images?.[i] !== undefined) t.image = images[i]!;
    for (const [key, name, k, values] of cols) {
      if (!values) continue;
      const v = log.read(`_${name}`, k, values[i]);
      if (v !== undefined) (t as unknown as Record<string, number>)[key] = v;
    }
    // Aligned tilt and axis (RELION 5 AlignTiltSeries) where there is no nominal one; their offset is reported.
    const yt = yTilt ? log.read(`_${RLN.tomoYTilt}`, 'angle', yTilt[i]) : undefined;
    if (yt !== undefined) {
      if (t.tiltDeg === undefined) t.tiltDeg = yt;
      else offsets.push(yt - t.tiltDeg);
    }
    const zr = zRot ? log.read(`_${RLN.tomoZRot}`, 'angle', zRot[i]) : undefined;
    if (zr !== undefined && t.axisDeg === undefined) t.axisDeg = zr;
    if (px && py && t.tiltDeg === undefined) {
      const x = vector4(px[i]),
        y = vector4(py[i]);
      if (x && y) {
        const p = tiltFromProjection(x, y);
        t.tiltDeg = p.tiltDeg;
        if (t.axisDeg === undefined) t.axisDeg = p.axisDeg;
      }
    }
    tilts.push(t);
  }
  // A CTF or motion table of tilt images has no angle column; their names often carry the nominal tilt.
  if (
    (kind === 'relion-ctf-star' || kind === 'relion-motion-star') &&
    images &&
    tilts.every((t) => t.tiltDeg === undefined)
  ) {
    const angles = tiltsFromImageNames(images);
    if (angles) tilts.forEach((t, i) => angles[i] !== null && (t.tiltDeg = angles[i]!));
  }
  const named = first(l, RLN.tomoName);
  const generic = /^(tilt_images|micrographs|images|global|)$/i.test(block.name);
  const series = named ?? (generic ? seriesHint : block.name);
  const axes = tilts.flatMap((t) => (t.axisDeg !== undefined ? [t.axisDeg] : []));
  const source: TiltSource = {
    kind,
    file: doc.source,
    tilts,
    placeholders: log.list(),
  };
  if (series !== undefined) source.series = series;
  const axis = median(axes);
  if (axis !== undefined) {
    source.axisDeg = axis;
    source.axisMeaning = l.has(RLN.tomoNominalTiltAxisAngle)
      ? `nominal (_${RLN.tomoNominalTiltAxisAngle}, from the image Y axis)`
      : l.has(RLN.tomoZRot)
        ? `aligned (_${RLN.tomoZRot}, from the image Y axis)`
        : `from the projection matrices (_${RLN.tomoProjX}/Y, from the image Y axis)`;
  }
  const offset = median(offsets);
  if (offset !== undefined) source.tiltOffsetDeg = offset;
  return source;
}

function opticsOf(doc: StarDocument): { pixelSizeA?: number; voltageKv?: number } {
  const out: { pixelSizeA?: number; voltageKv?: number } = {};
  const log = new PlaceholderLog();
  for (const b of doc.blocks) {
    const l = b.loop;
    const get = (name: string): number | undefined =>
      l ? log.read(name, 'generic', first(l, name)) : log.read(name, 'generic', b.pairs.get(name));
    const p = get(RLN.tomoTiltSeriesPixelSize) ?? get(RLN.micrographPixelSize) ?? get(RLN.micrographOriginalPixelSize);
    const v = get(RLN.voltage);
    if (p !== undefined && p > 0 && out.pixelSizeA === undefined) out.pixelSizeA = p;
    if (v !== undefined && v > 0 && out.voltageKv === undefined) out.voltageKv = v;
  }
  return out;
}

/** True when a STAR document is one of RELION's tomography tables (so `info` and `tomo-report` read it as such). */
export function isRelionTomoStar(doc: StarDocument): boolean {
  return doc.blocks.some(
    (b) => b.loop && (isTiltBlock(b.loop) || b.loop.has(RLN.tomoTiltSeriesStarFile) || b.loop.has(RLN.tomoName)),
  );
}

export function readRelionTomo(doc: StarDocument): RelionTomoRead {
  const optics = opticsOf(doc);
  const sources: TiltSource[] = [];
  const references: { series: string; path: string }[] = [];
  let isGlobal = false;
  for (const b of doc.blocks) {
    const l = b.loop;
    if (!l) continue;
    if (l.has(RLN.tomoTiltSeriesStarFile)) {
      isGlobal = true;
      const names = col(l, RLN.tomoName) ?? [];
      col(l, RLN.tomoTiltSeriesStarFile)!.forEach((path, i) =>
        references.push({ series: names[i] ?? stemOf(path), path }),
      );
      continue;
    }
    if (isTiltBlock(l)) {
      sources.push(tiltSource(b, doc, l.has(RLN.tomoProjX) ? 'relion-tomograms-star' : 'relion5-tilt-star'));
      continue;
    }
    if (l.has(RLN.tomoName) && !l.has(RLN.defocusU)) {
      isGlobal = true;
      continue;
    }
    if (l.has(RLN.defocusU) && l.has(RLN.micrographName))
      sources.push(tiltSource(b, doc, 'relion-ctf-star', seriesFromImages(col(l, RLN.micrographName)!)));
    else if (l.has(RLN.accumMotionTotal) && l.has(RLN.micrographName))
      sources.push(tiltSource(b, doc, 'relion-motion-star', seriesFromImages(col(l, RLN.micrographName)!)));
  }
  if (!sources.length && !references.length)
    throw new FormatError('no tilt-series table', {
      source: doc.source,
      expected:
        `a RELION tomography STAR: per-tilt rows with _${RLN.tomoNominalStageTiltAngle}, ` +
        `_${RLN.micrographPreExposure} or ` +
        `_${RLN.tomoProjX}, or a tomograms.star with _${RLN.tomoTiltSeriesStarFile}`,
    });
  for (const s of sources) {
    if (optics.pixelSizeA !== undefined) s.pixelSizeA = optics.pixelSizeA;
    if (optics.voltageKv !== undefined) s.voltageKv = optics.voltageKv;
    if (s.series === undefined && sources.length === 1 && !isGenericStem(doc.source)) s.series = stemOf(doc.source);
  }
  return { sources, references, isGlobal };
}

/** File names that say nothing about which series they hold. */
function isGenericStem(path: string): boolean {
  return /^(tilt_series|tomograms|relion_.*|.*_output|micrographs_ctf|corrected_micrographs|.*ctf.*|.*motion.*)$/i.test(
    stemOf(path),
  );
}

/** The series a set of tilt-image names shares: their common prefix up to the last separator, e.g. "TS_01". */
export function seriesFromImages(images: string[]): string | undefined {
  const stems = images.map((n) => (n.split(/[\\/]/).pop() ?? n).replace(/\.[A-Za-z0-9]+$/, ''));
  if (!stems.length) return undefined;
  let p = stems[0]!;
  for (const s of stems) while (!s.startsWith(p)) p = p.slice(0, -1);
  const cut = p.replace(/[_\-.[]+[^_\-.[]*$/, '');
  const clean = (stems.length > 1 ? cut : p).replace(/[_\-.[]+$/, '');
  return clean.length >= 2 ? clean : undefined;
}
