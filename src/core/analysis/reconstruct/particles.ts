import { FormatError, type Warning } from '../../errors.js';
import type { StackLayout } from '../../io/mrc/stack.js';
import { resolvePixelSize, type PixelSizeOption, type StatedPixelSize } from '../../model/pixel-size.js';
import { RLN } from '../../io/star/labels.js';
import { findParticleBlock, readParticles } from '../../io/star/particles.js';
import type { StarLoop } from '../../io/star/loop.js';
import type { StarDocument } from '../../io/star/read.js';
import type { ParticleCtf } from './relion-ctf.js';

/** Which particles go into which map. */
export type SubsetChoice = 'both' | '1' | '2' | 'all';

/**
 * What a reconstruction needs of each particle, read once from the STAR (or converted .cs), before the pixel size
 * is decided: the optics groups state theirs, the stacks' headers theirs (planWithPixelSize).
 */
export interface ParticleTable {
  source: string;
  count: number;
  boxSize: number;
  /** The pixel size each optics group the particles use states (_rlnImagePixelSize). */
  stated: StatedPixelSize[];
  originXA: Float64Array | null;
  originYA: Float64Array | null;
  /** Stack path as written in the STAR (resolved later by the front end) and 0-based image index. */
  stack: string[];
  index: Int32Array;
  rotDeg: Float64Array;
  tiltDeg: Float64Array;
  psiDeg: Float64Array;
  /** 1 or 2 from rlnRandomSubset, 0 without. */
  subset: Uint8Array;
  hasSubsets: boolean;
  ctf: ((i: number) => ParticleCtf) | null;
  /** 1-based STAR line of particle i, for messages. */
  lineOf: (i: number) => number;
  warnings: Warning[];
}

/** The particles with their pixel size decided: origins in pixels, as the insertion needs them. */
export interface ReconstructionPlan extends Omit<ParticleTable, 'originXA' | 'originYA'> {
  pixelSizeA: number;
  /** The option or the input the pixel size came from. */
  pixelSizeFrom: string;
  originXPx: Float64Array;
  originYPx: Float64Array;
}

export interface PlanOptions {
  /** Reconstruct without CTF correction (RELION's default without --ctf). */
  noCtf?: boolean;
}

/** Reads and checks the particles: angles, images, optics that agree, CTF columns unless --no-ctf. */
export function particleTable(doc: StarDocument, options: PlanOptions = {}): ParticleTable {
  const source = doc.source;
  const { particles: p, warnings } = readParticles(doc);
  const loop = findParticleBlock(doc).loop!;
  const lineOf = (i: number): number => loop.lineOf(i);
  if (p.count === 0) throw new FormatError('the particle table is empty', { source, hint: 'Nothing to reconstruct' });
  if (!p.imageName)
    throw new FormatError('the particles have no images', {
      source,
      expected: `_${RLN.imageName} (or blob/path and blob/idx in a .cs)`,
      hint: 'Give the particle STAR of an extraction or refinement job',
    });
  if (!p.angleRotDeg || !p.angleTiltDeg || !p.anglePsiDeg)
    throw new FormatError('the particles have no 3D angles', {
      source,
      expected: `_${RLN.angleRot}, _${RLN.angleTilt} and _${RLN.anglePsi} (or alignments3D/pose in a .cs)`,
      hint: 'Give the particles of a 3D refinement (run_data.star), not of an extraction or 2D classification',
    });
  if (p.angleRotDeg.every((v) => v === 0) && p.angleTiltDeg.every((v) => v === 0) && p.count > 1)
    throw new FormatError('every particle has rot = tilt = 0: these are 2D-classification angles', {
      source,
      hint: 'Only psi is refined in 2D; give the particles of a 3D refinement (run_data.star)',
    });
  opticsNotApplied(doc, loop, options.noCtf ?? false, warnings);
  const { boxSize, stated } = opticsGeometry(p.optics, p.opticsIndex, source);
  const stack: string[] = new Array<string>(p.count);
  const index = new Int32Array(p.count);
  p.imageName.forEach((name, i) => {
    const [s, k] = parseImageName(name, source, lineOf(i));
    stack[i] = s;
    index[i] = k;
  });
  if (!p.originXA || !p.originYA)
    warnings.push({ code: 'no-origins', message: `${source}: no origin columns; every particle taken as centred` });
  const subset = new Uint8Array(p.count);
  const hasSubsets = !!p.randomSubset;
  if (p.randomSubset)
    for (let i = 0; i < p.count; i++) {
      const s = p.randomSubset[i]!;
      if (s !== 1 && s !== 2)
        throw new FormatError('random subset must be 1 or 2', {
          source,
          line: lineOf(i),
          field: `_${RLN.randomSubset}`,
          found: String(s),
        });
      subset[i] = s;
    }
  checkFinite(p.angleRotDeg, p.angleTiltDeg, p.anglePsiDeg, p.originXA, p.originYA, source, lineOf);
  return {
    source,
    count: p.count,
    boxSize,
    stated,
    originXA: p.originXA,
    originYA: p.originYA,
    stack,
    index,
    rotDeg: p.angleRotDeg,
    tiltDeg: p.angleTiltDeg,
    psiDeg: p.anglePsiDeg,
    subset,
    hasSubsets,
    ctf: options.noCtf ? null : ctfColumns(p, source, lineOf),
    lineOf,
    warnings,
  };
}

