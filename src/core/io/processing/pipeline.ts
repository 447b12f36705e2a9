import type { StarDocument } from '../star/read.js';
import { RLN } from '../star/labels.js';

/**
 * RELION's project bookkeeping: default_pipeline.star (every job, its type and status) and each job's
 * job.star (the options it ran with). RELION 3.1 stores numeric types and statuses; 4 and 5 add text labels
 * (`rlnPipeLineProcessTypeLabel` "relion.autopick.log", `rlnPipeLineProcessStatusLabel` "Succeeded"). The
 * kind of a job is read from its folder ("AutoPick/job006/"), which every version writes the same way.
 */
export type JobStatus = 'running' | 'scheduled' | 'succeeded' | 'failed' | 'aborted' | 'unknown';

export interface PipelineJob {
  /** "AutoPick/job006" (no trailing slash). */
  name: string;
  /** "AutoPick": the folder, the job's kind. */
  kind: string;
  /** 6 for job006. */
  number: number;
  alias: string | null;
  /** RELION 4/5's type label ("relion.autopick.log"), or RELION 3.1's number as text. */
  type: string;
  status: JobStatus;
}

/** RELION 3.1 pipeliner.h: PROC_RUNNING 0, PROC_SCHEDULED 1, PROC_FINISHED_SUCCESS 2, _FAILURE 3, _ABORTED 4. */
const STATUS_31: JobStatus[] = ['running', 'scheduled', 'succeeded', 'failed', 'aborted'];

export function statusFromLabel(label: string): JobStatus {
  const l = label.toLowerCase();
  if (l.startsWith('succe') || l === 'finished') return 'succeeded';
  if (l.startsWith('fail')) return 'failed';
  if (l.startsWith('abort')) return 'aborted';
  if (l.startsWith('run')) return 'running';
  if (l.startsWith('sched')) return 'scheduled';
  return 'unknown';
}

/** "AutoPick/job006/" → its kind and number; null for names that are not RELION job folders. */
export function parseJobName(name: string): { name: string; kind: string; number: number } | null {
  const m = /^([A-Za-z0-9]+)\/job(\d+)\/?$/.exec(name.trim());
  return m ? { name: `${m[1]}/job${m[2]}`, kind: m[1]!, number: Number(m[2]) } : null;
}

/** The jobs of a default_pipeline.star, in file order. */
export function readPipeline(doc: StarDocument): PipelineJob[] {
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.pipeLineProcessName))?.loop;
  if (!loop) return [];
  const names = loop.strings(RLN.pipeLineProcessName);
  const col = (c: string): string[] | null => (loop.has(c) ? loop.strings(c) : null);
  const alias = col(RLN.pipeLineProcessAlias);
  const typeLabel = col(RLN.pipeLineProcessTypeLabel) ?? col(RLN.pipeLineProcessType);
  const statusLabel = col(RLN.pipeLineProcessStatusLabel);
  const status = col(RLN.pipeLineProcessStatus);
  const jobs: PipelineJob[] = [];
  names.forEach((n, i) => {
    const j = parseJobName(n);
    if (!j) return;
    const s = statusLabel?.[i] ?? status?.[i];
    const st = s === undefined ? 'unknown' : /^\d+$/.test(s) ? (STATUS_31[Number(s)] ?? 'unknown') : statusFromLabel(s);
    const a = alias?.[i];
    jobs.push({ ...j, alias: a && a !== 'None' ? a.replace(/\/$/, '') : null, type: typeLabel?.[i] ?? '', status: st });
  });
  return jobs;
}

/**
 * A job.star's option values, names as RELION writes them ("fn_img", "do_log"): `data_joboptions_values`, or
 * the value column of `data_joboptions_full_definition` (RELION 3.1 writes one or both).
 */
export function readJobOptions(doc: StarDocument): Map<string, string> {
  const out = new Map<string, string>();
  const has = (b: StarDocument['blocks'][number]): boolean =>
    !!b.loop?.has(RLN.jobOptionVariable) && !!b.loop.has(RLN.jobOptionValue);
  const block = doc.blocks.find((b) => b.name === 'joboptions_values' && has(b)) ?? doc.blocks.find(has);
  const loop = block?.loop;
  if (!loop || !loop.has(RLN.jobOptionVariable) || !loop.has(RLN.jobOptionValue)) return out;
  const k = loop.strings(RLN.jobOptionVariable);
  const v = loop.strings(RLN.jobOptionValue);
  k.forEach((key, i) => out.set(key, v[i] === '""' ? '' : (v[i] ?? '')));
  return out;
}

/** A job.star's job type (3.1: a number; 4/5: "relion.class3d"), or null. */
export function jobTypeOf(doc: StarDocument): string | null {
  const b = doc.blocks.find((x) => x.name === 'job');
  return b?.pairs.get(RLN.jobTypeLabel) ?? b?.pairs.get(RLN.jobType) ?? null;
}

/** The files a pipeline names as nodes (`data_pipeline_nodes`: every job's inputs and outputs), in file order. */
export function readPipelineNodes(doc: StarDocument): string[] {
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.pipeLineNodeName))?.loop;
  return loop ? loop.strings(RLN.pipeLineNodeName) : [];
}
