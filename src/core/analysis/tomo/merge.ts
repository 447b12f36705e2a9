import type { Warning } from '../../errors.js';
import type { TiltRecord, TiltSource, TiltSourceKind } from '../../model/tomo.js';

/**
 * One tilt series from every file a user has about it: the files grouped by series name, and their rows joined
 * to one base file's rows (by image name, stack position, tilt angle, or order).
 */
export interface MergedSeries {
  name: string;
  /** The files that describe this series, base first. */
  sources: TiltSource[];
  /** Per-tilt rows: the base source's rows with the other sources' fields joined in. */
  tilts: TiltRecord[];
  /** What was joined how ("relion_ctf_estimation_output.star: 41 rows by image name"). */
  joins: string[];
}

const BASE_PRIORITY: TiltSourceKind[] = [
  'relion5-tilt-star',
  'relion-tomograms-star',
  'warp-xml',
  'mdoc',
  'aretomo-aln',
  'aretomo-tlt',
  'imod-tlt',
  'imod-align-log',
  'aretomo-ctf',
  'ctffind',
  'relion-ctf-star',
  'relion-motion-star',
  'imod-xf',
  'aretomo-metrics',
];

/** Sources whose names say nothing about the series: they join the only series there is. */
const GENERIC_NAME =
  /^(taSolution|align|tilt|tilt_series|tomograms|TiltSeries_Metrics|relion_.*|.*_output|.*ctf.*|.*motion.*|test)$/i;

function sameSeries(a: string, b: string): boolean {
  const x = a.toLowerCase(),
    y = b.toLowerCase();
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return (
    (long.endsWith(short) && /[_\-.]/.test(long[long.length - short.length - 1] ?? '')) ||
    (long.startsWith(short) && /[_\-.]/.test(long[short.length] ?? ''))
  );
}

/** An image name as a join key: base name, no extension or RELION ":mrc" suffix, lower case, separators unified. */
export function imageKey(name: string): string {
  return (name.split(/[\\/]/).pop() ?? name)
    .replace(/:mrc$/i, '')
    .replace(/\.(mrc|mrcs|tif|tiff|eer|st|ali|ctf)$/i, '')
    .replace(/_(ps|ctf|fractions|ali)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '_');
}

const FIELDS: (keyof TiltRecord)[] = [
  'image',
  'tiltDeg',
  'preExposureEPerA2',
  'doseEPerA2',
  'acquisitionRank',
  'axisDeg',
  'defocusUA',
  'defocusVA',
  'astigmatismAngleDeg',
  'fitResolutionA',
  'ctfScore',
  'bfactorA2',
  'weight',
  'residualNm',
  'motionTotal',
  'excluded',
];

function fill(into: TiltRecord, from: TiltRecord): void {
  for (const f of FIELDS) {
    if (f === 'tiltDeg' || f === 'axisDeg' || f === 'image') continue;
    if (into[f] === undefined && from[f] !== undefined) (into as unknown as Record<string, unknown>)[f] = from[f];
  }
  if (into.tiltDeg === undefined && from.tiltDeg !== undefined) into.tiltDeg = from.tiltDeg;
  if (into.image === undefined && from.image !== undefined) into.image = from.image;
}

