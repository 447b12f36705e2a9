import { GUINIER_MIN } from '../diagnosis/evidence.js';
import type { Report } from './report.js';

/**
 * The numbers a scientist looks for first — resolution, B, particles, sphericity / SCF*, local resolution, CTF fits —
 * each with the place in the report that shows its evidence. Only what was measured appears.
 */
export interface SummaryItem {
  key: string;
  label: string;
  /** As shown: the number with its unit. */
  text: string;
  /** The report's element that holds the evidence (a figure or a section). */
  anchor: string;
  /** Why the number is not to be reasoned with, when it is not (a B from a fit that cannot carry one). */
  note?: string;
}

const fixed = (v: number, d: number): string => v.toFixed(d).replace('-', '−');

export function summaryItems(r: Report): SummaryItem[] {
  const out: SummaryItem[] = [];
  const add = (key: string, label: string, text: string, anchor: string, note?: string): void => {
    out.push({ key, label, text, anchor, ...(note ? { note } : {}) });
  };
  const pp = r.postprocess;
  const rp = r.processing?.relionPostprocess ?? null;
  if (pp?.resolutionA != null)
    add('resolution', 'resolution (masked, corrected FSC 0.143)', `${fixed(pp.resolutionA, 2)} Å`, 'fig-fsc');
  else if (rp) add('resolution', `resolution (RELION, ${rp.source})`, `${fixed(rp.resolutionA, 2)} Å`, 'numbers');
  const b = pp ? pp.bfactorA2 : (rp?.bfactorA2 ?? null);
  if (b !== null && Number.isFinite(b))
    add('bfactor', 'B-factor', `${fixed(b, 0)} Å²`, pp?.guinier ? 'fig-guinier' : 'numbers', bfactorNote(r));
  if (r.orientations)
    add('particles', 'particles', r.orientations.nParticles.toLocaleString('en-US'), 'fig-orientations');
  if (r.anisotropy) add('sphericity', 'sphericity', fixed(r.anisotropy.sphericity, 2), 'fig-directional');
  if (r.orientations)
    add('scfStar', `SCF* (${r.orientations.symmetry})`, fixed(r.orientations.scfStar, 2), 'fig-orientations');
  if (r.locres) add('locres', 'local resolution, median', `${fixed(r.locres.medianA, 2)} Å`, 'sections');
  if (r.ctf) {
    const ok = Math.round(r.ctf.micrographs * (1 - r.ctf.fractionUnreliable));
    add('ctf', 'CTF fits reliable', `${ok} of ${r.ctf.micrographs}`, r.ctfTriage ? 'ctf' : 'fig-ctf-fit');
  }
  const m = r.model;
  if (m) {
    const pl = m.residues.map((x) => x.plddt).filter((x): x is number => x !== null);
    if (pl.length) add('plddt', 'model pLDDT, mean', fixed(pl.reduce((s, x) => s + x, 0) / pl.length, 1), 'model');
    else add('model', 'model', `${m.residues.length} residues`, 'model');
  }
  measuredItems(r, add);
  return out;
}

/** `report --measure`: the harmful groups found, and the best measured resolution within reach. */
function measuredItems(r: Report, add: (k: string, l: string, t: string, a: string, n?: string) => void): void {
  const w = r.measured?.whatif;
  if (!w) return;
  const harmful = w.groups.filter((g) => g.verdict === 'harmful').length;
  const judged = w.groups.filter((g) => g.verdict !== 'too-small').length;
  add('harmful', 'groups measured harmful', `${harmful} of ${judged}`, 'measured');
  const best = w.reach.find((x) => x.kind === 'measured' && x.resolutionA !== null);
  if (best) add('reach', 'without the harmful groups (measured)', `${fixed(best.resolutionA!, 2)} Å`, 'measured');
}

/** Why a B-factor cannot be reasoned with (the diagnosis's rule, GUINIER_MIN), or undefined when it can. */
function bfactorNote(r: Report): string | undefined {
  const pp = r.postprocess;
  if (pp) {
    if (pp.bfactorFrom !== 'auto') return 'given, not fitted';
    const g = pp.guinier;
    if (pp.resolutionA === null || pp.resolutionA > GUINIER_MIN.resolutionA) return 'too few shells to fit below 7 Å';
    if (!g || g.points < GUINIER_MIN.points) return 'too few shells to fit';
    if (g.r2 < GUINIER_MIN.r2) return `poor Guinier fit (r² ${g.r2.toFixed(2)})`;
    if (Math.abs(pp.bfactorA2) < GUINIER_MIN.absBfactorA2) return 'no measurable fall-off';
    return undefined;
  }
  const rp = r.processing?.relionPostprocess;
  if (rp?.guinierR2 != null && rp.guinierR2 < GUINIER_MIN.r2) return `poor Guinier fit (r² ${rp.guinierR2.toFixed(2)})`;
  return undefined;
}
