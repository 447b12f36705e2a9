import type { Pae } from '../../io/pae.js';
import type { Residue } from '../../io/structure.js';
import { basis, type Basis } from '../../model/basis.js';
import { paeDomains, PAE_DOMAIN_DEFAULTS } from './domains.js';
import { oneLetter, targetingPeptide, type TargetingPeptide } from './targeting.js';

/**
 * Construct advice from a predicted model (seed 000: "go back to the construct"), as a structural biologist reads
 * an AlphaFold entry (rules and sources in docs/model.md):
 * - confident cores are runs of ≥ 10 residues with pLDDT ≥ 70 (AlphaFold's "confident" band; 10 is ChimeraX's
 *   smallest PAE domain); everything between them, or between a core and a chain end, is one segment, however
 *   often a few residues of higher pLDDT interrupt it;
 * - a terminal segment of mean pLDDT < 70 is proposed for truncation whole (up to the first confident core); an
 *   internal one when it is likely disordered (mean < 50) and ≥ 8 residues (an internal deletion needs a linker
 *   and risks the fold, so only what the prediction calls disordered);
 * - an N-terminal segment that looks like a signal or transit peptide is named as such (targeting.ts);
 * - domains from PAE among confident residues only (disordered residues are no domain), clusters that move as one
 *   (mean inter-cluster PAE < 5 Å) merged; a hinge only between two such domains whose mean PAE is ≥ 10 Å, once
 *   per domain pair, with the linker's residues.
 */
export const CONSTRUCT = {
  disorderedPlddt: 50,
  lowPlddt: 70,
  /** A low-confidence run this long inside the chain is a loop worth shortening. */
  minLoop: 8,
  /** Runs of low confidence separated by this few confident residues count as one (the segment lists). */
  bridge: 2,
  /** A terminal segment from this many residues is worth truncating. */
  minTerminal: 5,
  /** A confident run shorter than this interrupts a low-confidence segment; it is not a core to keep. */
  minCore: PAE_DOMAIN_DEFAULTS.minSize,
  /** Clusters whose mean PAE to each other is below this are placed together: one domain (ChimeraX's edge cutoff). */
  mergePaeA: PAE_DOMAIN_DEFAULTS.cutoffA,
  /** From this mean inter-domain PAE on, the relative placement is not determined: a hinge (2× the edge cutoff). */
  hingePaeA: 10,
};

export interface Segment {
  chain: string;
  start: number;
  end: number;
  residues: number;
  meanPlddt: number;
}

export interface Truncation {
  chain: string;
  start: number;
  end: number;
  reason: string;
  /** Where the segment sits: at a chain end (up to the first / after the last confident core) or between cores. */
  kind: 'N-terminal' | 'C-terminal' | 'internal';
  residues: number;
  meanPlddt: number;
  /** A cleavable N-terminal sequence this looks like, when it does (a hint: SignalP / TargetP decide). */
  peptide: TargetingPeptide | null;
  basis: Basis;
}

export interface Hinge {
  chain: string;
  /** The middle of the linker (kept from the first layout of this field). */
  residue: number;
  domains: [number, number];
  reason: string;
  /** The residues between the two domains where the chain first passes from one to the other. */
  linkerStart: number;
  linkerEnd: number;
  /** How many times the chain passes between the two domains (interleaved domains cross more than once). */
  crossings: number;
  interDomainPaeA: number;
  basis: Basis;
}

export interface ConstructAdvice {
  residues: number;
  meanPlddt: number | null;
  disordered: Segment[];
  lowConfidence: Segment[];
  truncations: Truncation[];
  domains: {
    segments: { chain: string; start: number; end: number }[];
    residues: number;
    meanPlddt: number | null;
    /** Mean PAE within the domain (Å). */
    meanPaeA: number;
  }[];
  hinges: Hinge[];
  /** With local resolution at the residues: residues both predicted disordered and poorly resolved. */
  agreement: {
    chain: string;
    start: number;
    end: number;
    meanPlddt: number;
    localResolutionA: number;
    statement: string;
  }[];
  /** The rules' numbers, so that a reader can see what was asked of the model. */
  rules: typeof CONSTRUCT;
}

const plddtOf = (r: Residue): number => r.plddt ?? 100;
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

