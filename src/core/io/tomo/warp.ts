import { FormatError } from '../../errors.js';
import type { TiltRecord, TiltSource } from '../../model/tomo.js';
import { seriesFromFile } from './names.js';
import { PlaceholderLog } from './placeholders.js';

function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? m[2] : undefined;
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1] : undefined;
}

/** One value per Z of a Warp grid (the mean over X and Y where the grid is wider than 1 × 1). */
function gridByZ(xml: string, name: string, depth: number): (number | undefined)[] | undefined {
  const body = element(xml, name);
  if (body === undefined) return undefined;
  const sum = new Array<number>(depth).fill(0),
    count = new Array<number>(depth).fill(0);
  for (const m of body.matchAll(/<Node\s[^>]*>/g)) {
    const z = Number(attribute(m[0], 'Z')),
      v = Number(attribute(m[0], 'Value'));
    if (Number.isInteger(z) && z >= 0 && z < depth && Number.isFinite(v)) {
      sum[z]! += v;
      count[z]!++;
    }
  }
  return sum.map((s, z) => (count[z] ? s / count[z]! : undefined));
}

function ctfParam(xml: string, name: string): number | undefined {
  const ctf = element(xml, 'CTF');
  if (ctf === undefined) return undefined;
  for (const m of ctf.matchAll(/<Param\s[^>]*>/g)) {
    if (attribute(m[0], 'Name') === name) {
      const v = Number(attribute(m[0], 'Value'));
      return Number.isFinite(v) ? v : undefined;
    }
  }
  return undefined;
}

export function isWarpTiltSeriesXml(text: string): boolean {
  return /<TiltSeries[\s>]/.test(text.slice(0, 4096));
}

/**
 * A Warp / M tilt-series XML: per-tilt `Angles`, `Dose` (exposure before the tilt, e/Å²), `UseTilt`, `AxisAngle`,
 * `MoviePath`; M's `GridDoseBfacs` (per-tilt B, Å²) and `GridDoseWeights`; `GridCTF` (per-tilt defocus, µm) with
 * `GridCTFDefocusDelta` / `GridCTFDefocusAngle`; the root's `CTFResolutionEstimate` (Å).
 */
export function readWarpXml(text: string, source: string): TiltSource {
  const root = /<TiltSeries(\s[^>]*)?>/.exec(text);
  if (!root) throw new FormatError('no <TiltSeries> element', { source, expected: 'a Warp / M tilt-series XML' });
  const log = new PlaceholderLog();
  const list = (name: string): string[] | undefined => {
    const body = element(text, name);
    return body === undefined ? undefined : body.split(/\s+/).filter(Boolean);
  };
  const angles = list('Angles');
  if (!angles?.length)
    throw new FormatError('no tilt angles', { source, field: '<Angles>', expected: 'one angle per line' });
  const n = angles.length;
  const perTilt = (name: string): string[] | undefined => {
    const v = list(name);
    if (v && v.length !== n)
      throw new FormatError('wrong number of values', {
        source,
        field: `<${name}>`,
        found: `${v.length}`,
        expected: `${n} (one per tilt, as <Angles>)`,
      });
    return v;
  };
  const dose = perTilt('Dose'),
    use = perTilt('UseTilt'),
    axis = perTilt('AxisAngle');
  const movies = element(text, 'MoviePath')
    ?.split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  const bfac = gridByZ(text, 'GridDoseBfacs', n),
    weights = gridByZ(text, 'GridDoseWeights', n);
  const defocus = gridByZ(text, 'GridCTF', n),
    delta = gridByZ(text, 'GridCTFDefocusDelta', n),
    angle = gridByZ(text, 'GridCTFDefocusAngle', n);
  const tilts: TiltRecord[] = angles.map((a, i) => {
    const t: TiltRecord = { index: i };
    const tilt = log.read('<Angles>', 'angle', a);
    if (tilt !== undefined) t.tiltDeg = tilt;
    const d = dose ? log.read('<Dose>', 'dose', dose[i]) : undefined;
    if (d !== undefined) t.preExposureEPerA2 = d;
    const ax = axis ? log.read('<AxisAngle>', 'angle', axis[i]) : undefined;
    if (ax !== undefined) t.axisDeg = ax;
    if (movies?.[i] !== undefined && movies.length === n) t.image = movies[i]!;
    if (use && /^false$/i.test(use[i]!)) t.excluded = 'UseTilt False in the Warp XML';
    if (bfac?.[i] !== undefined) t.bfactorA2 = bfac[i]!;
    if (weights?.[i] !== undefined) t.weight = weights[i]!;
    const df = defocus?.[i];
    if (df !== undefined && df > 0) {
      const dd = delta?.[i] ?? 0;
      t.defocusUA = (df + dd) * 1e4;
      t.defocusVA = (df - dd) * 1e4;
      if (angle?.[i] !== undefined) t.astigmatismAngleDeg = angle[i]!;
    }
    return t;
  });
  const out: TiltSource = {
    kind: 'warp-xml',
    file: source,
    series: seriesFromFile(source),
    tilts,
    placeholders: log.list(),
  };
  const axes = tilts.flatMap((t) => (t.axisDeg !== undefined ? [t.axisDeg] : []));
  if (axes.length) {
    out.axisDeg = axes.sort((a, b) => a - b)[axes.length >> 1]!;
    out.axisMeaning = 'Warp <AxisAngle>';
  }
  const res = log.read('CTFResolutionEstimate', 'resolution', attribute(root[0], 'CTFResolutionEstimate'));
  if (res !== undefined) out.ctfResolutionA = res;
  const px = ctfParam(text, 'PixelSize'),
    kv = ctfParam(text, 'Voltage');
  if (px !== undefined && px > 0) out.pixelSizeA = px;
  if (kv !== undefined && kv > 0) out.voltageKv = kv;
  return out;
}
