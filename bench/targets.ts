/**
 * The issue-19 targets, gathered across the benchmark scripts of one `npm run bench` and printed
 * together at the end by bench/summary.ts. Each script records what it measured; a record is a
 * JSON line in BENCH_RECORD (default: a file in the system's temp folder, emptied by summary.ts).
 */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RECORD_FILE = process.env['BENCH_RECORD'] ?? join(tmpdir(), 'cryodx-bench-targets.jsonl');

export interface TargetRow {
  what: string;
  cryodxS: number | null;
  /** The reference's name and time; null for a target in seconds. */
  reference: string | null;
  referenceS: number | null;
  /** Pass when cryodx ÷ reference ≤ maxRatio (or cryodx ≤ maxSeconds without a reference). */
  maxRatio?: number;
  maxSeconds?: number;
}

export function recordTarget(row: TargetRow): void {
  appendFileSync(RECORD_FILE, JSON.stringify(row) + '\n');
}