/** Runs of residues below a pLDDT, per chain, short gaps bridged. */
export function runsBelow(res: Residue[], below: number, bridge = CONSTRUCT.bridge): Segment[] {
  const out: Segment[] = [];
  let cur: Residue[] = [];
  let gap = 0;
  const flush = (): void => {
    if (cur.length) {
      const vals = cur.filter((r) => plddtOf(r) < below).map((r) => r.plddt!);
      out.push({
        chain: cur[0]!.chain,
        start: cur[0]!.resSeq,
        end: cur[cur.length - 1]!.resSeq,
        residues: cur.length,
        meanPlddt: mean(vals),
      });
    }
    cur = [];
    gap = 0;
  };
  for (let i = 0; i < res.length; i++) {
    const r = res[i]!;
    if (cur.length && r.chain !== cur[0]!.chain) flush();
    if (plddtOf(r) < below) {
      if (gap > 0) cur.push(...res.slice(i - gap, i));
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

/** Index ranges [first, last] of each chain, in model order. */
function chains(res: Residue[]): [number, number][] {
  const out: [number, number][] = [];
  res.forEach((r, i) => {
    const last = out[out.length - 1];
    if (last && res[last[1]]!.chain === r.chain) last[1] = i;
    else out.push([i, i]);
  });
  return out;
}

/**
 * Confident cores of one chain: index ranges of ≥ minCore consecutive residues with pLDDT ≥ 70, and shorter
 * confident runs that the PAE places with one of them (mean PAE < 5 Å: a strand or helix packed on the domain).
 */
export function confidentCores(
  res: Residue[],
  first: number,
  last: number,
  pae: Pae | null = null,
): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = first; i <= last + 1; i++) {
    const ok = i <= last && plddtOf(res[i]!) >= CONSTRUCT.lowPlddt;
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  const long = runs.filter(([a, b]) => b - a + 1 >= CONSTRUCT.minCore);
  if (!pae || !long.length) return long;
  const core = long.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k));
  const span = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, k) => a + k);
  return runs.filter(
    ([a, b]) => b - a + 1 >= CONSTRUCT.minCore || meanPaeBetween(pae, span(a, b), core) < CONSTRUCT.mergePaeA,
  );
}

/** The segments outside the confident cores, judged for truncation whole. */
export function truncations(res: Residue[], pae: Pae | null = null): Truncation[] {
  const out: Truncation[] = [];
  for (const [first, last] of chains(res)) {
    const cores = confidentCores(res, first, last, pae);
    if (!cores.length) continue; // no confident core: nothing to keep, nothing to cut towards
    const gaps: [number, number, Truncation['kind']][] = [];
    if (cores[0]![0] > first) gaps.push([first, cores[0]![0] - 1, 'N-terminal']);
    for (let k = 1; k < cores.length; k++) gaps.push([cores[k - 1]![1] + 1, cores[k]![0] - 1, 'internal']);
    if (cores[cores.length - 1]![1] < last) gaps.push([cores[cores.length - 1]![1] + 1, last, 'C-terminal']);
    for (const [a, b, kind] of gaps) {
      const t = judgeSegment(res, a, b, kind);
      if (t) out.push(t);
    }
  }
  return out;
}

function judgeSegment(res: Residue[], a: number, b: number, kind: Truncation['kind']): Truncation | null {
  const seg = res.slice(a, b + 1);
  const m = mean(seg.map(plddtOf));
  const n = seg.length;
  const terminal = kind !== 'internal';
  if (terminal ? n < CONSTRUCT.minTerminal || m >= CONSTRUCT.lowPlddt : n < CONSTRUCT.minLoop || m >= 50) return null;
  const first = seg[0]!,
    lastRes = seg[n - 1]!;
  // A cleavable N-terminus only where the model starts the sequence (residue 1, a Met).
  const call =
    kind === 'N-terminal' && first.resSeq === 1 ? targetingPeptide(oneLetter(seg.map((r) => r.resName))) : null;
  const band = m < CONSTRUCT.disorderedPlddt ? 'likely disordered' : 'low confidence';
  const [lo, hi] = [Math.min(...seg.map(plddtOf)), Math.max(...seg.map(plddtOf))];
  const span = `${n} residues, pLDDT ${lo.toFixed(0)}–${hi.toFixed(0)} (mean ${m.toFixed(0)})`;
  const reason = terminal
    ? `${kind} ${span} before the ${kind === 'N-terminal' ? 'first' : 'end of the last'} confident domain: ${band}` +
      (call
        ? `; looks like a ${call.kind} (${call.evidence}), cleaved in the mature protein — express from residue ` +
          `${lastRes.resSeq + 1} (check with SignalP / TargetP)`
        : kind === 'N-terminal'
          ? `; truncate to start at residue ${lastRes.resSeq + 1}`
          : `; truncate after residue ${first.resSeq - 1}`)
    : `internal ${span} between confident domains: ${band}; shorten it or replace it by a short linker`;
  return {
    chain: first.chain,
    start: first.resSeq,
    end: lastRes.resSeq,
    reason,
    kind,
    residues: n,
    meanPlddt: m,
    peptide: call?.kind ?? null,
    basis: basis(n, 'residues'),
  };
}

