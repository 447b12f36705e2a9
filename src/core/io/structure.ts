import { asBytes, decodeText, maybeGunzip } from './bytes.js';
import { FormatError } from '../errors.js';
import { ATOMIC_B_A2, OCCUPANCY, describeRange, type FieldRange } from './fields.js';

/**
 * Atomic models from PDB (wwPDB v3.3 fixed columns) or mmCIF (`_atom_site`), the first model only. AlphaFold writes
 * pLDDT in the B column of both, and in mmCIF also per residue in `_ma_qa_metric_local` (ModelCIF); the latter,
 * when present, is what `plddt` holds.
 */
export interface Atom {
  /** Element symbol, upper case ("C", "SE"). */
  element: string;
  name: string;
  resName: string;
  chain: string;
  resSeq: number;
  insCode: string;
  xA: number;
  yA: number;
  zA: number;
  occupancy: number;
  bfactorA2: number;
  hetero: boolean;
}

export interface Residue {
  chain: string;
  resSeq: number;
  insCode: string;
  resName: string;
  /** Indices into `atoms`. */
  atoms: number[];
  /** pLDDT (0–100) for AlphaFold models, else null. */
  plddt: number | null;
}

export interface Structure {
  source: string;
  format: 'PDB' | 'mmCIF';
  atoms: Atom[];
  residues: Residue[];
  /** True when the file says it is an AlphaFold (or ModelCIF) prediction: B is then pLDDT. */
  predicted: boolean;
}

export function readStructure(input: ArrayBuffer | ArrayBufferView | string, source: string): Structure {
  const text = typeof input === 'string' ? input : decodeText(maybeGunzip(asBytes(input), source));
  const cif = /^\s*data_/m.test(text.slice(0, 2000)) && text.includes('_atom_site.');
  const { atoms, plddt } = cif ? readCif(text, source) : { atoms: readPdbAtoms(text, source), plddt: null };
  if (!atoms.length)
    throw new FormatError('no atoms', { source, expected: cif ? 'an _atom_site loop' : 'ATOM or HETATM records' });
  const predicted =
    plddt !== null ||
    /ALPHAFOLD|AF-[A-Z0-9]+-F\d|_ma_qa_metric|COLABFOLD/i.test(text.slice(0, 20000)) ||
    /pLDDT/i.test(text.slice(0, 5000));
  const residues = residuesOf(atoms, predicted, plddt);
  checkPlddt(residues, source);
  return { source, format: cif ? 'mmCIF' : 'PDB', atoms, residues, predicted };
}

function residuesOf(atoms: Atom[], predicted: boolean, plddt: Map<string, number> | null): Residue[] {
  const out: Residue[] = [];
  let last = '';
  atoms.forEach((a, i) => {
    const key = `${a.chain}:${a.resSeq}:${a.insCode}`;
    if (key !== last) {
      out.push({ chain: a.chain, resSeq: a.resSeq, insCode: a.insCode, resName: a.resName, atoms: [], plddt: null });
      last = key;
    }
    out[out.length - 1]!.atoms.push(i);
  });
  if (predicted) for (const r of out) r.plddt = plddt?.get(`${r.chain}:${r.resSeq}`) ?? anchorAtom(atoms, r).bfactorA2;
  return out;
}

/** pLDDT is a confidence from 0 to 100. */
export const PLDDT: FieldRange = { min: 0, max: 100 };

/**
 * Residues' pLDDT checked against its range: a B column of −50 or 999 999 is not pLDDT (a refined model, a
 * damaged file), and reading it as one would advise truncating everything. Refused naming the residue.
 */
export function checkPlddt(residues: readonly Residue[], source: string): void {
  for (const r of residues) {
    if (r.plddt === null || (r.plddt >= PLDDT.min && r.plddt <= PLDDT.max)) continue;
    throw new FormatError('pLDDT out of range', {
      source,
      field: `residue ${r.chain} ${r.resName} ${r.resSeq}${r.insCode}`,
      found: String(r.plddt),
      expected: describeRange(PLDDT),
      hint: 'The B column of this model does not hold pLDDT: give the predicted model (AlphaFold, ColabFold)',
    });
  }
}

