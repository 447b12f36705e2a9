import { decodeText } from './bytes.js';
import { FormatError, type Warning } from '../errors.js';

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

/** A PDB-format model; an AlphaFold model is recognised by its header or by a B column that reads as pLDDT. */
export function summarizeModel(bytes: Uint8Array, source: string): { summary: ModelSummary; warnings: Warning[] } {
  const text = decodeText(bytes);
  const chains = new Set<string>(),
    residues = new Set<string>();
  const b: number[] = [],
    caB: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('ATOM  ') && !line.startsWith('HETATM')) continue;
    const bf = Number(line.slice(60, 66));
    if (!Number.isFinite(bf)) continue;
    b.push(bf);
    chains.add(line.slice(21, 22).trim() || '_');
    residues.add(`${line.slice(21, 22)}:${line.slice(22, 27)}`);
    if (line.slice(12, 16).trim() === 'CA') caB.push(bf);
  }
  if (!b.length) throw new FormatError('no atoms', { source, expected: 'ATOM records (PDB format)' });
  const alphafold =
    /ALPHAFOLD|AF-[A-Z0-9]+-F\d/i.test(text.slice(0, 4000)) ||
    (b.every((v) => v >= 0 && v <= 100) && caB.length > 0 && /pLDDT/i.test(text.slice(0, 4000)));
  const ca = caB.length ? caB : b;
  const plddt = alphafold
    ? {
        meanCa: ca.reduce((s, v) => s + v, 0) / ca.length,
        fractionBelow70: ca.filter((v) => v < 70).length / ca.length,
        fractionBelow50: ca.filter((v) => v < 50).length / ca.length,
      }
    : null;
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
      bRange: [Math.min(...b), Math.max(...b)],
      plddt,
    },
    warnings,
  };
}
