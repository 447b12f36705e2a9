import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, textOf } from '../../../../test/paths.js';
import { readMrc } from '../../io/mrc/read.js';
import { readPae } from '../../io/pae.js';
import { readStructure, type Residue } from '../../io/structure.js';
import { createVolume } from '../../model/volume.js';
import { gaussianRandom, seededRandom } from '../../util/random.js';
import { constructAdvice } from './construct.js';
import { targetingPeptide } from './targeting.js';
import { paeDomains } from './domains.js';
import { fscFromSums } from '../fsc/shells.js';
import { fscBetween, mapModelFsc, overfittingVerdict, shellSumsBetween } from './map-model.js';
import { modelMap } from './model-map.js';
import { expectedQ, qScores } from './qscore.js';

const st = readStructure(textOf(fixture('model', 'fragment.pdb')), 'fragment.pdb');
const gemmi = readMrc(bytesOf(fixture('model', 'gemmi_density.mrc')), { source: 'gemmi_density.mrc' }).volume;
const GRID = {
  nx: 48,
  ny: 48,
  nz: 48,
  originA: [0, 0, 0] as [number, number, number],
  startVoxel: [0, 0, 0] as [number, number, number],
  pixelSizeA: 1,
};

const ONE_TO_THREE: Record<string, string> = Object.fromEntries(
  Object.entries({
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
  }).map(([three, one]) => [one, three]),
);

function noisy(data: Float32Array, sigma: number, seed: number): Float32Array {
  const g = gaussianRandom(seededRandom(seed));
  return data.map((v) => v + sigma * g());
}

describe('model map', () => {
  it('equals gemmi’s DensityCalculatorE on the same grid (1TII fragment, 48³, 1 Å)', () => {
    const { data } = modelMap(st.atoms, GRID);
    let max = 0,
      diff = 0;
    for (let i = 0; i < data.length; i++) {
      max = Math.max(max, Math.abs(gemmi.data[i]!));
      diff = Math.max(diff, Math.abs(data[i]! - gemmi.data[i]!));
    }
    expect(diff / max).toBeLessThan(1e-4);
  });

  it('the same atoms placed by the map’s origin and start: a shifted grid gives the shifted map', () => {
    const shifted = st.atoms.map((a) => ({ ...a, xA: a.xA + 10, yA: a.yA - 4, zA: a.zA + 2 }));
    const a = modelMap(st.atoms, GRID).data;
    const b = modelMap(shifted, { ...GRID, originA: [8, -4, 0], startVoxel: [2, 0, 2] }).data;
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
    expect(d).toBeLessThan(1e-5);
  });

  it('mmCIF and PDB of the same model (both written by gemmi) give the same atoms and residues', () => {
    const cif = readStructure(textOf(fixture('model', 'fragment.cif')), 'fragment.cif');
    expect(cif.format).toBe('mmCIF');
    expect(cif.atoms.length).toBe(st.atoms.length);
    cif.atoms.forEach((a, i) => {
      const p = st.atoms[i]!;
      expect([a.element, a.name, a.resName, a.chain, a.resSeq]).toEqual([
        p.element,
        p.name,
        p.resName,
        p.chain,
        p.resSeq,
      ]);
      expect(Math.abs(a.xA - p.xA) + Math.abs(a.yA - p.yA) + Math.abs(a.zA - p.zA)).toBeLessThan(2e-3);
    });
    expect(cif.residues.length).toBe(40);
  });
});

