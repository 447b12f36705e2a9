import { decodeText } from './bytes.js';
import { FormatError, type Warning } from '../errors.js';
import { readStructure } from './structure.js';

/**
 * Smaller formats users hand over with their maps: the EMDB FSC XML and atomic models whose B column may hold
 * AlphaFold's pLDDT (particle picks: processing/picks.ts).
 */

/** EMDB FSC XML: <fsc title=…><coordinate><x>1/Å</x><y>FSC</y></coordinate>…</fsc> (RELION's _fsc.xml). */
export function readFscXml(bytes: Uint8Array, source: string): { title: string | null; x: number[]; y: number[] } {
  const text = decodeText(bytes);
  if (!/<fsc[\s>]/.test(text))
    throw new FormatError('not an FSC XML file', { source, expected: 'an <fsc> root element (EMDB FSC XML)' });
  const title = /<fsc[^>]*\btitle="([^"]*)"/.exec(text)?.[1] ?? null;
  const x: number[] = [],
    y: number[] = [];
  for (const m of text.matchAll(/<coordinate>\s*<x>\s*([^<]+?)\s*<\/x>\s*<y>\s*([^<]+?)\s*<\/y>\s*<\/coordinate>/g)) {
    x.push(Number(m[1]));
    y.push(Number(m[2]));
  }
  if (!x.length || x.some((v) => !Number.isFinite(v)) || y.some((v) => !Number.isFinite(v))) {
    throw new FormatError('no numeric <coordinate> points', {
      source,
      expected: '<coordinate><x>…</x><y>…</y></coordinate> rows',
    });
  }
  return { title, x, y };
}

/**
 * The resolution (Å) where a curve first falls below a threshold, interpolated linearly in 1/Å; null if it never
 * does.
 */
export function crossingA(x: number[], y: number[], threshold: number): number | null {
  for (let i = 1; i < y.length; i++) {
    if (y[i]! < threshold && y[i - 1]! >= threshold) {
      const t = (y[i - 1]! - threshold) / (y[i - 1]! - y[i]!);
      const k = x[i - 1]! + t * (x[i]! - x[i - 1]!);
      return k > 0 ? 1 / k : null;
    }
  }
  return null;
}

export interface ModelSummary {
  atoms: number;
  residues: number;
  chains: string[];
  bRange: [number, number];
  /** When the B column holds AlphaFold's pLDDT (0–100, higher is better): its mean over Cα and the share below 70. */
  plddt: { meanCa: number; fractionBelow70: number; fractionBelow50: number } | null;
}

/** A model (PDB or mmCIF, io/structure.ts); an AlphaFold model is recognised by its header or its pLDDT records. */
export function summarizeModel(bytes: Uint8Array, source: string): { summary: ModelSummary; warnings: Warning[] } {
  const st = readStructure(bytes, source);
  const b = st.atoms.map((a) => a.bfactorA2);
  const chains = new Set(st.atoms.map((a) => a.chain || '_'));
  const ca = st.residues.map((r) => r.plddt).filter((x): x is number => x !== null);
  const plddt =
    st.predicted && ca.length
      ? {
          meanCa: ca.reduce((s, v) => s + v, 0) / ca.length,
          fractionBelow70: ca.filter((v) => v < 70).length / ca.length,
          fractionBelow50: ca.filter((v) => v < 50).length / ca.length,
        }
      : null;
  const residues = { size: st.residues.length };
  const warnings: Warning[] = [];
  if (plddt && plddt.fractionBelow50 > 0.1) {
    warnings.push({
      code: 'low-plddt',
      message:
        `${source}: ${(100 * plddt.fractionBelow50).toFixed(0)} % of residues have pLDDT < 50 (AlphaFold's ` +
        `"likely disordered"): expect no density for them`,
    });
  }
  return {
    summary: {
      atoms: b.length,
      residues: residues.size,
      chains: [...chains],
      bRange: [Math.min(...b), Math.max(...b)] as [number, number],
      plddt,
    },
    warnings,
  };
}
