import { FormatError } from '../io/errors.js';
import type { StarDocument } from '../io/star/read.js';
import type { StarTableOut } from '../io/star/write.js';
import { particleDefocusA, type Handedness } from './geometry.js';
import type { TiltRow } from './tilt-series.js';

/** A particle in the tomogram frame, Å from the tomogram centre (RELION 5 rlnCenteredCoordinate*Angst). */
export interface TomoParticle {
  xA: number;
  yA: number;
  zA: number;
}

export function particlesFromStar(doc: StarDocument): TomoParticle[] {
  const block = doc.blocks.find((b) => b.loop?.has('rlnCenteredCoordinateXAngst'));
  if (!block) throw new FormatError('no particle coordinates', { source: doc.source, expected: 'a loop with _rlnCenteredCoordinateXAngst, Y and Z (RELION 5 particles)' });
  const [x, y, z] = block.loop!.numberColumns(['rlnCenteredCoordinateXAngst', 'rlnCenteredCoordinateYAngst', 'rlnCenteredCoordinateZAngst']);
  return Array.from(x!, (xA, i) => ({ xA, yA: y![i]!, zA: z![i]! }));
}

/** "x, y, z" in Å from the tomogram centre, one particle per line; a header line is skipped. */
export function particlesFromCsv(text: string, source: string): TomoParticle[] {
  const out: TomoParticle[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const v = t.split(/[\s,;]+/).map(Number);
    if (v.length < 3 || v.slice(0, 3).some((x) => !Number.isFinite(x))) {
      if (i === 0 && out.length === 0) return; // header
      throw new FormatError('expected three numbers (x, y, z in Å)', { source, line: i + 1, found: JSON.stringify(t) });
    }
    out.push({ xA: v[0]!, yA: v[1]!, zA: v[2]! });
  });
  if (!out.length) throw new FormatError('no particles', { source, expected: 'lines of x, y, z in Å from the tomogram centre' });
  return out;
}

export interface ParticleDefocus extends TomoParticle {
  /** Mean defocus (Å) of the particle in every tilt, in stack order. */
  defocusAPerTilt: number[];
}

export function particleDefoci(particles: TomoParticle[], tilts: TiltRow[], handedness: Handedness): ParticleDefocus[] {
  return particles.map((p) => ({ ...p, defocusAPerTilt: tilts.map((t) => particleDefocusA(p.xA, p.zA, t.tiltDeg, (t.defocusUA + t.defocusVA) / 2, handedness)) }));
}

/**
 * RELION 5-style per-particle, per-tilt CTF: one row per particle and tilt with its defocus U/V
 * (the tilt's astigmatism moved by the particle's height). rlnTomoTiltIndex (1-based stack index) is
 * cryodx's column.
 */
export function particleDefocusStar(particles: ParticleDefocus[], tilts: TiltRow[]): StarTableOut[] {
  const cols: number[][] = Array.from({ length: 9 }, () => []);
  particles.forEach((p, j) => tilts.forEach((t, i) => {
    const shift = p.defocusAPerTilt[i]! - (t.defocusUA + t.defocusVA) / 2;
    [j + 1, p.xA, p.yA, p.zA, i + 1, t.tiltDeg, t.defocusUA + shift, t.defocusVA + shift, t.astigmatismAngleDeg].forEach((v, c) => cols[c]!.push(v));
  }));
  return [{ name: 'particle_tilts', loop: { columns: ['rlnTomoParticleId', 'rlnCenteredCoordinateXAngst', 'rlnCenteredCoordinateYAngst', 'rlnCenteredCoordinateZAngst', 'rlnTomoTiltIndex', 'rlnTomoNominalStageTiltAngle', 'rlnDefocusU', 'rlnDefocusV', 'rlnDefocusAngle'], values: cols } }];
}

/** The per-tilt table a RELION 5 / Warp user can use: defocus, pre-exposure, B-factor and scale per tilt. */
export function tiltSeriesStar(tilts: TiltRow[], tiltAxisDeg: number): StarTableOut[] {
  const col = (f: (t: TiltRow) => number): number[] => tilts.map(f);
  return [{ name: 'tilt_series', loop: {
    columns: ['rlnTomoNominalStageTiltAngle', 'rlnTomoNominalTiltAxisAngle', 'rlnMicrographPreExposure', 'rlnDefocusU', 'rlnDefocusV', 'rlnDefocusAngle', 'rlnCtfMaxResolution', 'rlnCtfFigureOfMerit', 'rlnCtfBfactor', 'rlnCtfScalefactor'],
    values: [col((t) => t.tiltDeg), col(() => tiltAxisDeg), col((t) => t.preExposureEPerA2), col((t) => t.defocusUA), col((t) => t.defocusVA), col((t) => t.astigmatismAngleDeg), col((t) => t.fitResolutionA), col((t) => t.score), col((t) => t.bfactorA2), col((t) => t.scale)],
  } }];
}
