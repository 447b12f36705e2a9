import type { Pae } from '../../io/pae.js';

/**
 * Domains from AlphaFold's PAE as ChimeraX (`alphafold pae … cluster`) and Croll's pae_to_domains do: a graph with
 * an edge between residues i and j when their PAE is below a cutoff, weighted 1/PAE, on the symmetrised matrix
 * min(PAE, PAEᵀ), clustered by greedy modularity (Clauset, Newman & Moore 2004; resolution γ); clusters smaller
 * than the minimum domain size are left unassigned. Defaults: cutoff 5 Å, γ = 1, minimum size 10 (ChimeraX's).
 * Long sequences are clustered in blocks of consecutive residues (mean PAE within a block pair), so that the
 * greedy merge stays fast; a domain boundary is then placed to within one block.
 */
export const PAE_DOMAIN_DEFAULTS = { cutoffA: 5, resolution: 0.5, minSize: 10, maxNodes: 600 };

export interface PaeDomains {
  /** Per residue (0-based index into the PAE), its domain (0-based) or −1 when unassigned. */
  domainOf: Int32Array;
  domains: number;
  blockSize: number;
}

export function paeDomains(pae: Pae, o: Partial<typeof PAE_DOMAIN_DEFAULTS> = {}): PaeDomains {
  const { cutoffA, resolution, minSize, maxNodes } = { ...PAE_DOMAIN_DEFAULTS, ...o };
  const n = pae.n;
  const block = Math.max(1, Math.ceil(n / maxNodes));
  const nb = Math.ceil(n / block);
  // Block-averaged symmetric PAE.
  const w = new Float64Array(nb * nb);
  const cnt = new Float64Array(nb * nb);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = Math.min(pae.values[i * n + j]!, pae.values[j * n + i]!);
      const k = Math.floor(i / block) * nb + Math.floor(j / block);
      w[k] = w[k]! + v;
      cnt[k] = cnt[k]! + 1;
    }
  const adj: Map<number, number>[] = Array.from({ length: nb }, () => new Map());
  let m = 0;
  for (let a = 0; a < nb; a++)
    for (let b = a + 1; b < nb; b++) {
      const mean = w[a * nb + b]! / cnt[a * nb + b]!;
      if (mean >= cutoffA) continue;
      const weight = 1 / Math.max(mean, 0.1);
      adj[a]!.set(b, weight);
      adj[b]!.set(a, weight);
      m += weight;
    }
  const community = greedyModularity(adj, m, resolution);
  // Clusters in residues; the small ones unassigned; numbered by first residue.
  const size = new Map<number, number>();
  community.forEach((c) => size.set(c, (size.get(c) ?? 0) + block));
  const order = new Map<number, number>();
  const domainOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const c = community[Math.floor(i / block)]!;
    if ((size.get(c) ?? 0) < minSize || adj[Math.floor(i / block)]!.size === 0) continue;
    if (!order.has(c)) order.set(c, order.size);
    domainOf[i] = order.get(c)!;
  }
  return { domainOf, domains: order.size, blockSize: block };
}

/** Greedy agglomerative modularity: merge the pair of communities with the largest gain while it is positive. */
export function greedyModularity(adj: Map<number, number>[], m: number, resolution = 1): Int32Array {
  const n = adj.length;
  const label = Int32Array.from({ length: n }, (_, i) => i);
  if (m <= 0) return label;
  // Community graph: weights between communities and each community's degree.
  const links: Map<number, number>[] = adj.map((a) => new Map(a));
  const degree = adj.map((a) => [...a.values()].reduce((s, x) => s + x, 0));
  const alive = new Set(Array.from({ length: n }, (_, i) => i));
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  for (;;) {
    let best = 0,
      ba = -1,
      bb = -1;
    for (const a of alive)
      for (const [b, wab] of links[a]!) {
        if (b <= a) continue;
        const gain = wab / m - (resolution * degree[a]! * degree[b]!) / (2 * m * m);
        if (gain > best) {
          best = gain;
          ba = a;
          bb = b;
        }
      }
    if (ba < 0) break;
    // Merge bb into ba.
    for (const [c, wbc] of links[bb]!) {
      if (c === ba) continue;
      links[ba]!.set(c, (links[ba]!.get(c) ?? 0) + wbc);
      links[c]!.delete(bb);
      links[c]!.set(ba, (links[c]!.get(ba) ?? 0) + wbc);
    }
    links[ba]!.delete(bb);
    degree[ba] = degree[ba]! + degree[bb]!;
    members[ba]!.push(...members[bb]!);
    alive.delete(bb);
  }
  for (const c of alive) for (const i of members[c]!) label[i] = c;
  return label;
}