/** The atom that stands for a residue: its Cα, else its first atom (a ligand, an ion, a nucleotide). */
export function anchorAtom(atoms: Atom[], r: Residue): Atom {
  return atoms[r.atoms.find((i) => atoms[i]!.name === 'CA') ?? r.atoms[0]!]!;
}

function readPdbAtoms(text: string, source: string): Atom[] {
  const atoms: Atom[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('ENDMDL')) break;
    const hetero = line.startsWith('HETATM');
    if (!hetero && !line.startsWith('ATOM  ')) continue;
    const num = (a: number, b: number, field: string): number => {
      const t = line.slice(a - 1, b);
      const v = Number(t);
      if (!Number.isFinite(v) || t.trim() === '')
        throw new FormatError('value is not a number', {
          source,
          line: i + 1,
          field,
          found: JSON.stringify(t),
          expected: `a number in columns ${a}–${b}`,
        });
      return v;
    };
    const ranged = (a: number, b: number, field: string, range: FieldRange): number => {
      const v = num(a, b, field);
      if (v >= range.min && v <= range.max) return v;
      throw new FormatError('value out of range', {
        source,
        line: i + 1,
        field: `${field}, columns ${a}–${b}`,
        found: line.slice(a - 1, b).trim(),
        expected: describeRange(range),
      });
    };
    const name = line.slice(12, 16).trim();
    const resName = line.slice(17, 20).trim();
    atoms.push({
      element: elementOf(line.slice(76, 78).trim(), name, resName),
      name,
      resName,
      chain: line.slice(21, 22).trim(),
      resSeq: num(23, 26, 'resSeq'),
      insCode: line.slice(26, 27).trim(),
      xA: num(31, 38, 'x'),
      yA: num(39, 46, 'y'),
      zA: num(47, 54, 'z'),
      occupancy: line.length >= 60 && line.slice(54, 60).trim() ? ranged(55, 60, 'occupancy', OCCUPANCY) : 1,
      bfactorA2: line.length >= 66 && line.slice(60, 66).trim() ? ranged(61, 66, 'B', ATOMIC_B_A2) : 0,
      hetero,
    });
  }
  return atoms;
}

/** The element column when given, else from the atom name (the first letters of a protein atom name). */
function elementOf(given: string, name: string, resName: string): string {
  if (given) return given.replace(/[^A-Za-z]/g, '').toUpperCase();
  const letters = name.replace(/[^A-Za-z]/g, '').toUpperCase();
  // Two-letter elements only when the atom is its own residue (ions: ZN, MG, CA as calcium).
  if (letters.length >= 2 && letters.slice(0, 2) === resName.toUpperCase()) return letters.slice(0, 2);
  return letters.slice(0, 1);
}

/** CIF tokens of a line: whitespace separated, quoted strings ('…' or "…") kept whole. */
function cifTokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    const q = line[i];
    if (q === "'" || q === '"') {
      let j = i + 1;
      while (j < line.length && !(line[j] === q && (j + 1 === line.length || /\s/.test(line[j + 1]!)))) j++;
      out.push(line.slice(i + 1, j));
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !/\s/.test(line[j]!)) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The loops of a CIF file whose tags start with `category` ("_atom_site."): columns and rows of values. */
function cifLoop(lines: string[], category: string, source: string): { cols: string[]; rows: string[][] } | null {
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== 'loop_' || !lines[i + 1]?.trim().startsWith(category)) continue;
    const cols: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim().startsWith('_')) cols.push(lines[j++]!.trim().slice(category.length));
    const rows: string[][] = [];
    let pending: string[] = [];
    for (; j < lines.length; j++) {
      const t = lines[j]!.trim();
      if (t === '' || t.startsWith('#')) {
        if (pending.length === 0) break;
        continue;
      }
      if (t === 'loop_' || t.startsWith('_') || t.startsWith('data_')) break;
      if (t.startsWith(';'))
        throw new FormatError('a multi-line text field inside a loop', { source, line: j + 1, field: category });
      pending.push(...cifTokens(lines[j]!));
      while (pending.length >= cols.length) {
        rows.push(pending.slice(0, cols.length));
        pending = pending.slice(cols.length);
      }
    }
    return { cols, rows };
  }
  return null;
}