/**
 * One box for the particles' optics groups, and the pixel size each states. The pixel size itself is decided with
 * the stacks' headers and the option (planWithPixelSize), by the rule every map follows (model/pixel-size.ts).
 */
function opticsGeometry(
  optics: ReturnType<typeof readParticles>['particles']['optics'],
  opticsIndex: Int32Array,
  source: string,
): { boxSize: number; stated: StatedPixelSize[] } {
  const used = [...new Set(opticsIndex)].map((k) => optics[k]!);
  const sizes = new Set(used.map((o) => o.imageSize).filter((s): s is number => s !== null));
  if (sizes.size > 1)
    throw new FormatError('optics groups have different image sizes', {
      source,
      found: [...sizes].join(', ') + ' px',
      hint: 'Reconstruct each optics group on its own (or re-extract to one box)',
    });
  const stated = used.map((o) => ({
    source: used.length > 1 ? `${source}, optics group ${o.name}` : `${source} (_${RLN.imagePixelSize})`,
    role: 'optics group',
    pixelSizeA: o.imagePixelSizeA !== null && o.imagePixelSizeA > 0 ? o.imagePixelSizeA : null,
  }));
  return { boxSize: [...sizes][0] ?? 0, stated };
}

/**
 * The pixel size decided once for the particles: the option over the optics table, every stack's header and any
 * other map of the command (a mask), which must otherwise agree. A stack header of exactly 1 Å is the placeholder
 * many writers leave, not a statement.
 */
export function planWithPixelSize(
  table: ParticleTable,
  stacks: Map<string, StackLayout>,
  option: PixelSizeOption,
  others: StatedPixelSize[] = [],
): ReconstructionPlan {
  const stackStated: StatedPixelSize[] = [...stacks]
    .filter(([, l]) => l.pixelSizeA !== null && l.pixelSizeA !== 1)
    .map(([name, l]) => ({ source: name, role: 'particle stack', pixelSizeA: l.pixelSizeA }));
  const px = resolvePixelSize([...table.stated, ...stackStated, ...others], option);
  const { originXA, originYA, ...rest } = table;
  const originXPx = new Float64Array(table.count),
    originYPx = new Float64Array(table.count);
  if (originXA && originYA)
    for (let i = 0; i < table.count; i++) {
      originXPx[i] = originXA[i]! / px.pixelSizeA;
      originYPx[i] = originYA[i]! / px.pixelSizeA;
    }
  return {
    ...rest,
    pixelSizeA: px.pixelSizeA,
    pixelSizeFrom: px.from,
    originXPx,
    originYPx,
    warnings: [...table.warnings, ...px.warnings],
  };
}

/** '000012@Extract/job009/a.mrcs' → ['Extract/job009/a.mrcs', 11]; a name without '@' is a single image. */
export function parseImageName(name: string, source: string, line: number): [string, number] {
  const at = name.indexOf('@');
  if (at < 0) return [name, 0];
  const k = Number(name.slice(0, at));
  if (!Number.isInteger(k) || k < 1)
    throw new FormatError('image name does not start with an image number', {
      source,
      line,
      field: `_${RLN.imageName}`,
      found: JSON.stringify(name),
      expected: 'NNNNNN@stack.mrcs with NNNNNN ≥ 1',
    });
  return [name.slice(at + 1), k - 1];
}

