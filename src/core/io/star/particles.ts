import { FormatError, type Warning } from '../../errors.js';
import type { OpticsGroup, ParticleSet } from '../../model/particles.js';
import type { StarBlock, StarDocument } from './read.js';
import type { StarLoop } from './loop.js';
import { RLN } from './labels.js';

export interface ParticlesResult {
  particles: ParticleSet;
  warnings: Warning[];
}

const OPTICS_COLUMNS = [RLN.voltage, RLN.sphericalAberration, RLN.amplitudeContrast] as const;

/**
 * Particles from a RELION STAR document. 3.1+ files join data_optics on rlnOpticsGroup;
 * 3.0 files (no optics block) take the same values from per-particle columns, grouped into
 * one optics group per distinct combination.
 */
export function readParticles(doc: StarDocument): ParticlesResult {
  const warnings: Warning[] = [];
  const opticsBlock = doc.blocks.find((b) => b.name === 'optics' && b.loop);
  const particleBlock = findParticleBlock(doc);
  const loop = particleBlock.loop!;
  const { optics, opticsIndex, convention } = opticsBlock
    ? joinOptics(opticsBlock.loop!, loop, doc.source)
    : perParticleOptics(loop);
  const num = numericColumns(loop, [
    RLN.angleRot,
    RLN.angleTilt,
    RLN.anglePsi,
    RLN.defocusU,
    RLN.defocusV,
    RLN.defocusAngle,
  ]);
  const str = (name: string): string[] | null => (loop.has(name) ? loop.strings(name) : null);
  const { originXA, originYA } = origins(loop, optics, opticsIndex, warnings, doc.source);
  return {
    particles: {
      count: loop.rows,
      convention,
      optics,
      opticsIndex,
      angleRotDeg: num(RLN.angleRot),
      angleTiltDeg: num(RLN.angleTilt),
      anglePsiDeg: num(RLN.anglePsi),
      originXA,
      originYA,
      defocusUA: num(RLN.defocusU),
      defocusVA: num(RLN.defocusV),
      defocusAngleDeg: num(RLN.defocusAngle),
      imageName: str(RLN.imageName),
      micrographName: str(RLN.micrographName),
      ...extraColumns(loop),
    },
    warnings,
  };
}

/** Decodes the present columns among `names` in one pass over the rows. */
function numericColumns(loop: StarLoop, names: string[]): (name: string) => Float64Array | null {
  const present = names.filter((n) => loop.has(n));
  const cols = loop.numberColumns(present);
  const byName = new Map(present.map((n, i) => [n, cols[i]!]));
  return (name) => byName.get(name) ?? null;
}

export function findParticleBlock(doc: StarDocument): StarBlock {
  const named = doc.blocks.find((b) => b.name === 'particles' && b.loop);
  if (named) return named;
  // RELION 3.0 writes 'data_' or 'data_images'; take the first loop that is not optics.
  const other = doc.blocks.find((b) => b.name !== 'optics' && b.loop && b.loop.rows > 0);
  if (!other) {
    throw new FormatError('no particle table', {
      source: doc.source,
      found: `blocks ${doc.blocks.map((b) => 'data_' + b.name).join(', ') || '(none)'}`,
      expected: 'a data_particles loop (RELION 3.1+) or a particle loop (RELION 3.0)',
    });
  }
  return other;
}

function joinOptics(
  optLoop: StarLoop,
  loop: StarLoop,
  source: string,
): { optics: OpticsGroup[]; opticsIndex: Int32Array; convention: 'relion-3.1' } {
  if (!optLoop.has(RLN.opticsGroup)) {
    throw new FormatError('column is missing', { source, field: 'data_optics', expected: `_${RLN.opticsGroup}` });
  }
  const ids = optLoop.numbers(RLN.opticsGroup);
  const names = optLoop.has(RLN.opticsGroupName) ? optLoop.strings(RLN.opticsGroupName) : null;
  const get = (c: string): Float64Array | null => (optLoop.has(c) ? optLoop.numbers(c) : null);
  const [volt, cs, amp, px, size] = [...OPTICS_COLUMNS, RLN.imagePixelSize, RLN.imageSize].map(get);
  const optics: OpticsGroup[] = [];
  const byId = new Map<number, number>();
  for (let i = 0; i < optLoop.rows; i++) {
    byId.set(ids[i]!, i);
    optics.push({
      id: ids[i]!,
      name: names?.[i] ?? `opticsGroup${ids[i]}`,
      voltageKv: volt?.[i] ?? null,
      csMm: cs?.[i] ?? null,
      amplitudeContrast: amp?.[i] ?? null,
      imagePixelSizeA: px?.[i] ?? null,
      imageSize: size?.[i] ?? null,
    });
  }
  const opticsIndex = new Int32Array(loop.rows);
  if (loop.has(RLN.opticsGroup)) {
    const g = loop.numbers(RLN.opticsGroup);
    for (let r = 0; r < loop.rows; r++) {
      const k = byId.get(g[r]!);
      if (k === undefined) {
        throw new FormatError('particle refers to an optics group that data_optics does not define', {
          source,
          field: `_${RLN.opticsGroup}`,
          found: String(g[r]),
          expected: `one of ${[...byId.keys()].join(', ')}`,
        });
      }
      opticsIndex[r] = k;
    }
  } else if (optics.length > 1) {
    throw new FormatError('column is missing', {
      source,
      field: 'data_particles',
      expected: `_${RLN.opticsGroup} (data_optics has several groups)`,
    });
  }
  return { optics, opticsIndex, convention: 'relion-3.1' };
}

