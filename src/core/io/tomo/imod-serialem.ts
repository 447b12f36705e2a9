import { FormatError } from '../../errors.js';
import type { TiltRecord, TiltSource } from '../../model/tomo.js';
import { mdocNumbers, readMdoc, readTlt, readXf, xfRotationDeg } from '../imod.js';
import { geometryFromMdoc } from '../tilt-geometry.js';
import { lines, seriesFromFile } from './names.js';
import { PlaceholderLog } from './placeholders.js';

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
