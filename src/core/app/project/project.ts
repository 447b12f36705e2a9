import { InputError, type Warning } from '../../errors.js';
import { readZipEntry, zipEntries, type RandomAccess } from '../../io/zip.js';
import type { InputUse } from '../../report/report.js';
import { cryosparcProjectInputs } from './cryosparc.js';
import { relionProjectInputs } from './relion.js';
import { relionTomoStar } from '../jobs/tomo-report.js';
import type { ReportJobInput } from '../report/report.js';

/**
 * `report --project`: a RELION (3.1–5) or cryoSPARC project read as the files it holds. The reader picks, for
 * each kind of evidence, the latest job that finished successfully and has the outputs needed, says which it
 * used and why, and notes newer jobs it passed over (failed, aborted, still running, outputs missing). It never
 * invents: a cause whose files are absent stays "not measured" in the report, with what would measure it.
 */
export interface ProjectSource {
  /** The folder as the user named it (for the report). */
  root: string;
  /** Every file, relative to the root, '/'-separated. */
  paths: string[];
  read(path: string): Promise<Uint8Array>;
}

/**
 * A zipped project as a project source: its files by path below the folder that was zipped (a single top folder is
 * taken off, as a chosen folder's name is), read one entry at a time when the reader asks. Links stored as links
 * (`zip -y`: RELION's job aliases) are left out, as a dropped folder leaves them out.
 */
export async function zipProjectSource(access: RandomAccess, name: string): Promise<ProjectSource> {
  const files = (await zipEntries(access, name)).filter((e) => e.kind === 'file');
  const top = files[0]?.path.split('/')[0] ?? '';
  const inside = files.length > 0 && files.every((f) => f.path.startsWith(`${top}/`));
  const byPath = new Map(files.map((f) => [inside ? f.path.slice(top.length + 1) : f.path, f]));
  return {
    root: name,
    paths: [...byPath.keys()],
    read: async (p) => {
      const e = byPath.get(p);
      if (!e) throw new InputError(`${name}: no ${p} in the archive`);
      return readZipEntry(access, e, name);
    },
  };
}

export type ProjectInput = Partial<Omit<ReportJobInput, 'version'>>;

export interface ProjectInputs {
  kind: 'RELION' | 'cryoSPARC';
  input: ProjectInput;
  used: InputUse[];
  notes: Warning[];
}

export async function projectInputs(given: ProjectSource): Promise<ProjectInputs> {
  // In path order: a folder's listing order differs between file systems and browsers, the report must not.
  const src = { ...given, paths: [...given.paths].sort() };
  const paths = new Set(src.paths);
  if (paths.has('default_pipeline.star') || src.paths.some((p) => /^[A-Za-z0-9]+\/job\d+\/job\.star$/.test(p)))
    return withTomography(src, paths, await relionProjectInputs(src, paths));
  if (paths.has('job.json') || src.paths.some((p) => /^J\d+\/job\.json$/.test(p))) return cryosparcProjectInputs(src);
  throw new InputError(
    `${src.root}: not a RELION project (no default_pipeline.star or Kind/jobNNN/job.star) nor a cryoSPARC project ` +
      'or job folder (no job.json)',
  );
}

/** A RELION 5 tomography project: its most processed global STAR, the tilt STARs it names read from the project. */
async function withTomography(src: ProjectSource, paths: Set<string>, found: ProjectInputs): Promise<ProjectInputs> {
  const star = relionTomoStar(src.paths);
  if (!star) return found;
  // The tomography job's outputs are not single-particle ones: no note that they are missing.
  const job = star.split('/').slice(-3, -1).join('/');
  found.notes = found.notes.filter(
    (n) => !(n.message.startsWith(job) && /outputs are not in the project/.test(n.message)),
  );
  found.input.tomography = {
    files: [{ name: star, bytes: await src.read(star) }],
    readReferenced: async (p) => (paths.has(p) ? { name: p, bytes: await src.read(p) } : null),
  };
  found.used.push({
    role: 'tomography',
    file: star,
    job,
    note: "the most processed tomography job's tilt series (tomo-report's rules)",
  });
  return found;
}

/** The report input each of the project reader's roles fills (InputUse.role → the field it sets). */
const ROLE_FIELD: Record<string, keyof ReportJobInput> = {
  'half maps': 'half1',
  mask: 'mask',
  particles: 'particles',
  refinement: 'particles',
  ctf: 'ctf',
  motion: 'motion',
  bfactors: 'bfactors',
  classes: 'classes',
  'classes-kept': 'classes',
  picks: 'picks',
  'ctf-refine': 'ctfRefine',
  postprocess: 'postprocessStars',
  'particle size': 'particleDiameterA',
  tomography: 'tomography',
};

/**
 * A report's input from a project and what the user gave explicitly: role by role the explicit input wins (a mask
 * file or a mask made here over the project's file), and the files it replaced leave the list of files used; the
 * refinement's symmetry is kept unless the user gave one. The project's choices and notes travel with it.
 */
export function withProject(
  found: ProjectInputs,
  root: string,
  given: ReportJobInput,
  opts: { symmetryGiven: boolean },
): ReportJobInput {
  const explicit = Object.fromEntries(
    Object.entries(given).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<ReportJobInput>;
  const merged: ReportJobInput = { ...(found.input as ReportJobInput), ...explicit, version: given.version };
  if (!opts.symmetryGiven && found.input.symmetry) merged.symmetry = found.input.symmetry;
  const used = found.used.filter((u) => {
    const field = ROLE_FIELD[u.role];
    return !(field && field in explicit);
  });
  merged.project = { root, kind: found.kind, used, notes: found.notes };
  return merged;
}
