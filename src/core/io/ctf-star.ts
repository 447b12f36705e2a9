import { FormatError } from '../errors.js';
import type { CtfEstimate } from '../model/ctf.js';
import { DEFOCUS_A, FINITE } from './fields.js';
import type { StarDocument } from './star/read.js';
import { parseField, PlaceholderLog, type FieldKind } from './tomo/placeholders.js';
import type { StarTableOut } from './star/write.js';
import { RLN } from './star/labels.js';

/**
 * CTF results from a RELION micrographs_ctf.star (rlnDefocusU/V, rlnDefocusAngle, rlnCtfMaxResolution …), or
 * from a particle STAR (after CTF refinement): then one estimate per micrograph — the particles' median
 * defocus, figure of merit and fit resolution — with the spread of their defocus.
 */
export function ctfFromStar(doc: StarDocument): CtfEstimate[] {
  const block =
    doc.blocks.find((b) => b.loop && b.loop.has(RLN.defocusU) && b.loop.has(RLN.ctfMaxResolution)) ??
    doc.blocks.find((b) => b.loop && b.loop.has(RLN.defocusU) && b.loop.has(RLN.imageName));
  if (!block)
    throw new FormatError('no micrograph CTF table', {
      source: doc.source,
      expected:
        `a loop with _${RLN.defocusU} and _${RLN.ctfMaxResolution} (micrographs_ctf.star), ` +
        `or particles with _${RLN.defocusU}`,
    });
  const l = block.loop!;
  const du = l.numbers(RLN.defocusU, DEFOCUS_A);
  const dv = l.numbers(RLN.defocusV, DEFOCUS_A);
  const ang = l.numbers(RLN.defocusAngle, FINITE);
  // Optional columns a Warp-based RELION 5 pipeline fills with "not computed" placeholders (None, 0.000001): absent.
  const optional = (name: string, kind: FieldKind): number[] | null =>
    l.has(name) ? l.strings(name).map((t) => parseField(kind, t).value ?? NaN) : null;
  const maxres = optional(RLN.ctfMaxResolution, 'resolution');
  // RELION writes rlnPhaseShift in degrees.
  const phase = l.has(RLN.phaseShift) ? l.numbers(RLN.phaseShift) : null;
  const fom = optional(RLN.ctfFigureOfMerit, 'score');
  // Thickness is not a RELION 3.1 column; cryodx writes it (from CTFFIND5) as rlnMicrographIceThickness.
  const thick = l.has(RLN.micrographIceThickness) ? l.numbers(RLN.micrographIceThickness) : null;
  // Tilt images of a RELION 5 tilt-series STAR may be named only by their movie.
  const nameColumn = [RLN.micrographName, RLN.micrographMovieName, RLN.tomoTiltMovieFile].find((c) => l.has(c));
  const names = nameColumn ? l.strings(nameColumn) : null;
  const rows: CtfEstimate[] = Array.from({ length: l.rows }, (_, i) => ({
    micrograph: names?.[i] ?? `micrograph ${i + 1}`,
    defocusUA: du![i]!,
    defocusVA: dv![i]!,
    astigmatismAngleDeg: ang![i]!,
    phaseShiftRad: phase ? (phase[i]! * Math.PI) / 180 : 0,
    crossCorrelation: fom?.[i] ?? NaN,
    fitResolutionA: maxres?.[i] ?? NaN,
    tiltAxisDeg: null,
    tiltAngleDeg: null,
    thicknessA: thick && thick[i]! > 0 ? thick[i]! : null,
  }));
  return l.has(RLN.imageName) && names ? perMicrograph(rows) : rows;
}

/** Particles grouped by micrograph: medians, and the SD of the particles' mean defocus. */
export function perMicrograph(rows: CtfEstimate[]): CtfEstimate[] {
  const groups = new Map<string, CtfEstimate[]>();
  for (const r of rows) {
    const g = groups.get(r.micrograph);
    if (g) g.push(r);
    else groups.set(r.micrograph, [r]);
  }
  const median = (v: number[]): number => {
    const s = v.filter(Number.isFinite).sort((a, b) => a - b);
    return s.length ? s[s.length >> 1]! : NaN;
  };
  return [...groups.entries()].map(([micrograph, g]) => {
    const mean = g.map((e) => (e.defocusUA + e.defocusVA) / 2);
    const m = mean.reduce((a, b) => a + b, 0) / mean.length;
    const sd = Math.sqrt(mean.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, mean.length - 1));
    const thickness = median(g.map((e) => e.thicknessA ?? NaN));
    return {
      micrograph,
      defocusUA: median(g.map((e) => e.defocusUA)),
      defocusVA: median(g.map((e) => e.defocusVA)),
      astigmatismAngleDeg: median(g.map((e) => e.astigmatismAngleDeg)),
      phaseShiftRad: median(g.map((e) => e.phaseShiftRad)),
      crossCorrelation: median(g.map((e) => e.crossCorrelation)),
      fitResolutionA: median(g.map((e) => e.fitResolutionA)),
      tiltAxisDeg: null,
      tiltAngleDeg: null,
      thicknessA: Number.isFinite(thickness) ? thickness : null,
      particles: { count: g.length, defocusSpreadA: sd },
    };
  });
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
    RLN.micrographName,
    ...(optics ? [RLN.opticsGroup] : []),
    RLN.defocusU,
    RLN.defocusV,
    RLN.ctfAstigmatism,
    RLN.defocusAngle,
    RLN.phaseShift,
    RLN.ctfFigureOfMerit,
    RLN.ctfMaxResolution,
    ...(thick ? [RLN.micrographIceThickness] : []),
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
          RLN.opticsGroupName,
          RLN.opticsGroup,
          RLN.micrographPixelSize,
          RLN.voltage,
          RLN.sphericalAberration,
          RLN.amplitudeContrast,
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

/** The "not computed" placeholders of a CTF STAR's optional columns, one line per column ("" when none). */
export function ctfStarPlaceholders(doc: StarDocument): string[] {
  const log = new PlaceholderLog();
  for (const b of doc.blocks) {
    const l = b.loop;
    if (!l || !l.has(RLN.defocusU)) continue;
    for (const [name, kind] of [
      [RLN.ctfMaxResolution, 'resolution'],
      [RLN.ctfFigureOfMerit, 'score'],
    ] as const)
      if (l.has(name)) for (const t of l.strings(name)) log.read(`_${name}`, kind, t);
  }
  return log.list();
}
