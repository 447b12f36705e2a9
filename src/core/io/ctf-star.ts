import { FormatError } from '../errors.js';
import type { CtfEstimate } from '../model/ctf.js';
import type { StarDocument } from './star/read.js';
import type { StarTableOut } from './star/write.js';

/** CTF results from a RELION micrographs_ctf.star (rlnDefocusU/V, rlnDefocusAngle, rlnCtfMaxResolution …). */
export function ctfFromStar(doc: StarDocument): CtfEstimate[] {
  const block = doc.blocks.find((b) => b.loop && b.loop.has('rlnDefocusU') && b.loop.has('rlnCtfMaxResolution'));
  if (!block)
    throw new FormatError('no micrograph CTF table', {
      source: doc.source,
      expected: 'a loop with _rlnDefocusU and _rlnCtfMaxResolution (micrographs_ctf.star)',
    });
  const l = block.loop!;
  const [du, dv, ang, maxres] = l.numberColumns([
    'rlnDefocusU',
    'rlnDefocusV',
    'rlnDefocusAngle',
    'rlnCtfMaxResolution',
  ]);
  // RELION writes rlnPhaseShift in degrees.
  const phase = l.has('rlnPhaseShift') ? l.numbers('rlnPhaseShift') : null;
  const fom = l.has('rlnCtfFigureOfMerit') ? l.numbers('rlnCtfFigureOfMerit') : null;
  // Thickness is not a RELION 3.1 column; cryodx writes it (from CTFFIND5) as rlnMicrographIceThickness.
  const thick = l.has('rlnMicrographIceThickness') ? l.numbers('rlnMicrographIceThickness') : null;
  const names = l.has('rlnMicrographName') ? l.strings('rlnMicrographName') : null;
  return Array.from({ length: l.rows }, (_, i) => ({
    micrograph: names?.[i] ?? `micrograph ${i + 1}`,
    defocusUA: du![i]!,
    defocusVA: dv![i]!,
    astigmatismAngleDeg: ang![i]!,
    phaseShiftRad: phase ? (phase[i]! * Math.PI) / 180 : 0,
    crossCorrelation: fom?.[i] ?? NaN,
    fitResolutionA: maxres![i]!,
    tiltAxisDeg: null,
    tiltAngleDeg: null,
    thicknessA: thick && thick[i]! > 0 ? thick[i]! : null,
  }));
}

/** Optics of a micrographs_ctf.star's data_optics block (RELION 3.1+). */
export interface CtfStarOptics {
  pixelSizeA: number;
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
}

/**
 * A RELION micrographs_ctf.star: the optics block when the optics are known, and the micrographs
 * table with RELION's CTFFIND columns (rlnPhaseShift in degrees, as RELION writes it).
 * rlnMicrographIceThickness is cryodx's column for CTFFIND5's thickness (RELION ignores unknown columns).
 */
export function ctfToStar(estimates: CtfEstimate[], optics?: CtfStarOptics): StarTableOut[] {
  const col = (f: (e: CtfEstimate) => number | string): (number | string)[] => estimates.map(f);
  const thick = estimates.some((e) => e.thicknessA !== null);
  const columns = [
    'rlnMicrographName',
    ...(optics ? ['rlnOpticsGroup'] : []),
    'rlnDefocusU',
    'rlnDefocusV',
    'rlnCtfAstigmatism',
    'rlnDefocusAngle',
    'rlnPhaseShift',
    'rlnCtfFigureOfMerit',
    'rlnCtfMaxResolution',
    ...(thick ? ['rlnMicrographIceThickness'] : []),
  ];
  const values = [
    col((e) => e.micrograph),
    ...(optics ? [col(() => 1)] : []),
    col((e) => e.defocusUA),
    col((e) => e.defocusVA),
    col((e) => Math.abs(e.defocusUA - e.defocusVA)),
    col((e) => e.astigmatismAngleDeg),
    col((e) => (e.phaseShiftRad * 180) / Math.PI),
    col((e) => e.crossCorrelation),
    col((e) => e.fitResolutionA),
    ...(thick ? [col((e) => e.thicknessA ?? 0)] : []),
  ];
  const tables: StarTableOut[] = [];
  if (optics) {
    tables.push({
      name: 'optics',
      loop: {
        columns: [
          'rlnOpticsGroupName',
          'rlnOpticsGroup',
          'rlnMicrographPixelSize',
          'rlnVoltage',
          'rlnSphericalAberration',
          'rlnAmplitudeContrast',
        ],
        values: [
          ['opticsGroup1'],
          [1],
          [optics.pixelSizeA],
          [optics.voltageKv],
          [optics.csMm],
          [optics.amplitudeContrast],
        ],
      },
    });
  }
  tables.push({ name: 'micrographs', loop: { columns, values: values as (number[] | string[])[] } });
  return tables;
}
