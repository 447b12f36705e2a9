import { FormatError, InputError, type Warning } from '../../errors.js';
import { maybeGunzip } from '../../io/bytes.js';
import { csToStar } from '../../io/cryosparc/convert.js';
import { detectFormat } from '../../io/detect.js';
import { readNpy } from '../../io/npy.js';
import { readParticles } from '../../io/star/particles.js';
import { readStar, type StarDocument } from '../../io/star/read.js';
import { writeStar } from '../../io/star/write.js';
import type { NamedBytes } from '../job.js';
import { RLN } from '../../io/star/labels.js';

/** A particle file as a STAR document: RELION STAR (3.0–5) as is, cryoSPARC .cs through pyem's conventions. */
export function particleStar(file: NamedBytes): { doc: StarDocument; warnings: Warning[] } {
  const bytes = maybeGunzip(file.bytes, file.name);
  const kind = detectFormat(file.name, bytes.subarray(0, 4096));
  if (kind === 'npy') {
    const cs = csToStar(readNpy(bytes, file.name), file.name);
    return { doc: readStar(writeStar(cs.tables), { source: file.name }), warnings: cs.warnings };
  }
  if (kind === 'star') return { doc: readStar(bytes, { source: file.name }), warnings: [] };
  throw new InputError(`${file.name}: expected a RELION particle STAR or a cryoSPARC .cs file`);
}

/** Particle angles (rot, tilt in degrees) from a refinement's particle file. */
export function particleAngles(file: NamedBytes): {
  rotDeg: ArrayLike<number>;
  tiltDeg: ArrayLike<number>;
  count: number;
  warnings: Warning[];
} {
  const star = particleStar(file);
  const { particles, warnings: read } = readParticles(star.doc);
  const warnings = [...star.warnings.filter((w) => w.code !== 'no-ctf'), ...read];
  if (!particles.angleRotDeg || !particles.angleTiltDeg) {
    throw new FormatError('the particles have no angles', {
      source: file.name,
      expected: `_${RLN.angleRot} and _${RLN.angleTilt} (or alignments3D/pose in a .cs)`,
      hint: 'Give the particles of a 3D refinement',
    });
  }
  return { rotDeg: particles.angleRotDeg, tiltDeg: particles.angleTiltDeg, count: particles.count, warnings };
}
