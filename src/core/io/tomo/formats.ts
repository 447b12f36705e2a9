import { FormatError } from '../../errors.js';
import type { TiltRecord, TiltSource } from '../../model/tomo.js';
import { mdocNumbers, readMdoc, readTlt, readXf, xfRotationDeg } from '../imod.js';
import { geometryFromMdoc } from '../tilt-geometry.js';
import { PlaceholderLog } from './placeholders.js';
import { stemOf } from './relion.js';

/** A series name from a file name: the stem without the suffix a program adds (`_CTF`, `_TLT`, `.aln` …). */
export function seriesFromFile(path: string): string {
  return stemOf(path).replace(/(_CTF|_TLT|_ctf|_tlt|\.mrc|\.st|\.mrc\.mdoc)$/i, '');
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

// ---------------------------------------------------------------------------------------------------------------
// Warp / M tilt-series XML

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

// ---------------------------------------------------------------------------------------------------------------
// AreTomo3

/**
 * A per-tilt CTF table in CTFFIND's column order: AreTomo3 `<name>_CTF.txt` (image number, defocus 1 and 2 (Å),
 * azimuth, phase shift (rad), score, fit resolution (Å), dfHand — 8 columns), CTFFIND 4 (7 columns) or CTFFIND 5
 * (10: + tilt axis, tilt angle, thickness) run on a tilt stack.
 */
export function readCtfTable(text: string, source: string): TiltSource {
  const log = new PlaceholderLog();
  const tilts: TiltRecord[] = [];
  let columns = 0;
  lines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    if (f.length < 7 || f.length > 10 || (columns && f.length !== columns))
      throw new FormatError('wrong number of columns', {
        source,
        line: i + 1,
        found: `${f.length}`,
        expected: columns ? `${columns}, as the rows before` : '7 (CTFFIND 4), 8 (AreTomo3 _CTF.txt) or 10 (CTFFIND 5)',
      });
    columns = f.length;
    const t: TiltRecord = { index: tilts.length };
    const du = log.read('defocus 1', 'defocus', f[1]),
      dv = log.read('defocus 2', 'defocus', f[2]);
    if (du !== undefined && dv !== undefined) {
      t.defocusUA = du;
      t.defocusVA = dv;
    }
    const az = log.read('azimuth', 'angle', f[3]);
    if (az !== undefined) t.astigmatismAngleDeg = az;
    const cc = log.read('cross correlation', 'score', f[5]);
    if (cc !== undefined) t.ctfScore = cc;
    const res = log.read('fit resolution', 'resolution', f[6]);
    if (res !== undefined) t.fitResolutionA = res;
    if (f.length === 10) {
      const tilt = log.read('tilt angle', 'angle', f[8]);
      if (tilt !== undefined && tilt !== 0) t.tiltDeg = tilt;
    }
    tilts.push(t);
  });
  if (!tilts.length) throw new FormatError('no CTF rows', { source, expected: 'one row per tilt image' });
  const aretomo = columns === 8 || /dfHand/i.test(text.slice(0, 2000)) || /_CTF\.txt$/i.test(source);
  return {
    kind: aretomo ? 'aretomo-ctf' : 'ctffind',
    file: source,
    series: seriesFromFile(source),
    tilts,
    placeholders: log.list(),
  };
}

/** AreTomo `.aln`: dark frames, alpha offset, and the global table SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT. */
export function readAretomoAln(text: string, source: string): TiltSource {
  const tilts: TiltRecord[] = [];
  const dark: TiltRecord[] = [];
  let inGlobal = false,
    offset: number | undefined;
  lines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const darkFrame = /^#\s*DarkFrame\s*=\s*(\S+)\s+(\S+)\s+(\S+)/i.exec(line);
    if (darkFrame) {
      dark.push({ index: -1, tiltDeg: Number(darkFrame[3]), excluded: 'dark frame removed by AreTomo' });
      return;
    }
    const alpha = /^#\s*AlphaOffset\s*=\s*(\S+)/i.exec(line);
    if (alpha && Number.isFinite(Number(alpha[1]))) offset = Number(alpha[1]);
    if (/^#\s*SEC\s+ROT/i.test(line)) {
      inGlobal = true;
      return;
    }
    if (line.startsWith('#')) {
      if (/local/i.test(line)) inGlobal = false;
      return;
    }
    if (!inGlobal) return;
    const f = line.split(/\s+/).map(Number);
    if (f.length < 10 || !f.every(Number.isFinite))
      throw new FormatError('not a row of the global alignment', {
        source,
        line: i + 1,
        found: JSON.stringify(line),
        expected: '10 numbers: SEC ROT GMAG TX TY SMEAN SFIT SCALE BASE TILT',
      });
    tilts.push({ index: tilts.length, axisDeg: f[1]!, tiltDeg: f[9]! });
  });
  if (!tilts.length)
    throw new FormatError('no global alignment table', {
      source,
      expected: 'a "# SEC ROT …" header and rows (AreTomo .aln)',
    });
  const all = [...tilts, ...dark.map((d, k) => ({ ...d, index: tilts.length + k }))];
  const axes = tilts.map((t) => t.axisDeg!).sort((a, b) => a - b);
  const out: TiltSource = {
    kind: 'aretomo-aln',
    file: source,
    series: seriesFromFile(source),
    tilts: all,
    axisDeg: axes[axes.length >> 1]!,
    axisMeaning: 'AreTomo ROT (from the image Y axis)',
    placeholders: [],
  };
  if (offset !== undefined && offset !== 0) out.tiltOffsetDeg = offset;
  return out;
}

