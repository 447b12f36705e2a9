import { InputError } from '../../errors.js';
import type { NamedBytes } from '../job.js';
import type { MaskSpec } from '../inputs/maps.js';
import { projectInputs, withProject, type ProjectSource } from '../project/project.js';
import type { PostprocessEntry, PickerFiles } from './processing-files.js';
import type { ReportJobInput } from './report.js';

/**
 * The report's input, built here alike for `cryodx report` (files from flags, `--project`), the browser app
 * (dropped files, a dropped folder) and a facility batch row: the front ends only collect files and options.
 */

/** The files a report reads, by role, as the flags name them or the page sorted the dropped files. */
export interface ReportFiles {
  half1?: NamedBytes;
  half2?: NamedBytes;
  /** A mask file: wins over the project's, as every file given does over the project's of its role. */
  mask?: NamedBytes;
  particles?: NamedBytes;
  ctf?: NamedBytes[];
  motion?: NamedBytes[];
  bfactors?: NamedBytes;
  classes?: NamedBytes[];
  picks?: PickerFiles[];
  ctfRefine?: NamedBytes[];
  postprocessStars?: PostprocessEntry[];
  model?: NamedBytes;
  pae?: NamedBytes;
  /** A tilt series: its stack and one geometry file (IMOD .tlt, SerialEM .mdoc or RELION 5 STAR). */
  tiltSeries?: { stack: NamedBytes; tlt?: NamedBytes; mdoc?: NamedBytes; tomoStar?: NamedBytes };
}

/** The report's options, as commander parsed the flags or the page read its fields. */
export interface ReportOptions {
  /** Å, over every half map's and mask's header (`--angpix`). */
  pixelSizeA?: number | null;
  /** The point group the user gave; absent, the project's refinement's, else C1. */
  symmetry?: string;
  /** A mask made here (`--auto-mask`, `--sphere-radius`): the user's choice, so it wins over the project's file. */
  maskChoice?: Exclude<MaskSpec, { kind: 'user' }>;
  /** An automatic mask only where neither a file nor the project gives one (the page's default). */
  autoMaskWhenNone?: boolean;
  mwKDa?: number;
  /** `--cs-refined` or `--zernike-z40` with `--cs-nominal`: the microscope cause measured. */
  cs?: { nominalMm?: number; refinedMm?: number; zernikeZ40?: number; voltageKv?: number };
  particleDiameterA?: number;
  micrographPixelSizeA?: number;
  /** The tilt series' pixel size (`--tilt-angpix`), axis and dose. */
  tilt?: { pixelSizeA?: number; tiltAxisDeg?: number; dosePerTiltEPerA2?: number };
  analyses?: { anisotropy?: boolean; localResolution?: boolean };
}

export interface ReportRequest {
  files: ReportFiles;
  options: ReportOptions;
  /** A project or job folder whose files fill every role not given. */
  project?: ProjectSource | null;
  version: string;
}

export async function reportInput(req: ReportRequest): Promise<ReportJobInput> {
  const given = explicitInput(req);
  const input = req.project
    ? withProject(await projectInputs(req.project), req.project.root, given, {
        symmetryGiven: req.options.symmetry !== undefined,
      })
    : given;
  input.symmetry ??= 'C1';
  // Only with half maps to mask: report.json then says 'none' for a run without maps, whichever front end ran it.
  if (!input.mask && input.half1 && req.options.autoMaskWhenNone) input.mask = { kind: 'auto' };
  return input;
}

/** What the user gave, before any project: files by role, the options checked for what they need together. */
function explicitInput(req: ReportRequest): ReportJobInput {
  const { files: f, options: o } = req;
  const mask: MaskSpec | undefined = f.mask ? { kind: 'user', file: f.mask } : o.maskChoice;
  return {
    ...(f.half1 ? { half1: f.half1 } : {}),
    ...(f.half2 ? { half2: f.half2 } : {}),
    ...(mask ? { mask } : {}),
    pixelSizeA: o.pixelSizeA ?? null,
    ...(f.particles ? { particles: f.particles } : {}),
    ...(f.ctf?.length ? { ctf: f.ctf } : {}),
    ...(o.symmetry !== undefined ? { symmetry: o.symmetry } : {}),
    ...(o.mwKDa ? { mwKDa: o.mwKDa } : {}),
    ...calibrationOf(o.cs),
    ...(f.motion?.length ? { motion: f.motion } : {}),
    ...(f.bfactors ? { bfactors: f.bfactors } : {}),
    ...(f.classes?.length ? { classes: f.classes } : {}),
    ...(f.picks?.length ? { picks: f.picks } : {}),
    ...(f.ctfRefine?.length ? { ctfRefine: f.ctfRefine } : {}),
    ...(f.postprocessStars?.length ? { postprocessStars: f.postprocessStars } : {}),
    ...(o.particleDiameterA !== undefined ? { particleDiameterA: o.particleDiameterA } : {}),
    ...(o.micrographPixelSizeA !== undefined ? { micrographPixelSizeA: o.micrographPixelSizeA } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.pae ? { pae: f.pae } : {}),
    ...(f.tiltSeries ? { tiltSeries: tiltSeriesOf(f.tiltSeries, o.tilt ?? {}) } : {}),
    ...(o.analyses ? { analyses: o.analyses } : {}),
    version: req.version,
  };
}

function calibrationOf(cs: ReportOptions['cs']): Pick<ReportJobInput, 'calibration'> {
  if (!cs || (cs.refinedMm === undefined && cs.zernikeZ40 === undefined && cs.nominalMm === undefined)) return {};
  if (cs.nominalMm === undefined)
    throw new InputError('--cs-refined / --zernike-z40 need --cs-nominal (the microscope’s Cs)');
  return {
    calibration: {
      csNominalMm: cs.nominalMm,
      ...(cs.voltageKv !== undefined ? { voltageKv: cs.voltageKv } : {}),
      ...(cs.refinedMm !== undefined ? { csRefinedMm: cs.refinedMm } : {}),
      ...(cs.zernikeZ40 !== undefined ? { zernikeZ40: cs.zernikeZ40 } : {}),
    },
  };
}

function tiltSeriesOf(
  files: NonNullable<ReportFiles['tiltSeries']>,
  o: NonNullable<ReportOptions['tilt']>,
): NonNullable<ReportJobInput['tiltSeries']> {
  if (o.pixelSizeA === undefined)
    throw new InputError('--tilt-series needs --tilt-angpix (the stack’s pixel size in Å)');
  return {
    ...files,
    ...(o.tiltAxisDeg !== undefined ? { tiltAxisDeg: o.tiltAxisDeg } : {}),
    ...(o.dosePerTiltEPerA2 !== undefined ? { dosePerTiltEPerA2: o.dosePerTiltEPerA2 } : {}),
    pixelSizeA: o.pixelSizeA,
    pixelSizeFlag: '--tilt-angpix',
  };
}

/**
 * The half maps rebuilt from the particles (the browser's reconstruct option) in place of any given, at the
 * reconstruction's pixel size, with the mask rule applied to them as to maps given.
 */
export function withRebuiltHalves(
  input: ReportJobInput,
  rebuilt: { half1: NamedBytes; half2: NamedBytes; pixelSizeA: number },
  options: ReportOptions,
): void {
  input.half1 = rebuilt.half1;
  input.half2 = rebuilt.half2;
  input.pixelSizeA = rebuilt.pixelSizeA;
  if (!input.mask && options.autoMaskWhenNone) input.mask = { kind: 'auto' };
}
