import { FormatError } from '../../errors.js';
import type { TiltRecord, TiltSource } from '../../model/tomo.js';
import { lines, seriesFromFile } from './names.js';
import { PlaceholderLog } from './placeholders.js';

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