export function constructAdvice(
  residues: Residue[],
  pae: Pae | null,
  locres?: (Residue & { localResolutionA: number | null })[] | null,
): ConstructAdvice {
  const plddt = residues.filter((r) => r.plddt !== null).map((r) => r.plddt!);
  const disordered = runsBelow(residues, CONSTRUCT.disorderedPlddt);
  const usable = pae && pae.n === residues.length ? pae : null;
  const domainOf = usable ? confidentDomains(residues, usable) : null;
  const domains = domainOf ? describeDomains(residues, pae!, domainOf) : [];
  return {
    residues: residues.length,
    meanPlddt: plddt.length ? mean(plddt) : null,
    disordered,
    lowConfidence: runsBelow(residues, CONSTRUCT.lowPlddt),
    truncations: truncations(residues, usable),
    domains,
    hinges: domainOf ? hinges(residues, pae!, domainOf, domains.length) : [],
    agreement: locres ? agreement(disordered, locres) : [],
    rules: CONSTRUCT,
  };
}

/** Symmetric PAE: min(PAE[i][j], PAE[j][i]), as ChimeraX clusters it. */
const paeAt = (pae: Pae, i: number, j: number): number =>
  Math.min(pae.values[i * pae.n + j]!, pae.values[j * pae.n + i]!);

/**
 * Each residue's domain (−1: none): PAE clusters of the confident residues (pLDDT ≥ 70) only, then clusters that
 * move as one (mean symmetric PAE between them < 5 Å) merged, numbered by first residue.
 */
export function confidentDomains(res: Residue[], pae: Pae): Int32Array {
  const idx = res.flatMap((r, i) => (plddtOf(r) >= CONSTRUCT.lowPlddt ? [i] : []));
  const domainOf = new Int32Array(res.length).fill(-1);
  if (idx.length < CONSTRUCT.minCore) return domainOf;
  const m = idx.length;
  const sub = new Float32Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = pae.values[idx[a]! * pae.n + idx[b]!]!;
  const d = paeDomains({ n: m, values: sub, maxA: pae.maxA });
  const groups: number[][] = Array.from({ length: d.domains }, () => []);
  d.domainOf.forEach((k, a) => {
    if (k >= 0) groups[k]!.push(idx[a]!);
  });
  const merged = mergeRigid(groups, pae);
  merged.sort((x, y) => x[0]! - y[0]!);
  merged.forEach((g, k) => g.forEach((i) => (domainOf[i] = k)));
  return domainOf;
}

function meanPaeBetween(pae: Pae, a: number[], b: number[]): number {
  let s = 0;
  for (const i of a) for (const j of b) s += paeAt(pae, i, j);
  return s / (a.length * b.length);
}

/** Merge the closest pair of clusters while their mean PAE is below the merge cutoff. */
function mergeRigid(groups: number[][], pae: Pae): number[][] {
  const g = groups.filter((x) => x.length).map((x) => [...x]);
  for (;;) {
    let best = CONSTRUCT.mergePaeA,
      pair: [number, number] | null = null;
    for (let a = 0; a < g.length; a++)
      for (let b = a + 1; b < g.length; b++) {
        const v = meanPaeBetween(pae, g[a]!, g[b]!);
        if (v < best) [best, pair] = [v, [a, b]];
      }
    if (!pair) return g.map((x) => x.sort((p, q) => p - q));
    g[pair[0]]!.push(...g[pair[1]]!);
    g.splice(pair[1], 1);
  }
}

