import type { ParticleDefocus } from '../analysis/tomo/particles.js';
import type { TiltRow } from '../analysis/tomo/tilt-series.js';
import type { StarTableOut } from '../io/star/write.js';
import { RLN } from '../io/star/labels.js';

/**
 * RELION 5-style per-particle, per-tilt CTF: one row per particle and tilt with its defocus U/V
 * (the tilt's astigmatism moved by the particle's height). rlnTomoTiltIndex (1-based stack index) is
 * cryodx's column.
 */
export function particleDefocusStar(particles: ParticleDefocus[], tilts: TiltRow[]): StarTableOut[] {
  const cols: number[][] = Array.from({ length: 9 }, () => []);
  particles.forEach((p, j) =>
    tilts.forEach((t, i) => {
      const shift = p.defocusAPerTilt[i]! - (t.defocusUA + t.defocusVA) / 2;
      [
        j + 1,
        p.xA,
        p.yA,
        p.zA,
        i + 1,
        t.tiltDeg,
        t.defocusUA + shift,
        t.defocusVA + shift,
        t.astigmatismAngleDeg,
      ].forEach((v, c) => cols[c]!.push(v));
    }),
  );
  return [
    {
      name: 'particle_tilts',
      loop: {
        columns: [
          RLN.tomoParticleId,
          RLN.centeredCoordinateXAngst,
          RLN.centeredCoordinateYAngst,
          RLN.centeredCoordinateZAngst,
          RLN.tomoTiltIndex,
          RLN.tomoNominalStageTiltAngle,
          RLN.defocusU,
          RLN.defocusV,
          RLN.defocusAngle,
        ],
        values: cols,
      },
    },
  ];
}

/** The per-tilt table a RELION 5 / Warp user can use: defocus, pre-exposure, B-factor and scale per tilt. */
export function tiltSeriesStar(tilts: TiltRow[], tiltAxisDeg: number): StarTableOut[] {
  const col = (f: (t: TiltRow) => number): number[] => tilts.map(f);
  return [
    {
      name: 'tilt_series',
      loop: {
        columns: [
          RLN.tomoNominalStageTiltAngle,
          RLN.tomoNominalTiltAxisAngle,
          RLN.micrographPreExposure,
          RLN.defocusU,
          RLN.defocusV,
          RLN.defocusAngle,
          RLN.ctfMaxResolution,
          RLN.ctfFigureOfMerit,
          RLN.ctfBfactor,
          RLN.ctfScalefactor,
        ],
        values: [
          col((t) => t.tiltDeg),
          col(() => tiltAxisDeg),
          col((t) => t.preExposureEPerA2),
          col((t) => t.defocusUA),
          col((t) => t.defocusVA),
          col((t) => t.astigmatismAngleDeg),
          col((t) => t.fitResolutionA),
          col((t) => t.score),
          col((t) => t.bfactorA2),
          col((t) => t.scale),
        ],
      },
    },
  ];
}
