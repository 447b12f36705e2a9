import type { ProjectCheck, ProjectRef } from './protocol.js';

/**
 * The project as received: how many files, what kind, and — when its pipeline names jobs or STAR files that did not
 * arrive — each by name with the way to get them (the folder chooser loses RELION's aliased jobs; a drop, the
 * picker and a zip do not).
 */
export function projectPanel(ref: ProjectRef, check: ProjectCheck | null, remove: () => void): HTMLElement[] {
  const head = document.createElement('p');
  head.dataset['testid'] = 'info-project';
  const via = { chooser: 'chosen folder', drop: 'dropped folder', picker: 'chosen folder', zip: 'zip' }[ref.how];
  head.textContent = !check
    ? `${ref.root} (${via}): reading…`
    : check.error
      ? `${ref.root}: ${check.error}`
      : `${ref.root} (${via}): ${check.files} files received` +
        (check.kind ? `, read as a ${check.kind} project on Diagnose` : ': no RELION or cryoSPARC project found') +
        (check.gaps ? ` (default_pipeline.star lists ${check.gaps.jobs} jobs)` : '');
  const x = document.createElement('button');
  x.textContent = 'remove';
  x.onclick = remove;
  head.append(' ', x);
  const out: HTMLElement[] = [head];
  const g = check?.gaps;
  if (g && (g.missingJobs.length || g.missingFiles.length)) out.push(missing(ref, g));
  return out;
}

function missing(ref: ProjectRef, g: NonNullable<ProjectCheck['gaps']>): HTMLElement {
  const box = document.createElement('div');
  box.className = 'missing';
  box.dataset['testid'] = 'project-missing';
  const p = document.createElement('p');
  p.textContent =
    `Missing from what the page received: ${g.missingJobs.length} of the ${g.jobs} jobs the pipeline lists` +
    (g.missingFiles.length ? ` and ${g.missingFiles.length} STAR files it names` : '') +
    '. What they hold would be missing from the diagnosis.';
  const ul = document.createElement('ul');
  for (const j of g.missingJobs) ul.append(li(j.alias ? `${j.name} (alias ${j.alias})` : j.name));
  for (const f of g.missingFiles) ul.append(li(f));
  const fix = document.createElement('p');
  fix.className = 'fix';
  fix.textContent =
    ref.how === 'chooser' && g.missingJobs.some((j) => j.alias)
      ? 'This browser’s folder chooser skips RELION’s alias links (such as Polish/polish → Polish/job028/) and, ' +
        'in some folders, the jobs behind them. Drop the project folder on this page instead, or give a zip of it.'
      : 'They are not in the folder or zip given: copy the project whole (a zip keeps every job), then give it again.';
  box.append(p, ul, fix);
  return box;
}

function li(text: string): HTMLLIElement {
  const el = document.createElement('li');
  el.textContent = text;
  return el;
}
