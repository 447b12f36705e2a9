import { InputError, type Warning } from '../../errors.js';
import { mergeSources } from '../../analysis/tomo/series.js';
import { judgeSeries, type SeriesReport, type TomoFinding } from '../../diagnosis/tomo-triage.js';
import { readTomoFile } from '../../io/tomo/index.js';
import type { TiltSource } from '../../model/tomo.js';
import { jsonText, uniqueWarnings, type JobResult, type NamedBytes } from '../job.js';

export interface TomoReportJobInput {
  files: NamedBytes[];
  /**
   * Reads a file a tomograms.star names (a path as written in it, resolved as RELION resolves it: relative to the
   * project directory); null when there is no such file. Without it, only the files given are used.
   */
  readReferenced?: (path: string, from: string) => Promise<NamedBytes | null>;
  /** Target resolution (Å) for the exposure rules; default the series' median CTF fit resolution. */
  targetResolutionA?: number;
}

export interface TomoReportResult {
  series: SeriesReport[];
  findings: TomoFinding[];
  warnings: Warning[];
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

/** RELION 5 tomography jobs, the most processed first: their global STAR names every series' tilt STAR. */
const RELION_TOMO_JOBS = [
  'ReconstructTomograms',
  'Denoise',
  'AlignTiltSeries',
  'ExcludeTiltImages',
  'CtfFind',
  'MotionCorr',
  'ImportTomo',
  'Import',
];
const GLOBAL_STAR =
  /^(?:.*\/)?([A-Za-z]+)\/job(\d+)\/(tomograms|tilt_series|tilt_series_ctf|aligned_tilt_series|selected_tilt_series)\.star$/;

/**
 * The global STAR of a RELION 5 project's most processed tomography job (ReconstructTomograms, AlignTiltSeries,
 * ExcludeTiltImages, CtfFind, MotionCorr, ImportTomo; the newest job of that type), from the project's file list.
 */
export function relionTomoStar(paths: readonly string[]): string | null {
  const found = paths
    .map((p) => ({ p, m: GLOBAL_STAR.exec(p) }))
    .filter((x) => x.m && RELION_TOMO_JOBS.includes(x.m[1]!))
    .sort(
      (a, b) =>
        RELION_TOMO_JOBS.indexOf(a.m![1]!) - RELION_TOMO_JOBS.indexOf(b.m![1]!) || Number(b.m![2]) - Number(a.m![2]),
    );
  return found[0]?.p ?? null;
}

/** `cryodx tomo-report`: every tilt series the files describe, judged with tilt-aware rules. */
export async function tomoReportJob(inp: TomoReportJobInput): Promise<JobResult<TomoReportResult>> {
  if (!inp.files.length) throw new InputError('tomo-report: no files given (give tilt-series files or --project DIR)');
  const warnings: Warning[] = [];
  const sources: TiltSource[] = [];
  const seen = new Set<string>();
  const pending: { series: string; path: string; from: string }[] = [];
  const readOne = (f: NamedBytes): void => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    const r = readTomoFile(f.name, f.bytes);
    sources.push(...r.sources);
    pending.push(...r.references.map((ref) => ({ ...ref, from: f.name })));
  };
  inp.files.forEach(readOne);
  // Per-series STARs a tomograms.star names: one of the files given (same base name), else read as RELION would.
  while (pending.length) {
    const ref = pending.shift()!;
    const given = inp.files.find((f) => f.name === ref.path || baseName(f.name) === baseName(ref.path));
    if (given) continue; // already read
    const found = inp.readReferenced ? await inp.readReferenced(ref.path, ref.from) : null;
    if (found) readOne(found);
    else
      warnings.push({
        code: 'tomo-reference-missing',
        message:
          `${ref.from}: series ${ref.series} names ${ref.path}, which is not among the files given` +
          `${inp.readReferenced ? ' nor in the project directory (RELION resolves it from there)' : ''}: ` +
          'its tilts are not read',
      });
  }
  for (const s of sources)
    for (const p of s.placeholders)
      warnings.push({
        code: 'tomo-placeholder',
        message: `${s.file}: read as absent, a program's "not computed" placeholder — ${p}`,
      });
  const merged = mergeSources(sources, warnings).filter(
    (m) =>
      m.tilts.length ||
      m.sources.some((s) => s.axisDeg !== undefined || s.thicknessA !== undefined || s.ctfResolutionA !== undefined),
  );
  if (!merged.length) {
    const missing = warnings.filter((w) => w.code === 'tomo-reference-missing').map((w) => w.message);
    throw new InputError(
      missing.length
        ? `${missing[0]}${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}; run from the RELION ` +
            'project directory or give --project DIR'
        : `${inp.files.map((f) => f.name).join(', ')}: no tilt series in these files`,
    );
  }
  const series: SeriesReport[] = [];
  const findings: TomoFinding[] = [];
  for (const m of merged) {
    const j = judgeSeries(m, inp.targetResolutionA !== undefined ? { targetResolutionA: inp.targetResolutionA } : {});
    series.push(j.report);
    findings.push(...j.findings);
  }
  const rank = { strong: 0, possible: 1, info: 2 } as const;
  findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  const result: TomoReportResult = { series, findings, warnings: uniqueWarnings(warnings) };
  return { result, outputs: [{ name: 'tomo_report.json', text: jsonText(result) }], warnings: result.warnings };
}