describe('map–model FSC', () => {
  const map = createVolume(48, 48, 48, [1, 1, 1], noisy(gemmi.data, 0.05, 7));

  it('the model map matches the noise-free map (FSC ≥ 0.9 to 4 Å); masked ≥ unmasked; crossings', () => {
    const r = mapModelFsc(map, st.atoms, { pixelSizeA: 1 });
    const clean = fscBetween(gemmi.data, r.modelMap, 48);
    for (let s = 1; s <= 12; s++) expect(clean[s]!, `shell ${s} (${(48 / s).toFixed(1)} Å)`).toBeGreaterThan(0.9);
    const hi = r.result.shells.slice(8, 20);
    expect(hi.every((x) => x.fscMapModelMasked >= x.fscMapModel - 1e-6)).toBe(true);
    expect(r.result.crossings.masked.fsc05A).not.toBeNull();
    expect(r.result.overfitting.verdict).toBe('not measured');
  });

  it('overfitting: a model that took half 1’s noise is caught; an honest one is not', () => {
    const truth = gemmi.data;
    const n1 = noisy(new Float32Array(truth.length), 0.3, 11),
      n2 = noisy(new Float32Array(truth.length), 0.3, 12);
    const h1 = truth.map((v, i) => v + n1[i]!),
      h2 = truth.map((v, i) => v + n2[i]!);
    const honest = truth;
    const overfit = truth.map((v, i) => v + 0.5 * n1[i]!);
    const judge = (m: Float32Array) => {
      const work = shellSumsBetween(h1, m, 48);
      return overfittingVerdict(fscFromSums(work), fscBetween(h2, m, 48), 8, work.fullCount);
    };
    expect(judge(honest).verdict).toBe('not overfitted');
    expect(judge(overfit).verdict).toBe('overfitted');
    expect(judge(overfit).meanWorkMinusFree!).toBeGreaterThan(0.1);
  });
});

