import { FormatError } from '../../errors.js';
import { readStar } from '../star/read.js';
import { RLN } from '../star/labels.js';

/**
 * Particle picks, whatever wrote them, as centres in micrograph pixels grouped by micrograph:
 * RELION `*_autopick.star` / `*_manualpick.star` (rlnCoordinateX/Y are centres) or a particles STAR with
 * rlnMicrographName; EMAN `.box` (x, y of the lower-left corner, width, height); crYOLO `.cbox`
 * (`data_cryolo`, corner coordinates, width, height; columns by header); Topaz `.txt`
 * (`image_name x_coord y_coord score`, centres).
 */
export interface MicrographPicks {
  /** The micrograph's key: its base name without folders, extension and picker suffix. */
  micrograph: string;
  /** Centres in micrograph pixels. */
  xPx: number[];
  yPx: number[];
  /** The picker's score per pick, when the format records one. */
  score?: number[];
  /** Box size in pixels, when the format records it. */
  boxPx?: number | null;
}

/** What `cryodx info` says of a pick file. */
export interface Picks {
  program: 'EMAN .box' | 'crYOLO .cbox' | 'Topaz' | 'RELION';
  picks: number;
  micrographs: number;
  boxPx: number | null;
  score: [number, number] | null;
}

export function summarizePicks(name: string, text: string): Picks {
  const list = readPicks(name, text);
  const lower = name.toLowerCase();
  const scores = list.flatMap((p) => p.score ?? []);
  return {
    program: lower.endsWith('.box')
      ? 'EMAN .box'
      : lower.endsWith('.cbox')
        ? 'crYOLO .cbox'
        : lower.endsWith('.star')
          ? 'RELION'
          : 'Topaz',
    picks: list.reduce((s, p) => s + p.xPx.length, 0),
    micrographs: list.length,
    boxPx: list[0]?.boxPx ?? null,
    score: scores.length ? [Math.min(...scores), Math.max(...scores)] : null,
  };
}

/** "MotionCorr/job002/Movies/20170629_00021_frameImage.mrc" and "…_frameImage_autopick.star" → one key. */
export function micrographKey(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base
    .replace(/(\.(mrc|mrcs|tif|tiff|star|box|cbox|txt|coords|eer))+$/i, '')
    .replace(/_(autopick|manualpick|pick|picks|coords|cryolo|topaz)$/i, '');
}

function byMicrograph(
  keys: string[],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  score?: ArrayLike<number>,
): MicrographPicks[] {
  const out = new Map<string, MicrographPicks>();
  keys.forEach((k, i) => {
    let p = out.get(k);
    if (!p) out.set(k, (p = { micrograph: k, xPx: [], yPx: [], ...(score ? { score: [] } : {}) }));
    p.xPx.push(x[i]!);
    p.yPx.push(y[i]!);
    if (score) p.score!.push(score[i]!);
  });
  return [...out.values()];
}

/** Picks of one file (a per-micrograph file names its micrograph; multi-micrograph files name each row's). */
export function readPicks(name: string, text: string): MicrographPicks[] {
  const lower = name.toLowerCase();
  if (lower.endsWith('.box')) return [boxPicks(name, text)];
  if (lower.endsWith('.cbox')) return [cboxPicks(name, text)];
  if (lower.endsWith('.star')) return starPicks(name, text);
  if (lower.endsWith('.txt') || lower.endsWith('.tsv')) return topazPicks(name, text);
  if (/^\s*image_name\s/.test(text)) return topazPicks(name, text);
  throw new FormatError('not a pick file', {
    source: name,
    expected: 'RELION .star, EMAN .box, crYOLO .cbox or a Topaz table (image_name x_coord y_coord score)',
  });
}

function starPicks(name: string, text: string): MicrographPicks[] {
  const doc = readStar(text, { source: name });
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.coordinateX))?.loop;
  if (!loop) {
    // An empty coordinate file (a micrograph with no picks) has the header only, or nothing.
    if (!doc.blocks.some((b) => b.loop)) return [{ micrograph: micrographKey(name), xPx: [], yPx: [] }];
    throw new FormatError('no coordinates', { source: name, expected: `_${RLN.coordinateX} and _${RLN.coordinateY}` });
  }
  const [x, y] = loop.numberColumns([RLN.coordinateX, RLN.coordinateY]);
  const keys = loop.has(RLN.micrographName)
    ? loop.strings(RLN.micrographName).map(micrographKey)
    : new Array<string>(loop.rows).fill(micrographKey(name));
  return loop.rows ? byMicrograph(keys, x!, y!) : [{ micrograph: micrographKey(name), xPx: [], yPx: [] }];
}

function boxPicks(name: string, text: string): MicrographPicks {
  const p: MicrographPicks = { micrograph: micrographKey(name), xPx: [], yPx: [], boxPx: null };
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    const v = t.split(/\s+/).map(Number);
    if (v.length < 4 || v.slice(0, 4).some((n) => !Number.isFinite(n)))
      throw new FormatError('expected x y width height', {
        source: name,
        line: i + 1,
        found: JSON.stringify(t.slice(0, 60)),
      });
    p.xPx.push(v[0]! + v[2]! / 2);
    p.yPx.push(v[1]! + v[3]! / 2);
    p.boxPx ??= v[2]!;
  });
  return p;
}

function cboxPicks(name: string, text: string): MicrographPicks {
  const doc = readStar(text, { source: name });
  const loop = doc.blocks.find((b) => b.loop?.has('CoordinateX'))?.loop;
  if (!loop)
    throw new FormatError('no picks', { source: name, expected: 'a cryolo loop with _CoordinateX, _CoordinateY' });
  const [x, y] = loop.numberColumns(['CoordinateX', 'CoordinateY']);
  const w = loop.has('Width') ? loop.numbers('Width') : null;
  const h = loop.has('Height') ? loop.numbers('Height') : null;
  const p: MicrographPicks = {
    micrograph: micrographKey(name),
    xPx: [],
    yPx: [],
    boxPx: w?.[0] ?? null,
    ...(loop.has('Confidence') ? { score: Array.from(loop.numbers('Confidence')) } : {}),
  };
  for (let i = 0; i < loop.rows; i++) {
    p.xPx.push(x![i]! + (w?.[i] ?? 0) / 2);
    p.yPx.push(y![i]! + (h?.[i] ?? 0) / 2);
  }
  return p;
}

function topazPicks(name: string, text: string): MicrographPicks[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const head = (lines[0] ?? '').trim().split(/\s+/);
  const [ci, cx, cy, cs] = ['image_name', 'x_coord', 'y_coord', 'score'].map((c) => head.indexOf(c));
  if (ci === -1 || cx === -1 || cy === -1)
    throw new FormatError('not a Topaz coordinate table', {
      source: name,
      line: 1,
      found: JSON.stringify(lines[0]?.slice(0, 60) ?? ''),
      expected: 'a header with image_name x_coord y_coord',
    });
  const keys: string[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const score: number[] = [];
  lines.slice(1).forEach((l, i) => {
    const v = l.trim().split(/\s+/);
    const [px, py] = [Number(v[cx!]), Number(v[cy!])];
    if (!Number.isFinite(px) || !Number.isFinite(py))
      throw new FormatError('coordinates are not numbers', { source: name, line: i + 2, expected: 'x_coord y_coord' });
    keys.push(micrographKey(v[ci!]!));
    x.push(px);
    y.push(py);
    if (cs! >= 0 && Number.isFinite(Number(v[cs!]))) score.push(Number(v[cs!]));
  });
  return byMicrograph(keys, x, y, score.length === x.length ? score : undefined);
}