function describeDomains(res: Residue[], pae: Pae, domainOf: Int32Array): ConstructAdvice['domains'] {
  const count = Math.max(-1, ...domainOf) + 1;
  return Array.from({ length: count }, (_, k) => {
    const members = res.flatMap((_, i) => (domainOf[i] === k ? [i] : []));
    const segs: { chain: string; start: number; end: number }[] = [];
    for (const i of members) {
      const last = segs[segs.length - 1];
      if (last && i > 0 && domainOf[i - 1] === k && res[i - 1]!.chain === res[i]!.chain) last.end = res[i]!.resSeq;
      else segs.push({ chain: res[i]!.chain, start: res[i]!.resSeq, end: res[i]!.resSeq });
    }
    const p = members.map((i) => res[i]!.plddt).filter((x): x is number => x !== null);
    return {
      segments: segs,
      residues: members.length,
      meanPlddt: p.length ? mean(p) : null,
      meanPaeA: meanPaeBetween(pae, members, members),
    };
  });
}

/** A hinge per pair of domains the chain passes between whose mutual PAE is high: the first linker, once. */
function hinges(res: Residue[], pae: Pae, domainOf: Int32Array, count: number): Hinge[] {
  const members = Array.from({ length: count }, (_, k) => res.flatMap((_, i) => (domainOf[i] === k ? [i] : [])));
  const seen = new Map<string, Hinge>();
  let prev = -1;
  res.forEach((r, i) => {
    const dom = domainOf[i]!;
    if (dom < 0) return;
    if (prev >= 0 && domainOf[prev] !== dom && res[prev]!.chain === r.chain) {
      const pair: [number, number] = [Math.min(domainOf[prev]!, dom), Math.max(domainOf[prev]!, dom)];
      const key = pair.join('-');
      const h = seen.get(key);
      if (h) h.crossings++;
      else {
        const between = meanPaeBetween(pae, members[pair[0]]!, members[pair[1]]!);
        const linker = i - prev > 1 ? [res[prev + 1]!, res[i - 1]!] : [res[prev]!, r];
        seen.set(key, {
          chain: r.chain,
          residue: res[Math.floor((prev + i) / 2)]!.resSeq,
          domains: pair,
          reason: '',
          linkerStart: linker[0]!.resSeq,
          linkerEnd: linker[1]!.resSeq,
          crossings: 1,
          interDomainPaeA: between,
          basis: basis(members[pair[0]]!.length * members[pair[1]]!.length, 'residue pairs'),
        });
      }
    }
    prev = i;
  });
  return [...seen.values()]
    .filter((h) => h.interDomainPaeA >= CONSTRUCT.hingePaeA)
    .map((h) => ({
      ...h,
      reason:
        `between domains ${h.domains[0] + 1} and ${h.domains[1] + 1}: mean inter-domain PAE ` +
        `${h.interDomainPaeA.toFixed(1)} Å (≥ ${CONSTRUCT.hingePaeA} Å: their relative placement is not determined); ` +
        `linker ${h.chain} ${h.linkerStart}–${h.linkerEnd}` +
        (h.crossings > 1 ? ` (the chain crosses between them ${h.crossings} times)` : '') +
        ': a candidate for a disulfide or proline lock, or a shorter linker',
    }));
}

function agreement(
  disordered: Segment[],
  locres: (Residue & { localResolutionA: number | null })[],
): ConstructAdvice['agreement'] {
  const all = locres
    .map((r) => r.localResolutionA)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  if (!all.length) return [];
  const median = all[Math.floor(all.length / 2)]!;
  return disordered.flatMap((s) => {
    const vals = locres
      .filter((r) => r.chain === s.chain && r.resSeq >= s.start && r.resSeq <= s.end && r.localResolutionA !== null)
      .map((r) => r.localResolutionA!);
    if (!vals.length) return [];
    const m = mean(vals);
    if (!(m > 1.25 * median)) return [];
    return [
      {
        chain: s.chain,
        start: s.start,
        end: s.end,
        meanPlddt: s.meanPlddt,
        localResolutionA: m,
        statement:
          `residues ${s.start}–${s.end}: pLDDT < 50 and local resolution ${m.toFixed(1)} Å (median ` +
          `${median.toFixed(1)} Å) → truncate`,
      },
    ];
  });
}