function median(v: number[]): number {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Joins one source's rows to the base rows: by image name where both name their images, by stack position for an
 * IMOD alignment (views are stack sections, the stack ordered by tilt), by tilt angle where both have angles and
 * the same count, else by row order when the counts agree. Returns how it joined, or null when it could not.
 */
function join(base: TiltRecord[], other: TiltSource, warnings: Warning[]): string | null {
  const rows = other.tilts.filter((t) => t.index >= 0);
  const extra = other.tilts.filter((t) => t.excluded && t.tiltDeg !== undefined);
  const byImage = new Map<string, TiltRecord>();
  base.forEach((b) => b.image !== undefined && byImage.set(imageKey(b.image), b));
  const named = rows.filter((r) => r.image !== undefined && byImage.has(imageKey(r.image)));
  let pairs: [TiltRecord, TiltRecord][] | null = null,
    how = '';
  if (named.length >= Math.max(1, 0.8 * rows.length) && rows.some((r) => r.image !== undefined)) {
    pairs = named.map((r) => [byImage.get(imageKey(r.image!))!, r]);
    how = 'by image name';
  } else if (other.kind === 'imod-align-log' && base.every((b) => b.tiltDeg !== undefined)) {
    const stack = [...base].sort((a, b) => a.tiltDeg! - b.tiltDeg!);
    if (rows.every((r) => r.index < stack.length)) {
      pairs = rows.map((r) => [stack[r.index]!, r]);
      how = 'by view (stack sections in tilt order)';
    }
  } else if (rows.every((r) => r.tiltDeg !== undefined) && base.some((b) => b.tiltDeg !== undefined)) {
    // The nearest base tilt within 1°, each base tilt used once.
    const free = new Set(base.filter((b) => b.tiltDeg !== undefined));
    const matched: [TiltRecord, TiltRecord][] = [];
    for (const r of rows) {
      let best: TiltRecord | undefined;
      for (const b of free)
        if (
          Math.abs(b.tiltDeg! - r.tiltDeg!) <= 1 &&
          (!best || Math.abs(b.tiltDeg! - r.tiltDeg!) < Math.abs(best.tiltDeg! - r.tiltDeg!))
        )
          best = b;
      if (best) {
        free.delete(best);
        matched.push([best, r]);
      }
    }
    if (matched.length >= 0.8 * rows.length) {
      pairs = matched;
      how = 'by tilt angle';
    }
  }
  if (!pairs) {
    // Same count: by row order — over all tilts, or over the tilts the base keeps (a program's dark frames left out).
    const keptBase = base.filter((b) => !b.excluded);
    if (rows.length === base.length) {
      pairs = base.map((b, i) => [b, rows[i]!]);
      how = 'by row order (same number of tilts)';
    } else if (rows.length === keptBase.length) {
      pairs = keptBase.map((b, i) => [b, rows[i]!]);
      how = 'by row order over the tilts not excluded (same number)';
    }
  }
  if (!pairs) {
    warnings.push({
      code: 'tomo-rows-not-joined',
      message:
        `${other.file}: its ${rows.length} rows could not be matched to the ${base.length} tilts of the series ` +
        '(no shared image names, different counts): read on its own',
    });
    return null;
  }
  const offsets: number[] = [];
  for (const [b, r] of pairs) {
    if (b.tiltDeg !== undefined && r.tiltDeg !== undefined) offsets.push(r.tiltDeg - b.tiltDeg);
    fill(b, r);
  }
  for (const e of extra) {
    const near = base.find((b) => b.tiltDeg !== undefined && Math.abs(b.tiltDeg - e.tiltDeg!) < 0.3);
    if (near && !near.excluded) near.excluded = e.excluded!;
  }
  const off = median(offsets);
  if (Number.isFinite(off) && Math.abs(off) >= 0.5 && other.tiltOffsetDeg === undefined) other.tiltOffsetDeg = off;
  return `${other.file}: ${pairs.length} rows ${how}`;
}

/** Groups the sources into series and joins each series' rows. */
export function mergeSources(all: TiltSource[], warnings: Warning[]): MergedSeries[] {
  const groups: { name: string; sources: TiltSource[] }[] = [];
  const loose: TiltSource[] = [];
  for (const s of all) {
    const name = s.series;
    if (name === undefined || GENERIC_NAME.test(name)) {
      loose.push(s);
      continue;
    }
    const g = groups.find((x) => sameSeries(x.name, name));
    if (g) {
      g.sources.push(s);
      // The longer name is the full one (RELION's rlnTomoName with its prefix).
      if (name.length > g.name.length && s.kind.startsWith('relion5')) g.name = name;
    } else groups.push({ name, sources: [s] });
  }
  for (const s of loose) {
    if (groups.length === 1) groups[0]!.sources.push(s);
    else groups.push({ name: s.series ?? s.file, sources: [s] });
  }
  return groups.map((g) => {
    const sorted = [...g.sources].sort(
      (a, b) => BASE_PRIORITY.indexOf(a.kind) - BASE_PRIORITY.indexOf(b.kind) || b.tilts.length - a.tilts.length,
    );
    const base = sorted.find((s) => s.tilts.length > 0);
    const tilts = base ? base.tilts.map((t) => ({ ...t })) : [];
    const joins: string[] = [];
    for (const s of sorted) {
      if (s === base || !s.tilts.length) continue;
      const how = join(tilts, s, warnings);
      if (how) joins.push(how);
    }
    // A RELION name with its prefix wins over a bare one from image names.
    const relion = sorted.find((s) => s.kind === 'relion5-tilt-star' && s.series);
    return {
      name: relion?.series ?? g.name,
      sources: base ? [base, ...sorted.filter((s) => s !== base)] : sorted,
      tilts,
      joins,
    };
  });
}
