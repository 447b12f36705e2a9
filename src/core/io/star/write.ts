import { finiteOut } from '../../util/finite.js';
import type { StarDocument } from './read.js';

export type StarColumnValues = ArrayLike<number> | readonly string[];

export interface StarTableOut {
  name: string;
  pairs?: ReadonlyArray<readonly [string, string | number]>;
  loop?: { columns: readonly string[]; values: readonly StarColumnValues[] };
}

/**
 * Writes STAR text RELION reads: `data_` blocks, key–value pairs, `loop_` with `_name #n` headers,
 * one row per line. Numbers use the shortest text that reads back to the same double.
 */
export function writeStar(tables: readonly StarTableOut[]): string {
  const parts: string[] = [];
  for (const t of tables) {
    parts.push(`\n# version 30001 (cryodx)\n\ndata_${t.name}\n\n`);
    for (const [k, v] of t.pairs ?? []) parts.push(`_${k.replace(/^_/, '')} ${formatValue(checked(v, k))}\n`);
    if (t.loop) parts.push(writeLoop(t.loop.columns, t.loop.values));
    parts.push('\n');
  }
  return parts.join('');
}

function writeLoop(columns: readonly string[], values: readonly StarColumnValues[]): string {
  if (values.length !== columns.length)
    throw new RangeError(`STAR writer: ${columns.length} columns but ${values.length} value arrays`);
  const rows = values.length ? values[0]!.length : 0;
  for (const [i, v] of values.entries()) {
    if (v.length !== rows)
      throw new RangeError(`STAR writer: column _${columns[i]} has ${v.length} values, expected ${rows}`);
  }
  const out: string[] = ['loop_\n'];
  columns.forEach((c, i) => out.push(`_${c.replace(/^_/, '')} #${i + 1}\n`));
  const cells = new Array<string>(columns.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++) cells[c] = formatValue(checked(values[c]![r]!, columns[c]!, r));
    out.push(cells.join(' '), '\n');
  }
  return out.join('');
}

/** A number written to a STAR file must be finite: NaN or ±inf from an analysis is an internal error naming it. */
function checked(v: string | number, name: string, row?: number): string | number {
  if (typeof v === 'number')
    finiteOut('STAR writer', `_${name.replace(/^_/, '')}${row !== undefined ? ` row ${row + 1}` : ''}`, v);
  return v;
}

export function formatValue(v: string | number): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf';
  if (v === '' || /[\s]/.test(v) || /^(_|#|data_|loop_|save_|global_|stop_|'|")/.test(v)) {
    return v.includes('"') ? `'${v}'` : `"${v}"`;
  }
  return v;
}

/** The parsed document as writer input, keeping every value's text as read (lossless). */
export function documentToTables(doc: StarDocument): StarTableOut[] {
  return doc.blocks.map((b) => ({
    name: b.name,
    pairs: [...b.pairs.entries()],
    ...(b.loop ? { loop: { columns: b.loop.columns, values: b.loop.columns.map((c) => b.loop!.strings(c)) } } : {}),
  }));
}