function ctfColumns(
  p: ReturnType<typeof readParticles>['particles'],
  source: string,
  lineOf: (i: number) => number,
): (i: number) => ParticleCtf {
  const missing = [
    [RLN.defocusU, p.defocusUA],
    [RLN.defocusV, p.defocusVA],
    [RLN.defocusAngle, p.defocusAngleDeg],
  ].filter(([, v]) => !v);
  if (missing.length)
    throw new FormatError('the particles have no CTF parameters', {
      source,
      expected: missing.map(([n]) => `_${n as string}`).join(', '),
      hint: 'Reconstruct without CTF correction with --no-ctf, or give the particles of a refinement',
    });
  for (const o of p.optics) {
    if (o.voltageKv === null || o.csMm === null || o.amplitudeContrast === null)
      throw new FormatError('optics group lacks voltage, Cs or amplitude contrast', {
        source,
        field: o.name,
        expected: `_${RLN.voltage}, _${RLN.sphericalAberration}, _${RLN.amplitudeContrast}`,
        hint: 'Add them to the optics table, or use --no-ctf',
      });
  }
  const u = p.defocusUA!,
    v = p.defocusVA!,
    a = p.defocusAngleDeg!;
  for (let i = 0; i < p.count; i++) {
    if (!Number.isFinite(u[i]!) || !Number.isFinite(v[i]!) || !Number.isFinite(a[i]!) || u[i]! < 0 || v[i]! < 0)
      throw new FormatError('defocus is not a finite, non-negative number', {
        source,
        line: lineOf(i),
        found: `U ${u[i]} V ${v[i]} angle ${a[i]}`,
        hint: 'Fix or remove that particle',
      });
  }
  return (i) => {
    const o = p.optics[p.opticsIndex[i]!]!;
    return {
      voltageKv: o.voltageKv!,
      csMm: o.csMm!,
      amplitudeContrast: o.amplitudeContrast!,
      defocusUA: u[i]!,
      defocusVA: v[i]!,
      defocusAngleDeg: a[i]!,
      phaseShiftDeg: p.phaseShiftDeg?.[i] ?? 0,
      bfactorA2: p.ctfBfactorA2?.[i] ?? 0,
      scale: p.ctfScale?.[i] ?? 1,
    };
  };
}

function checkFinite(
  rot: Float64Array,
  tilt: Float64Array,
  psi: Float64Array,
  ox: Float64Array | null,
  oy: Float64Array | null,
  source: string,
  lineOf: (i: number) => number,
): void {
  for (let i = 0; i < rot.length; i++) {
    if (![rot[i], tilt[i], psi[i], ox?.[i] ?? 0, oy?.[i] ?? 0].every((x) => Number.isFinite(x)))
      throw new FormatError('angle or origin is not a finite number', {
        source,
        line: lineOf(i),
        hint: 'Fix or remove that particle',
      });
  }
}

/**
 * What relion_reconstruct would also apply and cryodx does not yet: said once each (beam tilt and odd Zernike
 * terms, anisotropic magnification, MTF division); CTF-premultiplied particles are refused (multiplying again
 * would give a wrong map).
 */
function opticsNotApplied(doc: StarDocument, particles: StarLoop, noCtf: boolean, warnings: Warning[]): void {
  const optics = doc.blocks.find((b) => b.name === 'optics' && b.loop)?.loop;
  const has = (label: string): boolean => !!optics?.has(label) || particles.has(label);
  const nonZero = (label: string): boolean => {
    const l = optics?.has(label) ? optics : particles.has(label) ? particles : null;
    if (!l) return false;
    try {
      return l.numbers(label).some((v) => v !== 0);
    } catch {
      return true;
    }
  };
  if (!noCtf && (nonZero(RLN.ctfDataArePhaseFlipped) || nonZero(RLN.ctfDataAreCtfPremultiplied)))
    throw new FormatError('the particles are CTF-premultiplied (or phase-flipped)', {
      source: doc.source,
      hint:
        'cryodx does not yet reconstruct such particles; use relion_reconstruct, or --no-ctf for a map without ' +
        'CTF correction',
    });
  const skipped = [
    nonZero(RLN.beamTiltX) || nonZero(RLN.beamTiltY) ? 'beam tilt' : null,
    has(RLN.oddZernike) ? 'odd Zernike terms' : null,
    has(RLN.evenZernike) ? 'even Zernike terms' : null,
    has(RLN.magMat00) ? 'anisotropic magnification' : null,
    has(RLN.mtfFileName) ? 'the detector MTF' : null,
  ].filter((x): x is string => x !== null);
  if (skipped.length)
    warnings.push({
      code: 'optics-not-applied',
      message:
        `${doc.source}: the optics table has ${skipped.join(', ')}, which relion_reconstruct applies and cryodx ` +
        'does not yet: the maps lose a little at high resolution where these matter',
    });
}
