import type { NamedBytes } from '../core/app/job.js';
import type { ProjectSource } from '../core/app/project/project.js';
import type { ReportRequest } from '../core/app/report/input.js';
import type { RunRequest } from './protocol.js';

/**
 * What the page sent, as the report's request: the dropped files by the role the user gave them, the form's
 * options, the dropped folder as a project (read only when the project reader asks). Everything else — which mask
 * wins, whose symmetry — is decided by reportInput in the core, as for `cryodx report`.
 */
export function reportRequest(m: RunRequest): ReportRequest {
  const of = (role: string): NamedBytes[] =>
    m.files.filter((f) => f.role === role).map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
  const [half1] = of('half1'),
    [half2] = of('half2'),
    [mask] = of('mask'),
    [particles] = of('particles'),
    [model] = of('model'),
    [pae] = of('pae');
  const ctf = of('ctf');
  return {
    files: {
      ...(half1 ? { half1 } : {}),
      ...(half2 ? { half2 } : {}),
      ...(mask ? { mask } : {}),
      ...(particles ? { particles } : {}),
      ...(ctf.length ? { ctf } : {}),
      ...(model ? { model } : {}),
      ...(pae ? { pae } : {}),
    },
    options: {
      pixelSizeA: m.pixelSizeA,
      // The field shows C1 until the user edits it: only an edit is the user's choice over the project's.
      ...(m.symmetryGiven ? { symmetry: m.symmetry } : {}),
      ...(m.maskChoice ? { maskChoice: m.maskChoice } : {}),
      autoMaskWhenNone: m.autoMask,
      ...(m.mwKDa ? { mwKDa: m.mwKDa } : {}),
      analyses: m.analyses,
    },
    project: m.project ? folderSource(m.project) : null,
    version: m.version,
  };
}

/** A dropped folder's files by path, read when asked for. */
export function folderSource(p: NonNullable<RunRequest['project']>): ProjectSource {
  const byPath = new Map(p.files.map((f) => [f.path, f.file]));
  return {
    root: p.root,
    paths: [...byPath.keys()],
    read: async (path) => new Uint8Array(await byPath.get(path)!.arrayBuffer()),
  };
}
