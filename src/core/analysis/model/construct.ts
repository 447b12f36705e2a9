import type { Pae } from '../../io/pae.js';
import type { Residue } from '../../io/structure.js';
import { paeDomains, PAE_DOMAIN_DEFAULTS } from './domains.js';

/**
 * Construct advice from a predicted model (seed 000: "go back to the construct"): segments of low confidence from
 * pLDDT (AlphaFold's bands: < 50 likely disordered, 50–70 low), termini and long loops worth truncating, domains
 * from PAE and the hinges between them (candidates for locking by a disulfide or a proline), and, with a local-
 * resolution map sampled at the residues, where the two agree.
 */
export const CONSTRUCT = {
  disorderedPlddt: 50,
  lowPlddt: 70,
  /** A low-confidence run this long inside the chain is a loop worth shortening. */
  minLoop: 8,
  /** Runs of low confidence separated by this few confident residues count as one. */
  bridge: 2,
  /** A terminal run from this many residues is worth truncating. */
  minTerminal: 5,
};

export interface Segment {
  chain: string;
  start: number;
  end: number;
  residues: number;
  meanPlddt: number;
}

export interface ConstructAdvice {
  residues: number;
  meanPlddt: number | null;
  disordered: Segment[];
  lowConfidence: Segment[];
  truncations: { chain: string; start: number; end: number; reason: string }[];
  domains: { segments: { chain: string; start: number; end: number }[]; residues: number }[];
  hinges: { chain: string; residue: number; domains: [number, number]; reason: string }[];
  /** With local resolution at the residues: residues both predicted disordered and poorly resolved. */
  agreement: {
    chain: string;
    start: number;
    end: number;
    meanPlddt: number;
    localResolutionA: number;
    statement: string;
  }[];
}

/** Runs of residues below a pLDDT, per chain, short gaps bridged. */
export function runsBelow(res: Residue[], below: number, bridge = CONSTRUCT.bridge): Segment[] {
  const out: Segment[] = [];
  let cur: Residue[] = [];
  let gap = 0;
  const flush = (): void => {
    if (cur.length) {
      const vals = cur.filter((r) => (r.plddt ?? 100) < below).map((r) => r.plddt!);
      out.push({
        chain: cur[0]!.chain,
        start: cur[0]!.resSeq,
        end: cur[cur.length - 1]!.resSeq,
        residues: cur.length,
        meanPlddt: vals.reduce((s, v) => s + v, 0) / vals.length,
      });
    }
    cur = [];
    gap = 0;
  };
  for (let i = 0; i < res.length; i++) {
    const r = res[i]!;
    if (cur.length && r.chain !== cur[0]!.chain) flush();
    if ((r.plddt ?? 100) < below) {
      cur.push(...pendingGap(res, i, gap));
      cur.push(r);
      gap = 0;
    } else if (cur.length) {
      gap++;
      if (gap > bridge) flush();
    }
  }
  flush();
  return out;
}

/** The confident residues just before index i that a bridged run swallows. */
function pendingGap(res: Residue[], i: number, gap: number): Residue[] {
  return gap > 0 ? res.slice(i - gap, i) : [];
}