describe('construct advice', () => {
  const residues: Residue[] = Array.from({ length: 120 }, (_, i) => ({
    chain: 'A',
    resSeq: i + 1,
    insCode: '',
    resName: 'ALA',
    atoms: [],
    // N-terminal tail 1–12 disordered, loop 71–80 disordered, the rest confident.
    plddt: i < 12 ? 30 : i >= 70 && i < 80 ? 40 : 90,
  }));
  // Two domains built by hand: residues 1–60 and 61–120, 2 Å within, 22 Å between.
  const n = 120;
  const pae = {
    n,
    maxA: 31.75,
    values: Float32Array.from({ length: n * n }, (_, k) => (((k / n) | 0) < 60 === k % n < 60 ? 2 : 22)),
  };

  it('PAE domains among confident residues and the hinge between them; the tail and the loop proposed whole', () => {
    const d = paeDomains(pae);
    expect(d.domains).toBe(2);
    expect(new Set(d.domainOf.slice(0, 60))).toEqual(new Set([0]));
    expect(new Set(d.domainOf.slice(60))).toEqual(new Set([1]));
    const a = constructAdvice(residues, pae);
    expect(a.truncations.map((t) => [t.start, t.end, t.kind])).toEqual([
      [1, 12, 'N-terminal'],
      [71, 80, 'internal'],
    ]);
    expect(a.truncations[0]!.reason).toMatch(/N-terminal 12 residues, pLDDT 30–30 \(mean 30\).*likely disordered/);
    expect(a.truncations[0]!.basis).toEqual({ count: 12, of: 'residues' });
    // The disordered tail and loop belong to no domain.
    expect(a.domains.map((x) => x.segments)).toEqual([
      [{ chain: 'A', start: 13, end: 60 }],
      [
        { chain: 'A', start: 61, end: 70 },
        { chain: 'A', start: 81, end: 120 },
      ],
    ]);
    expect(a.hinges).toHaveLength(1);
    expect([a.hinges[0]!.linkerStart, a.hinges[0]!.linkerEnd]).toEqual([60, 61]);
    expect(a.hinges[0]!.interDomainPaeA).toBeCloseTo(22, 5);
  });

  /** A chain with pLDDT per residue and a PAE built from blocks: pae(i, j) for 0-based indices. */
  const model = (plddt: number[], seq?: string): Residue[] =>
    plddt.map((p, i) => ({
      chain: 'A',
      resSeq: i + 1,
      insCode: '',
      resName: seq ? ONE_TO_THREE[seq[i]!]! : 'ALA',
      atoms: [],
      plddt: p,
    }));
  const paeOf = (n: number, f: (i: number, j: number) => number) => ({
    n,
    maxA: 31.75,
    values: Float32Array.from({ length: n * n }, (_, k) => f((k / n) | 0, k % n)),
  });

  it('ferredoxin-like: a 49-residue low-confidence N-terminus with blips, then one compact domain', () => {
    // pLDDT 55 with blips of 76/73 (residues 4–5) and 71 (14); the domain 50–147 at 95, PAE 1–4.5 Å inside it in
    // two interleaved blocks (which greedy modularity splits: the merge joins them), 25 Å to the tail.
    const n = 147;
    const plddt = Array.from({ length: n }, (_, i) =>
      i >= 49 ? 95 : i === 3 ? 76 : i === 4 ? 73 : i === 13 ? 71 : 55,
    );
    const block = (i: number): number => Math.floor((i - 49) / 12) % 2;
    const pae = paeOf(n, (i, j) => (i < 49 || j < 49 ? 25 : block(i) === block(j) ? 1 : 4.5));
    const inner = paeOf(98, (i, j) => pae.values[(i + 49) * n + j + 49]!);
    expect(paeDomains(inner).domains).toBe(2);
    const seq = 'MAATTTTMMGMATTFVPKPQAPPMMAALPSNTGRSLFGLKTGSRGGRMT'.padEnd(n, 'AEVKLG');
    const a = constructAdvice(model(plddt, seq), pae);
    expect(a.truncations.map((t) => [t.start, t.end, t.kind, t.peptide])).toEqual([
      [1, 49, 'N-terminal', 'chloroplast transit peptide'],
    ]);
    expect(a.truncations[0]!.reason).toMatch(/express from residue 50/);
    expect(a.domains).toHaveLength(1);
    expect(a.domains[0]!.segments).toEqual([{ chain: 'A', start: 50, end: 147 }]);
    expect(a.hinges).toEqual([]);
  });

  it('a 65-residue disordered terminus with a 5-residue blip of higher pLDDT is truncated whole', () => {
    const n = 200;
    const plddt = Array.from({ length: n }, (_, i) => (i < 65 ? (i >= 30 && i < 35 ? 82 : 38) : 90));
    // The tail's residues are near one another in PAE (a disordered chain's neighbours): still no domain.
    const pae = paeOf(n, (i, j) => (i < 65 && j < 65 ? (Math.abs(i - j) < 6 ? 3 : 20) : i < 65 || j < 65 ? 28 : 2));
    const a = constructAdvice(model(plddt), pae);
    expect(a.truncations.map((t) => [t.start, t.end])).toEqual([[1, 65]]);
    expect(a.truncations[0]!.peptide).toBeNull();
    expect(a.domains.map((d) => d.segments)).toEqual([[{ chain: 'A', start: 66, end: 200 }]]);
    // Without a PAE the same: the blip is shorter than a domain.
    expect(constructAdvice(model(plddt), null).truncations.map((t) => [t.start, t.end])).toEqual([[1, 65]]);
  });

  it('a short confident run the PAE packs on the domain is kept; the low stretch before it is not cut', () => {
    const n = 100;
    // 1–10 disordered; 11–16 a confident strand packed on the domain (PAE 3 Å); 17–22 low; 23–100 the domain.
    const plddt = Array.from({ length: n }, (_, i) => (i < 10 ? 35 : i < 16 ? 88 : i < 22 ? 62 : 92));
    const pae = paeOf(n, (i, j) => (i < 10 || j < 10 ? 25 : i < 22 && j < 22 && (i >= 16 || j >= 16) ? 8 : 3));
    const a = constructAdvice(model(plddt), pae);
    expect(a.truncations.map((t) => [t.start, t.end])).toEqual([[1, 10]]);
    // Without the PAE the strand is an interruption: the whole N-terminus 1–22 goes.
    expect(constructAdvice(model(plddt), null).truncations.map((t) => [t.start, t.end])).toEqual([[1, 22]]);
  });

  it('interleaved domains with high PAE between them: one hinge per pair, with its first linker and crossings', () => {
    const n = 90;
    // Domain A: 1–30 and 61–90; domain B: 31–60 (an inserted domain): two crossings, one hinge.
    const dom = (i: number): number => (i >= 30 && i < 60 ? 1 : 0);
    const pae = paeOf(n, (i, j) => (dom(i) === dom(j) ? 2 : 18));
    const a = constructAdvice(model(new Array<number>(n).fill(92)), pae);
    expect(a.domains).toHaveLength(2);
    expect(a.hinges).toHaveLength(1);
    expect(a.hinges[0]!).toMatchObject({ domains: [0, 1], linkerStart: 30, linkerEnd: 31, crossings: 2 });
    // The same domains placed firmly (7 Å between): two domains, no hinge.
    const firm = paeOf(n, (i, j) => (dom(i) === dom(j) ? 2 : 7));
    const b = constructAdvice(model(new Array<number>(n).fill(92)), firm);
    expect(b.domains).toHaveLength(2);
    expect(b.hinges).toEqual([]);
  });

  it('targeting sequences: a signal peptide by its hydrophobic core, a transit peptide by its composition', () => {
    expect(targetingPeptide('MKKLLLAVAVLLSLSAPAQA')?.kind).toBe('signal peptide');
    expect(targetingPeptide('MAATTTTMMGMATTFVPKPQAPPMMAALPSNTGRSLFGLKTGSRGGRMT')?.kind).toBe(
      'chloroplast transit peptide',
    );
    expect(targetingPeptide('MLRTSSLFTRRVQPSLFRNILRLQST')?.kind).toBe('mitochondrial presequence');
    // Acidic, or not starting with Met: nothing named.
    expect(targetingPeptide('MSDEEDKPAEEGSDEKPTEEKSDE')).toBeNull();
    expect(targetingPeptide('AATTTTMMGMATTFVPKPQAPPMMAALPSNTGRS')).toBeNull();
  });

  it('PAE in the three layouts reads the same matrix', () => {
    const m = [
      [0, 1.5],
      [2.5, 0],
    ];
    const afdb = readPae(
      JSON.stringify([{ predicted_aligned_error: m, max_predicted_aligned_error: 31.75 }]),
      'a.json',
    );
    const old = readPae(
      JSON.stringify([{ residue1: [1, 1, 2, 2], residue2: [1, 2, 1, 2], distance: [0, 1.5, 2.5, 0] }]),
      'b.json',
    );
    const colab = readPae(JSON.stringify({ pae: m, max_pae: 31.75 }), 'c.json');
    for (const p of [afdb, old, colab]) expect(Array.from(p.values)).toEqual([0, 1.5, 2.5, 0]);
    expect(afdb.maxA).toBe(31.75);
    expect(() => readPae('{"pae": [[1, 2], [3]]}', 'd.json')).toThrow(
      /d\.json \(row 2\): the PAE matrix is not square/,
    );
  });
});

