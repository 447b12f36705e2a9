import { FormatError, InputError } from '../errors.js';
import { maybeGunzip } from '../io/bytes.js';
import { csToStar } from '../io/cryosparc/convert.js';
import { detectFormat } from '../io/detect.js';
import { readNpy } from '../io/npy.js';
import { readParticles } from '../io/star/particles.js';
import { readStar, type StarDocument } from '../io/star/read.js';
import { writeStar } from '../io/star/write.js';
import type { NamedBytes } from './job.js';

/** A particle file as a STAR document: RELION STAR (3.0–5) as is, cryoSPARC .cs through pyem's conventions. */
export function particleStar(file: NamedBytes): StarDocument {
  const bytes = maybeGunzip(file.bytes);
  const kind = detectFormat(file.name, bytes.subarray(0, 4096));
  if (kind === 'npy')
    return readStar(writeStar(csToStar(readNpy(bytes, file.name), file.name).tables), { source: file.name });
  if (kind === 'star') return readStar(bytes, { source: file.name });
  throw new InputError(`${file.name}: expected a RELION particle STAR or a cryoSPARC .cs file`);
}

/** Particle angles (rot, tilt in degrees) from a refinement's particle file. */
export function particleAngles(file: NamedBytes): {
  rotDeg: ArrayLike<number>;
  tiltDeg: ArrayLike<number>;
  count: number;
  warnings: ReturnType<typeof readParticles>['warnings'];
} {
  const { particles, warnings } = readParticles(particleStar(file));
  if (!particles.angleRotDeg || !particles.angleTiltDeg) {
    throw new FormatError('the particles have no angles', {
      source: file.name,
      expected: '_rlnAngleRot and _rlnAngleTilt (or alignments3D/pose in a .cs)',
      hint: 'Give the particles of a 3D refinement',
    });
  }
  return { rotDeg: particles.angleRotDeg, tiltDeg: particles.angleTiltDeg, count: particles.count, warnings };
}
