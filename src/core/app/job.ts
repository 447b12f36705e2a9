import { nonFinitePath } from '../util/finite.js';
import type { Warning } from '../errors.js';

/** The threads, kernels and codec a front end hands every job it runs (core/parallel/compute.ts). */
export type { Compute } from '../parallel/compute.js';

/**
 * What every job takes and gives: inputs as named bytes (a path in the CLI, a dropped file's name in
 * the browser), results as plain data, outputs as named files for the front end to write or offer.
 */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** A file a job made: bytes, text, or parts written one after the other (a map's header and its data). */
export type JobOutput =
  { name: string; bytes: Uint8Array } | { name: string; text: string } | { name: string; parts: Uint8Array[] };

export interface JobResult<R> {
  result: R;
  /** Files the job made, named relative to the output folder. */
  outputs: JobOutput[];
  /** Everything noticed along the way (also inside `result.warnings` where the result has them). */
  warnings: Warning[];
}

/** JSON text of a result: non-finite numbers become null (JSON has no NaN or Infinity). */
export function jsonText(value: unknown): string {
  // Absent values are null; a NaN or Infinity reaching here is a bug in an analysis: refused, naming the field.
  const bad = nonFinitePath(value);
  if (bad) throw new Error(`internal check: JSON would hold a non-finite number at ${bad}`);
  return JSON.stringify(value, null, 1);
}

/** The same value after a round trip through jsonText: what `--json` prints and the browser shows. */
export function asJson<T>(value: T): T {
  return JSON.parse(jsonText(value)) as T;
}

/** Warnings without repeats (the same message reached through two analyses). */
export function uniqueWarnings(list: Warning[]): Warning[] {
  const seen = new Set<string>();
  return list.filter((w) => (seen.has(w.message) ? false : (seen.add(w.message), true)));
}