describe('Q-score', () => {
  // Isolated atoms 6 Å apart on a 0.5 Å grid.
  const n = 64,
    px = 0.5;
  const atoms = [0, 1, 2].flatMap((i) =>
    [0, 1, 2].map((j) => ({ ...st.atoms[0]!, xA: 10 + 6 * i, yA: 10 + 6 * j, zA: 16, name: 'C', element: 'C' })),
  );
  const gaussMap = (sigma: number, noise = 0): Float32Array => {
    const g = gaussianRandom(seededRandom(5));
    const d = new Float32Array(n ** 3);
    for (let z = 0, k = 0; z < n; z++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++, k++) {
          let v = 0;
          for (const a of atoms)
            v += Math.exp(-((x * px - a.xA) ** 2 + (y * px - a.yA) ** 2 + (z * px - a.zA) ** 2) / (2 * sigma * sigma));
          d[k] = v + noise * g();
        }
    return d;
  };
  const vol = (d: Float32Array) => createVolume(n, n, n, [px, px, px], d);

  it('a map made of σ = 0.6 Å Gaussians on the atoms scores 1; wider blobs less; noise about 0', () => {
    const sharp = qScores(vol(gaussMap(0.6)), px, atoms);
    const blurred = qScores(vol(gaussMap(1.5)), px, atoms);
    const noise = qScores(vol(noisy(new Float32Array(n ** 3), 1, 3)), px, atoms);
    for (const q of sharp) expect(q).toBeGreaterThan(0.99);
    for (let i = 0; i < atoms.length; i++) expect(blurred[i]!).toBeLessThan(sharp[i]! - 0.05);
    // Noise scores about 0 on average (a single atom's Q scatters: its centre counts N times, as Pintilie's).
    expect(Math.abs(noise.reduce((a, b) => a + b, 0) / noise.length)).toBeLessThan(0.2);
    expect(expectedQ(3)).toBeCloseTo(0.5867, 4);
  });
});