/**
 * AreTomo3 `TiltSeries_Metrics.csv`: one row per series (thickness in pixels, tilt axis, CTF resolution and score,
 * pixel size). One source per series, without per-tilt rows.
 */
export function readAretomoMetrics(text: string, source: string): TiltSource[] {
  const rows = lines(text).filter((l) => l.trim() !== '');
  const head = rows[0]?.split(',').map((h) => h.trim()) ?? [];
  const at = (re: RegExp): number => head.findIndex((h) => re.test(h));
  const iName = at(/^Tilt_Series$/i),
    iThick = at(/^Thickness/i),
    iAxis = at(/^Tilt_Axis/i),
    iRes = at(/^CTF_Res/i),
    iPx = at(/^Pix_Size/i);
  if (iName < 0)
    throw new FormatError('no Tilt_Series column', { source, line: 1, expected: 'AreTomo3 TiltSeries_Metrics.csv' });
  return rows.slice(1).map((row) => {
    const log = new PlaceholderLog();
    const f = row.split(',').map((s) => s.trim());
    const px = iPx >= 0 ? log.read('Pix_Size(A)', 'thickness', f[iPx]) : undefined;
    const thickPx = iThick >= 0 ? log.read(head[iThick]!, 'thickness', f[iThick]) : undefined;
    const out: TiltSource = {
      kind: 'aretomo-metrics',
      file: source,
      series: seriesFromFile(f[iName] ?? ''),
      tilts: [],
      placeholders: [],
    };
    const axis = iAxis >= 0 ? log.read('Tilt_Axis', 'angle', f[iAxis]) : undefined;
    if (axis !== undefined) {
      out.axisDeg = axis;
      out.axisMeaning = 'AreTomo3 Tilt_Axis (from the image Y axis)';
    }
    const res = iRes >= 0 ? log.read('CTF_Res(A)', 'resolution', f[iRes]) : undefined;
    if (res !== undefined) out.ctfResolutionA = res;
    if (px !== undefined) out.pixelSizeA = px;
    if (thickPx !== undefined && px !== undefined) out.thicknessA = thickPx * px;
    out.placeholders = log.list();
    return out;
  });
}

export function isAretomoMetrics(text: string): boolean {
  return /^\s*Tilt_Series\s*,/i.test(text);
}

// ---------------------------------------------------------------------------------------------------------------
// IMOD and SerialEM

/** `.tlt` / `.rawtlt`, and AreTomo3's `_TLT.txt` (angle, acquisition index from 1, …). */
export function readTiltAngles(text: string, source: string): TiltSource {
  const rows = lines(text).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const twoColumns = rows.length > 0 && rows.every((l) => l.trim().split(/\s+/).length >= 2);
  if (!twoColumns) {
    const tilts = Array.from(readTlt(text, source)).map((t, i) => ({ index: i, tiltDeg: t }));
    return { kind: 'imod-tlt', file: source, series: seriesFromFile(source), tilts, placeholders: [] };
  }
  const tilts: TiltRecord[] = rows.map((l, i) => {
    const f = l.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(f[0]) || !Number.isFinite(f[1]))
      throw new FormatError('value is not a number', { source, line: i + 1, found: JSON.stringify(l.trim()) });
    return { index: i, tiltDeg: f[0]!, acquisitionRank: f[1]! };
  });
  // The second column counts acquisitions (from 1 in AreTomo3): ranks from 0.
  const order = tilts.map((t) => t.acquisitionRank!).sort((a, b) => a - b);
  tilts.forEach((t) => (t.acquisitionRank = order.indexOf(t.acquisitionRank!)));
  return { kind: 'aretomo-tlt', file: source, series: seriesFromFile(source), tilts, placeholders: [] };
}

export function readXfSource(text: string, source: string): TiltSource {
  const xf = readXf(text, source);
  const rot = xf.map(xfRotationDeg);
  return {
    kind: 'imod-xf',
    file: source,
    series: seriesFromFile(source),
    tilts: rot.map((r, i) => ({ index: i, axisDeg: r })),
    // The .xf rotation turns the image so that the tilt axis is vertical: the axis is at −rotation … as tiltalign
    // reports it, the rotation of the tilt axis from the Y axis.
    axisDeg: [...rot].sort((a, b) => a - b)[rot.length >> 1]!,
    axisMeaning: 'IMOD .xf rotation',
    placeholders: [],
  };
}

