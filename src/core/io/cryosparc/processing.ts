import { FormatError } from '../../errors.js';
import { DEFOCUS_A, FINITE } from '../fields.js';
import type { CtfEstimate } from '../../model/ctf.js';
import { perMicrograph } from '../ctf-star.js';
import type { NpyTable } from '../npy.js';
import { micrographKey, type MicrographPicks } from '../processing/picks.js';

/**
 * cryoSPARC processing outputs beside particles: exposures (per-micrograph CTF: ctf/df1_A, df2_A, df_angle_rad,
 * ctf/ctf_fit_to_A, ctf/cross_corr_ctffind4 when CTFFIND ran, ctf/phase_shift_rad) — or particles, whose per-particle
 * CTF rows are grouped by micrograph as a RELION particle STAR's are — and picks (particles with
 * location/center_x_frac, center_y_frac as fractions of location/micrograph_shape = [ny, nx]).
 */
export function ctfFromCryosparcExposures(cs: NpyTable, source: string): CtfEstimate[] {
  const particles = !cs.has('micrograph_blob/path') && micrographOfParticles(cs);
  if (particles) return perMicrograph(ctfRows(cs, source, particles));
  return ctfRows(cs, source, null);
}

/**
 * The micrograph of each particle row (cryoSPARC writes one row per particle): location/micrograph_uid, else
 * location/micrograph_path, else the particle stack blob/path (one per micrograph after extraction); null when the
 * table has none of them (then its rows are read as micrographs). A uid (uint64) is read as a double: two
 * micrographs' random uids would have to lie within 2¹¹ of each other to merge.
 */
export function micrographOfParticles(cs: NpyTable): string[] | null {
  const paths = cs.has('location/micrograph_path') ? cs.strings('location/micrograph_path') : null;
  const clean = (p: string): string => p.replace(/^>/, '');
  if (cs.has('location/micrograph_uid')) {
    const uid = cs.numbers('location/micrograph_uid');
    return Array.from(uid, (u, i) => (paths?.[i] ? clean(paths[i]!) : `micrograph uid ${u}`));
  }
  if (paths) return paths.map(clean);
  return cs.has('blob/path') ? cs.strings('blob/path').map(clean) : null;
}

function ctfRows(cs: NpyTable, source: string, micrographs: string[] | null): CtfEstimate[] {
  for (const f of ['ctf/df1_A', 'ctf/df2_A', 'ctf/df_angle_rad'])
    if (!cs.has(f))
      throw new FormatError('field is missing', {
        source,
        field: f,
        expected: `${f} (exposures from a CTF job, or particles carrying their CTF)`,
      });
  const du = cs.numbers('ctf/df1_A', DEFOCUS_A),
    dv = cs.numbers('ctf/df2_A', DEFOCUS_A),
    ang = cs.numbers('ctf/df_angle_rad', FINITE);
  const num = (f: string): Float64Array | null => (cs.has(f) ? cs.numbers(f, FINITE) : null);
  const fit = num('ctf/ctf_fit_to_A');
  const cc = num('ctf/cross_corr_ctffind4');
  const phase = num('ctf/phase_shift_rad');
  const names = micrographs ?? (cs.has('micrograph_blob/path') ? cs.strings('micrograph_blob/path') : null);
  return Array.from({ length: cs.rows }, (_, i) => ({
    micrograph: names?.[i]?.replace(/^>/, '') ?? `micrograph ${i + 1}`,
    defocusUA: du[i]!,
    defocusVA: dv[i]!,
    astigmatismAngleDeg: (ang[i]! * 180) / Math.PI,
    phaseShiftRad: phase?.[i] ?? 0,
    crossCorrelation: cc?.[i] ?? NaN,
    fitResolutionA: fit?.[i] ?? NaN,
    tiltAxisDeg: null,
    tiltAngleDeg: null,
    thicknessA: null,
  }));
}

export function picksFromCryosparc(cs: NpyTable, source: string): MicrographPicks[] {
  for (const f of ['location/center_x_frac', 'location/center_y_frac', 'location/micrograph_shape'])
    if (!cs.has(f))
      throw new FormatError('field is missing', { source, field: f, expected: `${f} (particles from a picker)` });
  const fx = cs.numbers('location/center_x_frac', FINITE),
    fy = cs.numbers('location/center_y_frac', FINITE),
    shape = cs.numbers('location/micrograph_shape', FINITE);
  const mic = cs.has('location/micrograph_path')
    ? cs.strings('location/micrograph_path').map((p) => micrographKey(p.replace(/^>/, '')))
    : new Array<string>(cs.rows).fill(micrographKey(source));
  const out = new Map<string, MicrographPicks>();
  for (let i = 0; i < cs.rows; i++) {
    let p = out.get(mic[i]!);
    if (!p) out.set(mic[i]!, (p = { micrograph: mic[i]!, xPx: [], yPx: [] }));
    p.xPx.push(fx[i]! * shape[2 * i + 1]!);
    p.yPx.push(fy[i]! * shape[2 * i]!);
  }
  return [...out.values()];
}
