import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { NamedBytes } from '../core/app/job.js';
import { relionTomoStar } from '../core/app/jobs/tomo-report.js';
import { InputError } from './files.js';
import { readNamed } from './job-io.js';
import { projectSource } from './project.js';

const OTHER = /(\.xml|_CTF\.txt|\.aln|_TLT\.txt|TiltSeries_Metrics\.csv|taSolution\.log|\.mdoc)$/i;

/**
 * The tilt-series files of a project folder: for RELION 5, the global STAR of its most processed tomography job
 * (ReconstructTomograms, then AlignTiltSeries, ExcludeTiltImages, CtfFind, MotionCorr, ImportTomo; the newest job of
 * that type); otherwise every Warp tilt-series XML, AreTomo3 output, IMOD taSolution.log and SerialEM .mdoc in it.
 */
export async function findTomoProject(dir: string): Promise<string[]> {
  const src = await projectSource(dir);
  const relion = relionTomoStar(src.paths);
  if (relion) return [join(dir, relion)];
  const other: string[] = [];
  for (const p of src.paths.filter((x) => OTHER.test(x)).slice(0, 5000)) {
    if (/\.xml$/i.test(p)) {
      const head = (await readFile(join(dir, p))).subarray(0, 4096).toString('utf8');
      if (!/<TiltSeries[\s>]/.test(head)) continue;
    }
    other.push(join(dir, p));
  }
  if (!other.length)
    throw new InputError(
      `--project ${dir}: no tilt-series metadata found (looked for RELION 5 <Job>/jobNNN/tomograms.star or ` +
        'tilt_series.star, Warp tilt-series XML, AreTomo3 _CTF.txt / .aln / TiltSeries_Metrics.csv, IMOD ' +
        'taSolution.log, ' +
        'SerialEM .mdoc)',
    );
  return other;
}

/**
 * Reads a path written inside a tomograms.star as RELION does: relative to the project directory (the working
 * directory, or --project). A global STAR at <project>/<Job>/jobNNN/ also tells where its project is: tried next.
 */
export function referenceReader(projectDir: string): (path: string, from: string) => Promise<NamedBytes | null> {
  return async (path, from) => {
    const candidates = isAbsolute(path) ? [path] : [join(projectDir, path)];
    if (!isAbsolute(path) && /^job\d+$/.test(basename(dirname(from))))
      candidates.push(join(dirname(from), '..', '..', path));
    for (const full of candidates) {
      try {
        return await readNamed(full);
      } catch {
        // next candidate
      }
    }
    return null;
  };
}
