/**
 * Whether a low-confidence N-terminus looks like a cleavable targeting sequence, from its composition alone — a hint
 * for the construct (the mature protein starts after it), never a prediction: SignalP / TargetP decide.
 *
 * - Signal peptide (von Heijne 1985, J Mol Biol 184:99; 1986 NAR 14:4683): 15–35 residues with a hydrophobic core
 *   (h-region) of 7–15 residues; here a window of 8 within the first 35 residues holding ≥ 7 hydrophobic residues
 *   (A, V, L, I, F, M, W, C), ≥ 3 of them L, I, V or F.
 * - Chloroplast transit peptide / mitochondrial presequence (von Heijne, Steppuhn & Herrmann 1989, Eur J Biochem
 *   180:535): 20–100 residues, (almost) no acidic residue, a positive net charge; rich in Arg (mitochondria, ≥ 10 %)
 *   or else in Ser/Thr (chloroplast, ≥ 20 %).
 */
export type TargetingPeptide =
  'signal peptide' | 'chloroplast transit peptide' | 'mitochondrial presequence' | 'targeting peptide';

export const TARGETING = {
  signal: { minLength: 15, maxLength: 35, window: 8, minHydrophobic: 7, minStrong: 3 },
  transit: {
    minLength: 20,
    maxLength: 100,
    maxAcidicFraction: 0.04,
    minNetCharge: 2,
    serThrFraction: 0.2,
    argFraction: 0.1,
  },
};

const ONE: Record<string, string> = {
  ALA: 'A',
  ARG: 'R',
  ASN: 'N',
  ASP: 'D',
  CYS: 'C',
  GLN: 'Q',
  GLU: 'E',
  GLY: 'G',
  HIS: 'H',
  ILE: 'I',
  LEU: 'L',
  LYS: 'K',
  MET: 'M',
  PHE: 'F',
  PRO: 'P',
  SER: 'S',
  THR: 'T',
  TRP: 'W',
  TYR: 'Y',
  VAL: 'V',
};

/** One-letter sequence of residue names ('X' for anything else). */
export function oneLetter(resNames: string[]): string {
  return resNames.map((r) => ONE[r.toUpperCase()] ?? 'X').join('');
}

const count = (s: string, set: string): number => [...s].filter((c) => set.includes(c)).length;

/** The composition that makes the call, for the statement. */
export interface TargetingCall {
  kind: TargetingPeptide;
  evidence: string;
}

/** What the N-terminal segment `seq` (from the first residue of the sequence, a Met) looks like, or null. */
export function targetingPeptide(seq: string): TargetingCall | null {
  if (!seq.startsWith('M')) return null;
  const s = TARGETING.signal;
  if (seq.length >= s.minLength) {
    const head = seq.slice(0, s.maxLength);
    for (let i = 0; i + s.window <= head.length; i++) {
      const w = head.slice(i, i + s.window);
      if (count(w, 'AVLIFMWC') >= s.minHydrophobic && count(w, 'LIVF') >= s.minStrong)
        return {
          kind: 'signal peptide',
          evidence: `hydrophobic core ${w} at residues ${i + 1}–${i + s.window} (von Heijne 1985)`,
        };
    }
  }
  const t = TARGETING.transit;
  if (seq.length < t.minLength || seq.length > t.maxLength) return null;
  const acidic = count(seq, 'DE'),
    basic = count(seq, 'KR');
  const st = count(seq, 'ST') / seq.length,
    arg = count(seq, 'R') / seq.length;
  if (acidic / seq.length > t.maxAcidicFraction || basic - acidic < t.minNetCharge) return null;
  // Arginine first: presequences carry Ser too, transit peptides little Arg.
  const kind: TargetingPeptide =
    arg >= t.argFraction
      ? 'mitochondrial presequence'
      : st >= t.serThrFraction
        ? 'chloroplast transit peptide'
        : 'targeting peptide';
  return {
    kind,
    evidence:
      `${acidic} acidic residue(s), net charge +${basic - acidic}, ${(100 * st).toFixed(0)} % Ser/Thr, ` +
      `${(100 * arg).toFixed(0)} % Arg (von Heijne et al. 1989)`,
  };
}