function perParticleOptics(loop: StarLoop): {
  optics: OpticsGroup[];
  opticsIndex: Int32Array;
  convention: 'relion-3.0';
} {
  const get = (c: string): Float64Array | null => (loop.has(c) ? loop.numbers(c) : null);
  const [volt, cs, amp, det, mag] = [...OPTICS_COLUMNS, RLN.detectorPixelSize, RLN.magnification].map(get);
  const optics: OpticsGroup[] = [];
  const keyToIndex = new Map<string, number>();
  const opticsIndex = new Int32Array(loop.rows);
  for (let r = 0; r < loop.rows; r++) {
    // RELION 3.0: pixel size = detector pixel (µm) × 1e4 / magnification.
    const px = det && mag ? (det[r]! * 1e4) / mag[r]! : null;
    const key = `${volt?.[r]}|${cs?.[r]}|${amp?.[r]}|${px}`;
    let k = keyToIndex.get(key);
    if (k === undefined) {
      k = optics.length;
      keyToIndex.set(key, k);
      optics.push({
        id: k + 1,
        name: `opticsGroup${k + 1}`,
        voltageKv: volt?.[r] ?? null,
        csMm: cs?.[r] ?? null,
        amplitudeContrast: amp?.[r] ?? null,
        imagePixelSizeA: px,
        imageSize: null,
      });
    }
    opticsIndex[r] = k;
  }
  return { optics, opticsIndex, convention: 'relion-3.0' };
}

/** Origins in Å: 3.1's rlnOriginXAngst, or 3.0's rlnOriginX (pixels) × pixel size. */
function origins(
  loop: StarLoop,
  optics: OpticsGroup[],
  idx: Int32Array,
  warnings: Warning[],
  source: string,
): { originXA: Float64Array | null; originYA: Float64Array | null } {
  if (loop.has(RLN.originXAngst) && loop.has(RLN.originYAngst)) {
    const [x, y] = loop.numberColumns([RLN.originXAngst, RLN.originYAngst]);
    return { originXA: x!, originYA: y! };
  }
  if (loop.has(RLN.originX) && loop.has(RLN.originY)) {
    const [x, y] = loop.numberColumns([RLN.originX, RLN.originY]);
    for (let r = 0; r < loop.rows; r++) {
      const px = optics[idx[r]!]!.imagePixelSizeA;
      if (px === null) {
        warnings.push({
          code: 'origin-pixels',
          message: `${source}: origins are in pixels (${RLN.originX}) and no pixel size is given; origins left out`,
        });
        return { originXA: null, originYA: null };
      }
      x![r]! *= px;
      y![r]! *= px;
    }
    return { originXA: x!, originYA: y! };
  }
  return { originXA: null, originYA: null };
}

/** Per-particle CTF and subset columns beyond the common ones (absent columns absent). */
function extraColumns(
  loop: StarLoop,
): Pick<ParticleSet, 'phaseShiftDeg' | 'ctfBfactorA2' | 'ctfScale' | 'randomSubset'> {
  const num = numericColumns(loop, [RLN.phaseShift, RLN.ctfBfactor, RLN.ctfScalefactor, RLN.randomSubset]);
  const out: Pick<ParticleSet, 'phaseShiftDeg' | 'ctfBfactorA2' | 'ctfScale' | 'randomSubset'> = {};
  const ps = num(RLN.phaseShift),
    b = num(RLN.ctfBfactor),
    sc = num(RLN.ctfScalefactor),
    sub = num(RLN.randomSubset);
  if (ps) out.phaseShiftDeg = ps;
  if (b) out.ctfBfactorA2 = b;
  if (sc) out.ctfScale = sc;
  if (sub) out.randomSubset = sub;
  return out;
}
