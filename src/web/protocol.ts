import type { MaskSpec } from '../core/app/inputs/maps.js';
import type { ReportFigure } from '../core/app/report/report.js';
import type { ProjectGaps } from '../core/app/project/check.js';
import type { Report } from '../core/report/report.js';

/** Messages between the page and the analysis worker. */
export interface InspectRequest {
  kind: 'inspect';
  id: number;
  name: string;
  bytes: ArrayBuffer;
}

export interface FileInfo {
  id: number;
  ok: boolean;
  /** A one-line summary (box, pixel size) or the error, as the CLI would print it. */
  text: string;
  pixelSizeA: number | null;
  box: number | null;
  shape?: number[] | null;
  /** Particles whose angles fill only one point group's asymmetric unit. */
  anglesFit?: { symmetry: string; statement: string } | null;
}

/**
 * A project as the page received it: a folder's files by path below it (chosen, dropped or picked), or a zip read
 * entry by entry in the worker. `how` decides the advice when files are missing.
 */
export type ProjectRef =
  | { root: string; how: 'chooser' | 'drop' | 'picker'; files: { path: string; file: File }[] }
  | { root: string; how: 'zip'; zip: File };

/** What the page learns about a project as soon as it has it: how many files, what kind, what is missing. */
export interface ProjectCheck {
  files: number;
  kind: 'RELION' | 'cryoSPARC' | null;
  gaps: ProjectGaps | null;
  error: string | null;
}

export interface CheckProjectRequest {
  kind: 'check-project';
  id: number;
  project: ProjectRef;
}

export interface RunRequest {
  kind: 'run';
  files: { name: string; role: string; bytes: ArrayBuffer; particles?: number | null }[];
  /** Typed by the user (overrides the headers); null: from the headers, by the CLI's rule. */
  pixelSizeA: number | null;
  symmetry: string;
  mwKDa: number | null;
  autoMask: boolean;
  analyses: { anisotropy: boolean; localResolution: boolean };
  version: string;
  /** Ports to the parallel helpers (empty when not cross-origin isolated). */
  ports: MessagePort[];
  /** A project folder or zip (its files read in the worker only when the project reader asks). */
  project: ProjectRef | null;
  /** True when the user changed the symmetry field (else the project's refinement decides). */
  symmetryGiven: boolean;
  /** Rebuild the half maps from the particles and their stacks (in the dropped folder) before the report. */
  reconstruct: boolean;
  /** Measure what each fix buys (ResLog and what-if maps from the particle stacks in the dropped folder). */
  measure?: boolean;
  /** False: every transform on the TypeScript kernels (the page's ?simd=off, as CRYODX_SIMD=off in the CLI). */
  simd: boolean;
  /**
   * A mask made here by the user's choice (the CLI's --auto-mask, --sphere-radius): it wins over the project's mask
   * file, where `autoMask` only fills in where neither a file nor the project gives one.
   */
  maskChoice?: Exclude<MaskSpec, { kind: 'user' }>;
}

/** What the page sends a parallel helper once: its end of the channel, and the kernel setting. */
export interface HelperStart {
  port: MessagePort;
  simd: boolean;
}

export interface RunResult {
  report: Report;
  json: string;
  figures: ReportFigure[];
  /** report.html, as `cryodx report` writes it. */
  html: string;
  /** The same report's body for the page: hints in the page's words, slots where the page draws the figures. */
  body: string;
  slices: { title: string; png: Uint8Array }[];
  volumes: { n: number; sharpened: Float32Array; mask: Float32Array | null; locres: Float32Array | null } | null;
  seconds: number;
}

export type WorkerReply =
  | { kind: 'info'; info: FileInfo }
  | { kind: 'project'; id: number; check: ProjectCheck }
  | { kind: 'progress'; fraction: number; label: string }
  | { kind: 'result'; result: RunResult }
  | { kind: 'error'; message: string };