export function constructAdvice(
  residues: Residue[],
  pae: Pae | null,
  locres?: (Residue & { localResolutionA: number | null })[] | null,
): ConstructAdvice {
  const plddt = residues.filter((r) => r.plddt !== null).map((r) => r.plddt!);
  const disordered = runsBelow(residues, CONSTRUCT.disorderedPlddt);
  const lowConfidence = runsBelow(residues, CONSTRUCT.lowPlddt);
  const truncations: ConstructAdvice['truncations'] = [];
  const chainEnds = new Map<string, [number, number]>();
  for (const r of residues) {
    const e = chainEnds.get(r.chain);
    chainEnds.set(r.chain, e ? [Math.min(e[0], r.resSeq), Math.max(e[1], r.resSeq)] : [r.resSeq, r.resSeq]);
  }
  for (const s of disordered) {
    const [first, last] = chainEnds.get(s.chain)!;
    const terminal = s.start === first ? 'N' : s.end === last ? 'C' : null;
    const mean = s.meanPlddt.toFixed(0);
    if (terminal && s.residues >= CONSTRUCT.minTerminal)
      truncations.push({
        chain: s.chain,
        start: s.start,
        end: s.end,
        reason:
          `${terminal}-terminal ${s.residues} residues with pLDDT < 50 (mean ${mean}): likely disordered, ` +
          'truncate',
      });
    else if (!terminal && s.residues >= CONSTRUCT.minLoop)
      truncations.push({
        chain: s.chain,
        start: s.start,
        end: s.end,
        reason:
          `loop of ${s.residues} residues with pLDDT < 50 (mean ${mean}): shorten it or replace by a short ` + 'linker',
      });
  }
  const domains: ConstructAdvice['domains'] = [];
  const hinges: ConstructAdvice['hinges'] = [];
  if (pae && pae.n === residues.length) {
    const d = paeDomains(pae);
    for (let k = 0; k < d.domains; k++) {
      const segs: { chain: string; start: number; end: number }[] = [];
      let count = 0;
      residues.forEach((r, i) => {
        if (d.domainOf[i] !== k) return;
        count++;
        const last = segs[segs.length - 1];
        if (last && last.chain === r.chain && i > 0 && d.domainOf[i - 1] === k) last.end = r.resSeq;
        else segs.push({ chain: r.chain, start: r.resSeq, end: r.resSeq });
      });
      domains.push({ segments: segs, residues: count });
    }
    // A hinge: where the sequence passes from one domain to another (through unassigned residues at most).
    let prev = -1,
      prevIdx = -1;
    residues.forEach((r, i) => {
      const dom = d.domainOf[i]!;
      if (dom < 0) return;
      if (prev >= 0 && dom !== prev && residues[prevIdx]!.chain === r.chain) {
        const mid = residues[Math.floor((prevIdx + i) / 2)]!;
        const between = meanBetween(pae, d.domainOf, prev, dom);
        hinges.push({
          chain: r.chain,
          residue: mid.resSeq,
          domains: [prev, dom],
          reason:
            `between domains ${prev + 1} and ${dom + 1} (mean inter-domain PAE ${between.toFixed(1)} Å, within ` +
            `< ${PAE_DOMAIN_DEFAULTS.cutoffA} Å): a candidate for locking by a disulfide or a proline`,
        });
      }
      prev = dom;
      prevIdx = i;
    });
  }
  return {
    residues: residues.length,
    meanPlddt: plddt.length ? plddt.reduce((s, v) => s + v, 0) / plddt.length : null,
    disordered,
    lowConfidence,
    truncations,
    domains,
    hinges,
    agreement: locres ? agreement(disordered, locres) : [],
  };
}

function meanBetween(pae: Pae, domainOf: Int32Array, a: number, b: number): number {
  let s = 0,
    n = 0;
  for (let i = 0; i < pae.n; i++)
    for (let j = 0; j < pae.n; j++)
      if (domainOf[i] === a && domainOf[j] === b) {
        s += pae.values[i * pae.n + j]!;
        n++;
      }
  return n ? s / n : NaN;
}

function agreement(
  disordered: Segment[],
  locres: (Residue & { localResolutionA: number | null })[],
): ConstructAdvice['agreement'] {
  const all = locres
    .map((r) => r.localResolutionA)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const median = all[Math.floor(all.length / 2)] ?? NaN;
  return disordered.flatMap((s) => {
    const vals = locres
      .filter((r) => r.chain === s.chain && r.resSeq >= s.start && r.resSeq <= s.end && r.localResolutionA !== null)
      .map((r) => r.localResolutionA!);
    if (!vals.length) return [];
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    if (!(mean > 1.25 * median)) return [];
    return [
      {
        chain: s.chain,
        start: s.start,
        end: s.end,
        meanPlddt: s.meanPlddt,
        localResolutionA: mean,
        statement:
          `residues ${s.start}–${s.end}: pLDDT < 50 and local resolution ${mean.toFixed(1)} Å (median ` +
          `${median.toFixed(1)} Å) → truncate`,
      },
    ];
  });
}
