import type { Warning } from '../../errors.js';
import { maybeGunzip } from '../../io/bytes.js';
import { parseJobName, readPipeline, readPipelineNodes } from '../../io/processing/pipeline.js';
import { readStar } from '../../io/star/read.js';
import type { ProjectSource } from './project.js';

/**
 * What a RELION project says should be there and is not: the jobs default_pipeline.star lists whose folders hold no
 * file, and the STAR files it (or a job's job_pipeline.star) names inside folders that are there. Maps, stacks and
 * PDF logs are not counted: copies of a project often leave them out on purpose. A folder handed over incompletely
 * (a browser's folder chooser skips RELION's alias links and, in some folders, the jobs behind them) is found here
 * by name, before anything is judged on what is left.
 */
export interface ProjectGaps {
  /** Jobs the pipeline lists. */
  jobs: number;
  missingJobs: { name: string; alias: string | null }[];
  /** STAR files named by the pipeline inside job folders that are there. */
  missingFiles: string[];
}

export async function relionProjectGaps(src: ProjectSource): Promise<ProjectGaps | null> {
  const paths = new Set(src.paths);
  if (!paths.has('default_pipeline.star')) return null;
  const doc = await starOf(src, 'default_pipeline.star');
  if (!doc) return null;
  const jobs = readPipeline(doc);
  const present = new Set(src.paths.map((p) => parseJobName(p.split('/').slice(0, 2).join('/'))?.name ?? ''));
  const listed = new Set(jobs.map((j) => j.name));
  const nodes = new Set(readPipelineNodes(doc));
  for (const j of jobs) {
    const own = present.has(j.name) ? await starOf(src, `${j.name}/job_pipeline.star`) : null;
    if (own) readPipelineNodes(own).forEach((n) => nodes.add(n));
  }
  const jobOf = (path: string): string => parseJobName(path.split('/').slice(0, 2).join('/'))?.name ?? '';
  const missingFiles = [...nodes]
    .filter((n) => /\.star$/i.test(n) && !paths.has(n) && listed.has(jobOf(n)) && present.has(jobOf(n)))
    .sort();
  const missingJobs = jobs.filter((j) => !present.has(j.name)).map((j) => ({ name: j.name, alias: j.alias }));
  return { jobs: jobs.length, missingJobs, missingFiles };
}

async function starOf(src: ProjectSource, path: string): Promise<ReturnType<typeof readStar> | null> {
  if (!src.paths.includes(path)) return null;
  try {
    return readStar(maybeGunzip(await src.read(path), path), { source: path });
  } catch {
    return null;
  }
}

/** The gaps as one sentence naming each job and file (null when nothing is missing). */
export function gapsWarning(g: ProjectGaps | null): Warning | null {
  if (!g || (!g.missingJobs.length && !g.missingFiles.length)) return null;
  const job = (j: ProjectGaps['missingJobs'][number]): string => (j.alias ? `${j.name} (${j.alias})` : j.name);
  const parts: string[] = [];
  if (g.missingJobs.length)
    parts.push(
      `${g.missingJobs.length} of the ${g.jobs} jobs default_pipeline.star lists have no files here: ` +
        g.missingJobs.map(job).join(', '),
    );
  if (g.missingFiles.length)
    parts.push(`${g.missingFiles.length} STAR files it names are missing: ${g.missingFiles.join(', ')}`);
  return {
    code: 'project-missing',
    message: `${parts.join('; ')}. What they hold is missing from this report.`,
  };
}
