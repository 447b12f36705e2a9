import { ROLE_LABELS, type FileRole } from '../../io/roles.js';
import { pixelSizeAdvice } from './maps.js';

/**
 * Files given one by one (the browser's drop), checked together the moment they are read, by the rules the run
 * would apply: one file per single-file role, both half maps or neither, maps of one size and one pixel size.
 * A blocking problem keeps the run from starting and says why; a note only informs.
 */
export interface GivenFile {
  name: string;
  role: FileRole;
  /** Null while it is being read. */
  read: { ok: boolean; text: string; shape: number[] | null; pixelSizeA: number | null } | null;
  /** For post-processing: the particles in its refinement (what the budget fit needs). */
  particles?: number | null;
}

export interface InputProblem {
  blocking: boolean;
  message: string;
}

const SINGLE: FileRole[] = ['half1', 'half2', 'mask', 'particles', 'bfactors', 'model', 'pae'];
const MAPS: FileRole[] = ['half1', 'half2', 'mask'];

export function checkGivenFiles(
  files: GivenFile[],
  opts: { project: boolean; typedPixelSizeA: number | null },
): InputProblem[] {
  const out: InputProblem[] = [];
  const block = (message: string): number => out.push({ blocking: true, message });
  const note = (message: string): number => out.push({ blocking: false, message });
  const used = files.filter((f) => f.role !== 'other');
  const reading = files.filter((f) => !f.read).length;
  if (reading) block(`reading ${reading} file${reading > 1 ? 's' : ''}…`);
  if (!used.length && !opts.project) block('nothing to analyse yet: drop files or a project folder');
  for (const f of used)
    if (f.read && !f.read.ok) block(`${f.name}: ${f.read.text} — remove it, or set its role to “${ROLE_LABELS.other}”`);
  const of = (r: FileRole): GivenFile[] => used.filter((f) => f.role === r);
  for (const r of SINGLE) {
    const list = of(r);
    if (list.length > 1) block(`${list.length} files as “${ROLE_LABELS[r]}” (${names(list)}): keep one`);
  }
  const [h1, h2] = [of('half1').length, of('half2').length];
  const one = h1 ? 'half map 1 without half map 2' : 'half map 2 without half map 1';
  if (!h1 !== !h2) block(`${one}: give both, or neither`);
  if (of('pae').length && !of('model').length && !opts.project) note('the PAE is read with its model: add the model');
  for (const f of of('postprocess'))
    if (!f.particles)
      note(`${f.name}: without its particle count it gives the resolution and B, not the particle budget`);
  const maps = MAPS.flatMap(of).filter((f) => f.read?.ok);
  const shapes = new Set(maps.map((m) => m.read!.shape?.join('×')));
  if (shapes.size > 1)
    block(
      `the maps differ in size (${maps.map((m) => `${m.name} ${m.read!.shape?.join('×')}`).join(', ')}): ` +
        'half maps and mask must come from one refinement',
    );
  const advice = pixelSizeAdvice(
    maps.map((m) => m.read!.pixelSizeA),
    opts.typedPixelSizeA,
  );
  if (maps.length && advice.valueA === null) block(advice.note);
  return out;
}

const names = (l: GivenFile[]): string => l.map((f) => f.name).join(', ');
