import type { TomoParticle } from '../../io/tomo-particles.js';
import { particleDefocusA, type Handedness } from './geometry.js';
import type { TiltRow } from './tilt-series.js';

export interface ParticleDefocus extends TomoParticle {
  /** Mean defocus (Å) of the particle in every tilt, in stack order. */
  defocusAPerTilt: number[];
}

export function particleDefoci(particles: TomoParticle[], tilts: TiltRow[], handedness: Handedness): ParticleDefocus[] {
  return particles.map((p) => ({
    ...p,
    defocusAPerTilt: tilts.map((t) =>
      particleDefocusA(p.xA, p.zA, t.tiltDeg, (t.defocusUA + t.defocusVA) / 2, handedness),
    ),
  }));
}
