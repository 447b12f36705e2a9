import type { NamedBytes } from '../core/app/job.js';
import { zipProjectSource, type ProjectSource } from '../core/app/project/project.js';
import type { ReportFiles, ReportRequest } from '../core/app/report/input.js';
import { blobAccess } from '../core/io/zip.js';
import type { ProjectRef, RunRequest } from './protocol.js';

/**
 * What the page sent, as the report's request: the dropped files by the role the user gave them (the CLI's flags,
 * role for role) and the form's options. Everything else — which mask wins, whose symmetry, what a project adds —
 * is decided by reportInput in the core, as for `cryodx report`. The project comes separately (sourceOf).
 */
export function reportRequest(m: RunRequest): ReportRequest {
  return {
    files: filesByRole(m.files),
    options: {
      pixelSizeA: m.pixelSizeA,
      // The field shows C1 until the user edits it: only an edit is the user's choice over the project's.
      ...(m.symmetryGiven ? { symmetry: m.symmetry } : {}),
      ...(m.maskChoice ? { maskChoice: m.maskChoice } : {}),
      autoMaskWhenNone: m.autoMask,
      ...(m.mwKDa ? { mwKDa: m.mwKDa } : {}),
      analyses: m.analyses,
    },
    version: m.version,
  };
}

function filesByRole(files: RunRequest['files']): ReportFiles {
  const of = (role: string): NamedBytes[] =>
    files.filter((f) => f.role === role).map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
  const one = (role: string): NamedBytes | undefined => of(role)[0];
  const list = (role: string): NamedBytes[] | undefined => (of(role).length ? of(role) : undefined);
  const picks = (['picks-1', 'picks-2'] as const)
    .map((r, i) => ({ name: `picker ${i + 1}`, files: of(r) }))
    .filter((p) => p.files.length);
  const postprocess = files
    .filter((f) => f.role === 'postprocess')
    .map((f) => ({
      file: { name: f.name, bytes: new Uint8Array(f.bytes) },
      ...(f.particles ? { particles: f.particles } : {}),
    }));
  const fields: ReportFiles = {
    half1: one('half1'),
    half2: one('half2'),
    mask: one('mask'),
    particles: one('particles'),
    ctf: list('ctf'),
    model: one('model'),
    pae: one('pae'),
    motion: list('motion'),
    bfactors: one('bfactors'),
    classes: list('classes'),
    ctfRefine: list('ctf-refine'),
    ...(picks.length ? { picks } : {}),
    ...(postprocess.length ? { postprocessStars: postprocess } : {}),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as ReportFiles;
}

/** A project as the reader takes it: a folder's files by path, or a zip's entries, read when asked for. */
export async function sourceOf(p: ProjectRef): Promise<ProjectSource> {
  if ('zip' in p) return zipProjectSource(blobAccess(p.zip), p.root);
  const byPath = new Map(p.files.map((f) => [f.path, f.file]));
  return {
    root: p.root,
    paths: [...byPath.keys()],
    read: async (path) => new Uint8Array(await byPath.get(path)!.arrayBuffer()),
  };
}
