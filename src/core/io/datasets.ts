import { FormatError } from '../errors.js';

/**
 * A facility's list of datasets for `cryodx batch`: CSV (a header row, comma-separated, double quotes around a
 * value that holds a comma) or JSON (an array of objects, or `{ "datasets": [...] }`). Columns: name, half1, half2,
 * mask, angpix; optional particles, ctf, project, microscope, date (ISO), sample, reference (yes/no).
 */
export interface Dataset {
  name: string;
  half1?: string;
  half2?: string;
  mask?: string;
  angpix?: string;
  particles?: string;
  ctf?: string;
  project?: string;
  microscope?: string;
  date?: string;
  sample?: string;
  reference?: string;
  [column: string]: string | undefined;
}

const KNOWN = [
  'name',
  'half1',
  'half2',
  'mask',
  'angpix',
  'particles',
  'ctf',
  'project',
  'microscope',
  'date',
  'sample',
  'reference',
  'sym',
];

export function readDatasets(name: string, text: string): Dataset[] {
  const rows = /\.json$/i.test(name) ? jsonRows(name, text) : csvRows(name, text);
  const seen = new Set<string>();
  rows.forEach(({ row, line }) => {
    const where = { source: name, ...(line ? { line } : {}) };
    if (!row.name) throw new FormatError('a dataset without a name', { ...where, expected: 'a value in "name"' });
    if (!/^[\w.+-]+$/.test(row.name))
      throw new FormatError('a dataset name that is not a folder name', {
        ...where,
        found: JSON.stringify(row.name),
        expected: 'letters, digits, . _ + - (it names the dataset’s report folder)',
      });
    if (seen.has(row.name)) throw new FormatError('the same name twice', { ...where, found: row.name });
    seen.add(row.name);
    if (!row.project && !(row.half1 && row.half2))
      throw new FormatError('no maps', { ...where, field: row.name, expected: 'half1 and half2, or a project' });
    if (row.angpix && !(Number(row.angpix) > 0))
      throw new FormatError('angpix is not a positive number', { ...where, field: row.name, found: row.angpix });
    if (row.date && Number.isNaN(Date.parse(row.date)))
      throw new FormatError('date is not a date', {
        ...where,
        field: row.name,
        found: row.date,
        expected: 'YYYY-MM-DD',
      });
  });
  return rows.map((r) => r.row);
}

function jsonRows(name: string, text: string): { row: Dataset; line: number }[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new FormatError('not JSON', { source: name, found: (e as Error).message });
  }
  const list = Array.isArray(v) ? v : (v as { datasets?: unknown }).datasets;
  if (!Array.isArray(list))
    throw new FormatError('no dataset list', { source: name, expected: 'an array, or { "datasets": [...] }' });
  return list.map((o) => ({
    row: Object.fromEntries(
      Object.entries(o as Record<string, unknown>).map(([k, x]) => [k, x === null ? '' : String(x)]),
    ) as Dataset,
    line: 0,
  }));
}

function csvRows(name: string, text: string): { row: Dataset; line: number }[] {
  const lines = text.split(/\r?\n/).map((l, i) => ({ l, i: i + 1 }));
  const body = lines.filter(({ l }) => l.trim() && !l.trim().startsWith('#'));
  const header = body.shift();
  if (!header) throw new FormatError('empty', { source: name, expected: 'a header row: name,half1,half2,mask,angpix' });
  const cols = splitCsv(header.l).map((c) => c.trim().toLowerCase());
  const unknown = cols.filter((c) => !KNOWN.includes(c));
  if (unknown.length)
    throw new FormatError('unknown column', {
      source: name,
      line: header.i,
      found: unknown.join(', '),
      expected: KNOWN.join(', '),
    });
  if (!cols.includes('name'))
    throw new FormatError('no name column', { source: name, line: header.i, expected: 'a "name" column' });
  return body.map(({ l, i }) => {
    const v = splitCsv(l);
    if (v.length !== cols.length)
      throw new FormatError('wrong number of values', {
        source: name,
        line: i,
        found: `${v.length}`,
        expected: `${cols.length} (as the header)`,
      });
    return { row: Object.fromEntries(cols.map((c, k) => [c, v[k]!.trim()])) as Dataset, line: i };
  });
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '',
    quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