function readCif(text: string, source: string): { atoms: Atom[]; plddt: Map<string, number> | null } {
  const lines = text.split(/\r?\n/);
  const loop = cifLoop(lines, '_atom_site.', source);
  if (!loop) return { atoms: [], plddt: null };
  const at = (c: string): number => loop.cols.indexOf(c);
  const need = ['Cartn_x', 'Cartn_y', 'Cartn_z'];
  for (const c of need) if (at(c) < 0) throw new FormatError('column is missing', { source, field: `_atom_site.${c}` });
  const pick = (row: string[], ...names: string[]): string => {
    for (const n of names) {
      const k = at(n);
      if (k >= 0 && row[k] !== '?' && row[k] !== '.') return row[k]!;
    }
    return '';
  };
  const atoms: Atom[] = [];
  let model: string | null = null;
  for (const row of loop.rows) {
    const m = pick(row, 'pdbx_PDB_model_num');
    model ??= m;
    if (m !== model) break;
    const name = pick(row, 'auth_atom_id', 'label_atom_id');
    const resName = pick(row, 'auth_comp_id', 'label_comp_id');
    const ranged = (c: string, range: FieldRange): number => {
      const v = Number(pick(row, c));
      if (v >= range.min && v <= range.max) return v;
      throw new FormatError('value out of range', {
        source,
        field: `_atom_site.${c}`,
        found: pick(row, c),
        expected: describeRange(range),
      });
    };
    const num = (c: string): number => {
      const v = Number(pick(row, c));
      if (!Number.isFinite(v)) throw new FormatError('value is not a number', { source, field: `_atom_site.${c}` });
      return v;
    };
    atoms.push({
      element: elementOf(pick(row, 'type_symbol'), name, resName),
      name,
      resName,
      chain: pick(row, 'auth_asym_id', 'label_asym_id'),
      resSeq: Number(pick(row, 'auth_seq_id', 'label_seq_id')) || 0,
      insCode: pick(row, 'pdbx_PDB_ins_code'),
      xA: num('Cartn_x'),
      yA: num('Cartn_y'),
      zA: num('Cartn_z'),
      occupancy: pick(row, 'occupancy') ? ranged('occupancy', OCCUPANCY) : 1,
      bfactorA2: pick(row, 'B_iso_or_equiv') ? ranged('B_iso_or_equiv', ATOMIC_B_A2) : 0,
      hetero: pick(row, 'group_PDB') === 'HETATM',
    });
  }
  // ModelCIF: pLDDT per residue, keyed by label_asym_id and label_seq_id; mapped to the atoms' chains below.
  const qa = cifLoop(lines, '_ma_qa_metric_local.', source);
  let plddt: Map<string, number> | null = null;
  if (qa) {
    const [ci, si, vi] = ['label_asym_id', 'label_seq_id', 'metric_value'].map((c) => qa.cols.indexOf(c));
    if (ci! >= 0 && si! >= 0 && vi! >= 0) {
      // label → auth chain and numbering, from the atoms themselves.
      const map = new Map<string, string>();
      loop.rows.forEach((row, i) => {
        const a = atoms[i];
        if (a) map.set(`${pick(row, 'label_asym_id')}:${pick(row, 'label_seq_id')}`, `${a.chain}:${a.resSeq}`);
      });
      plddt = new Map(qa.rows.map((r) => [map.get(`${r[ci!]}:${r[si!]}`) ?? `${r[ci!]}:${r[si!]}`, Number(r[vi!])]));
      // a missing value ('?', '.') or text is not a pLDDT: NaN here, refused by checkPlddt with its residue
    }
  }
  return { atoms, plddt };
}
