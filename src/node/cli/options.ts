import { InvalidArgumentError, type Command } from 'commander';
import { parseNumber, type NumberRule } from '../../core/app/inputs/options.js';
import { AUTO_MASK, SPHERE_EDGE_A, type MaskSpec } from '../../core/app/inputs/maps.js';
import { InputError } from '../files.js';
import { readNamed } from '../job-io.js';

/**
 * Option parsing for commander on top of the core's one numeric parser: every number is finite and
 * in range, or the command stops with the option's name and what it takes.
 */
export function num(flag: string, rule: NumberRule = {}): (value: string) => number {
  return (value) => {
    try {
      return parseNumber(value, flag, rule);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** A positive number (Å, kDa, mm …). */
export function positiveNumber(flag: string): (value: string) => number {
  return num(flag, { min: 0, exclusiveMin: true });
}

/** Any finite number (a signed B-factor, an angle). */
export function finiteNumber(flag: string): (value: string) => number {
  return num(flag);
}

export function integer(flag: string, min: number, max: number): (value: string) => number {
  return num(flag, { integer: true, min, max });
}

/** --out DIR, the same in every command: the folder the command's files go to. */
export function addOutOption(cmd: Command, what: string, defaultDir?: string): Command {
  return defaultDir === undefined
    ? cmd.option('--out <dir>', `write ${what} to this folder`)
    : cmd.option('--out <dir>', `folder for ${what}`, defaultDir);
}

export interface MaskFlags {
  mask?: string;
  autoMask?: boolean;
  sphereRadius?: number;
  sphereEdge?: number;
  maskThreshold?: number;
}

export function addMaskOptions(cmd: Command): Command {
  return cmd
    .option('--mask <file>', 'soft mask on the half maps’ grid, values in [0, 1]')
    .option(
      '--auto-mask',
      `make a RELION-like soft mask from the data (low-pass ${AUTO_MASK.lowPassA} Å, threshold, extend ` +
        `${AUTO_MASK.extendPx} px, ${AUTO_MASK.softEdgePx} px soft edge)`,
    )
    .option(
      '--mask-threshold <value>',
      'threshold for --auto-mask instead of the data-driven one',
      positiveNumber('--mask-threshold'),
    )
    .option('--sphere-radius <A>', 'spherical soft mask of this radius (Å)', positiveNumber('--sphere-radius'))
    .option('--sphere-edge <A>', 'soft edge of the spherical mask (Å)', positiveNumber('--sphere-edge'), SPHERE_EDGE_A);
}

/** The mask flags as the core's MaskSpec (a mask file is read here). */
export async function maskSpec(flags: MaskFlags): Promise<MaskSpec | undefined> {
  const given = [flags.mask !== undefined, !!flags.autoMask, flags.sphereRadius !== undefined].filter(Boolean).length;
  if (given > 1) throw new InputError('choose one of --mask, --auto-mask and --sphere-radius');
  if (flags.mask !== undefined) return { kind: 'user', file: await readNamed(flags.mask) };
  if (flags.autoMask)
    return { kind: 'auto', ...(flags.maskThreshold !== undefined ? { threshold: flags.maskThreshold } : {}) };
  if (flags.sphereRadius !== undefined)
    return { kind: 'sphere', radiusA: flags.sphereRadius, edgeA: flags.sphereEdge ?? SPHERE_EDGE_A };
  return undefined;
}

/** Files a command reads, for refusing to overwrite any of them. */
export function inputPaths(...paths: (string | string[] | undefined)[]): string[] {
  return paths.flat().filter((p): p is string => typeof p === 'string');
}

export interface CtfFlags {
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  defocusRangeA: string;
  fitRangeA: string;
  box: number;
}

/** The CTF options `ctf` and `tilt-ctf` share; the ranges' defaults differ (tilted images fit less far). */
export function addCtfOptions(cmd: Command, ranges: { defocusRangeA: string; fitRangeA: string }): Command {
  return cmd
    .option('--voltage-kv <kV>', 'acceleration voltage', positiveNumber('--voltage-kv'), 300)
    .option('--cs-mm <mm>', 'spherical aberration', num('--cs-mm', { min: 0 }), 2.7)
    .option(
      '--amplitude-contrast <w>',
      'amplitude contrast fraction, 0 ≤ w < 1',
      num('--amplitude-contrast', { min: 0, max: 0.999999, what: 'a fraction in [0, 1) (typically 0.07–0.1)' }),
      0.07,
    )
    .option('--defocus-range-a <min:max>', 'defocus search range in Å', ranges.defocusRangeA)
    .option('--fit-range-a <low:high>', 'resolution range of the fit in Å (CTFFIND: 30:5)', ranges.fitRangeA)
    .option('--box <px>', 'tile size of the averaged spectrum', integer('--box', 64, 4096), 512);
}

export function ctfOptionsOf(f: CtfFlags): {
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  defocusRangeA: string;
  fitRangeA: string;
  boxPx: number;
} {
  return {
    voltageKv: f.voltageKv,
    csMm: f.csMm,
    amplitudeContrast: f.amplitudeContrast,
    defocusRangeA: f.defocusRangeA,
    fitRangeA: f.fitRangeA,
    boxPx: f.box,
  };
}