export function isImodAlignLog(text: string): boolean {
  return /^\s*view\s+rotation\s+tilt/im.test(text);
}

/**
 * IMOD tiltalign's solution table (`taSolution.log`, or the table in `align.log`): view (from 1), rotation, tilt,
 * deltilt, mag, dmag, skew … resid-nm; "At minimum tilt, rotation angle is …". The last table in the file is read.
 */
export function readImodAlignLog(text: string, source: string): TiltSource {
  const all = lines(text);
  let start = -1;
  all.forEach((l, i) => {
    if (/^\s*view\s+rotation\s+tilt/i.test(l)) start = i;
  });
  if (start < 0)
    throw new FormatError('no solution table', {
      source,
      expected: 'a " view   rotation    tilt … resid-nm" table (IMOD tiltalign)',
    });
  const head = all[start]!.trim().split(/\s+/);
  const iResid = head.findIndex((h) => /^resid/i.test(h));
  const tilts: TiltRecord[] = [];
  for (let i = start + 1; i < all.length; i++) {
    const f = all[i]!.trim().split(/\s+/);
    if (f.length < 3 || !/^\d+$/.test(f[0]!)) break;
    const n = f.map(Number);
    if (!n.every(Number.isFinite)) break;
    const t: TiltRecord = { index: n[0]! - 1, axisDeg: n[1]!, tiltDeg: n[2]! };
    if (iResid >= 0 && n[iResid] !== undefined && n[iResid]! >= 0) t.residualNm = n[iResid]!;
    tilts.push(t);
  }
  if (!tilts.length) throw new FormatError('the solution table has no rows', { source, line: start + 1 });
  const minTilt = /rotation angle is\s+(-?[\d.]+)/i.exec(text);
  const axes = tilts.map((t) => t.axisDeg!).sort((a, b) => a - b);
  return {
    kind: 'imod-align-log',
    file: source,
    series: seriesFromFile(source),
    tilts,
    axisDeg: minTilt ? Number(minTilt[1]) : axes[axes.length >> 1]!,
    axisMeaning: 'IMOD tiltalign rotation (from the image Y axis)',
    placeholders: [],
  };
}

/** SerialEM `.mdoc`: TiltAngle, ExposureDose, PriorRecordDose, DateTime (acquisition order), "Tilt axis angle". */
export function readMdocSource(text: string, source: string): TiltSource {
  const mdoc = readMdoc(text, source);
  const tilt = mdocNumbers(mdoc, 'TiltAngle');
  if (!tilt.length)
    throw new FormatError('no [ZValue] sections with TiltAngle', { source, expected: 'a SerialEM tilt-series .mdoc' });
  const dose = mdocNumbers(mdoc, 'ExposureDose'),
    prior = mdocNumbers(mdoc, 'PriorRecordDose');
  const zs = mdoc.sections.filter((s) => s.kind === 'ZValue').sort((a, b) => a.index - b.index);
  const log = new PlaceholderLog();
  const tilts: TiltRecord[] = tilt.map((t, i) => {
    const r: TiltRecord = { index: i };
    if (t !== null) r.tiltDeg = t;
    // ExposureDose 0 is SerialEM without a dose calibration: not a dose.
    const d =
      dose[i] === null || dose[i] === undefined ? undefined : log.read('ExposureDose', 'thickness', String(dose[i]));
    if (d !== undefined) r.doseEPerA2 = d;
    const p = prior[i];
    if (p !== null && p !== undefined && p >= 0) r.preExposureEPerA2 = p;
    const name = zs[i]?.fields['SubFramePath'] ?? zs[i]?.fields['ImageFile'];
    if (name) r.image = name.trim();
    return r;
  });
  // Acquisition order from the time stamps (DateTime); without them, none is assumed.
  const rank = geometryFromMdoc(text, source).acquisitionRank;
  if (rank) tilts.forEach((t, i) => (t.acquisitionRank = rank[i]!));
  const axisTitle = mdoc.titles.map((t) => /Tilt\s*axis\s*angle\s*=\s*(-?[\d.]+)/i.exec(t)).find(Boolean);
  const out: TiltSource = {
    kind: 'mdoc',
    file: source,
    series: seriesFromFile(source),
    tilts,
    placeholders: log.list(),
  };
  if (axisTitle) {
    out.axisDeg = Number(axisTitle[1]);
    out.axisMeaning = 'SerialEM "Tilt axis angle" (from the image Y axis)';
  }
  const px = mdocNumbers(mdoc, 'PixelSpacing').find((p) => p !== null);
  if (px) out.pixelSizeA = px;
  return out;
}
