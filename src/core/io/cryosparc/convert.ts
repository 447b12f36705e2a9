import { FormatError, type Warning } from '../../errors.js';
import { DEFOCUS_A, FINITE, PIXEL_A } from '../fields.js';
import type { NpyTable } from '../npy.js';
import type { StarTableOut } from '../star/write.js';
import { DEG, mat3, matrixToEuler, rotationVectorToRelionMatrix } from '../../geometry/rotation.js';
import { RLN } from '../star/labels.js';

export interface CsToStarResult {
  tables: StarTableOut[];
  warnings: Warning[];
}

type Col = { name: string; values: Float64Array | number[] | string[] };

/**
 * A cryoSPARC particle .cs as RELION 3.1 data_optics + data_particles, following pyem's csparc2star:
 * defocus from ctf/df1_A, df2_A, df_angle_rad (→ degrees); optics from ctf/accel_kv, cs_mm,
 * amp_contrast and blob/psize_A; image 'idx+1@path'; poses from alignments3D/pose (rotation vector →
 * ZYZ Euler, degrees); shifts alignments3D/shift (pixels) × pixel size → rlnOriginX/YAngst.
 */
export function csToStar(cs: NpyTable, source: string): CsToStarResult {
  const warnings: Warning[] = [];
  const require = (name: string): void => {
    if (!cs.has(name))
      throw new FormatError('field is missing', {
        source,
        field: name,
        expected: `${name} (a particle .cs from cryoSPARC 2 or later)`,
      });
  };
  // A pose-only .cs (exported alignments, no blob/* fields) still carries the angles: read them, and
  // leave out the image names, pixel size and shifts it cannot give.
  const blob = cs.has('blob/path') && cs.has('blob/idx');
  if (!blob && !cs.has('alignments3D/pose')) ['blob/path', 'blob/idx', 'blob/psize_A'].forEach(require);
  if (blob) require('blob/psize_A');
  const n = cs.rows;
  const psize = blob ? cs.numbers('blob/psize_A', PIXEL_A) : new Float64Array(n).fill(NaN);
  const { groupOf, optics } = opticsGroups(cs, psize);
  const cols: Col[] = [];
  if (blob) {
    const paths = cs.strings('blob/path').map((p) => p.replace(/^>/, ''));
    const idx = cs.numbers('blob/idx', FINITE);
    cols.push({ name: RLN.imageName, values: paths.map((p, i) => `${String(idx[i]! + 1).padStart(6, '0')}@${p}`) });
  } else {
    warnings.push({
      code: 'no-blob',
      message:
        `${source}: no blob/path (a pose-only export): image names, pixel size and shifts left out; the ` +
        `angles are read`,
    });
  }
  if (cs.has('location/micrograph_path'))
    cols.push({
      name: RLN.micrographName,
      values: cs.strings('location/micrograph_path').map((p) => p.replace(/^>/, '')),
    });
  addCoordinates(cs, cols);
  if (cs.has('ctf/df1_A')) {
    cols.push({ name: RLN.defocusU, values: cs.numbers('ctf/df1_A', DEFOCUS_A) });
    cols.push({ name: RLN.defocusV, values: cs.numbers('ctf/df2_A', DEFOCUS_A) });
    cols.push({ name: RLN.defocusAngle, values: cs.numbers('ctf/df_angle_rad', FINITE).map((r) => r * DEG) });
  } else warnings.push({ code: 'no-ctf', message: `${source}: no ctf/df1_A field; defocus columns left out` });
  if (cs.has('ctf/phase_shift_rad'))
    cols.push({ name: RLN.phaseShift, values: cs.numbers('ctf/phase_shift_rad', FINITE).map((r) => r * DEG) });
  addPoses(cs, psize, cols, warnings, source);
  cols.push({ name: RLN.opticsGroup, values: Array.from(groupOf, (g) => g + 1) });
  if (cs.has('alignments3D/split')) {
    const split = cs.numbers('alignments3D/split', FINITE);
    if (new Set(split).size > 1) cols.push({ name: RLN.randomSubset, values: split.map((s) => s + 1) });
  }
  for (const c of cols)
    if (c.values.length !== n) throw new Error(`internal: column ${c.name} has ${c.values.length} rows, expected ${n}`);
  return {
    tables: [
      { name: 'optics', loop: { columns: optics.map((c) => c.name), values: optics.map((c) => c.values) } },
      { name: 'particles', loop: { columns: cols.map((c) => c.name), values: cols.map((c) => c.values) } },
    ],
    warnings,
  };
}

function opticsGroups(cs: NpyTable, psize: Float64Array): { groupOf: Int32Array; optics: Col[] } {
  const get = (name: string): Float64Array | null => (cs.has(name) ? cs.numbers(name, FINITE) : null);
  const volt = get('ctf/accel_kv');
  const csmm = get('ctf/cs_mm');
  const amp = get('ctf/amp_contrast');
  const exp = get('ctf/exp_group_id');
  const shape = get('blob/shape');
  const shapeCount = cs.has('blob/shape') ? cs.field('blob/shape').count : 0;
  const keys = new Map<string, number>();
  const groupOf = new Int32Array(cs.rows);
  const rows: number[] = [];
  for (let i = 0; i < cs.rows; i++) {
    const key = [exp?.[i], volt?.[i], csmm?.[i], amp?.[i], psize[i], shape?.[i * shapeCount]].join('|');
    let g = keys.get(key);
    if (g === undefined) {
      g = rows.length;
      keys.set(key, g);
      rows.push(i);
    }
    groupOf[i] = g;
  }
  const optics: Col[] = [
    { name: RLN.opticsGroup, values: rows.map((_, g) => g + 1) },
    { name: RLN.opticsGroupName, values: rows.map((_, g) => `opticsGroup${g + 1}`) },
  ];
  if (amp) optics.push({ name: RLN.amplitudeContrast, values: rows.map((i) => amp[i]!) });
  if (csmm) optics.push({ name: RLN.sphericalAberration, values: rows.map((i) => csmm[i]!) });
  if (volt) optics.push({ name: RLN.voltage, values: rows.map((i) => volt[i]!) });
  if (psize.every(Number.isFinite)) optics.push({ name: RLN.imagePixelSize, values: rows.map((i) => psize[i]!) });
  if (shape) optics.push({ name: RLN.imageSize, values: rows.map((i) => shape[i * shapeCount]!) });
  optics.push({ name: RLN.imageDimensionality, values: rows.map(() => 2) });
  return { groupOf, optics };
}

/** Coordinates as pyem's default: fraction × micrograph shape, with shape read as (ny, nx). */
function addCoordinates(cs: NpyTable, cols: Col[]): void {
  if (!cs.has('location/center_x_frac') || !cs.has('location/micrograph_shape')) return;
  const fx = cs.numbers('location/center_x_frac', FINITE);
  const fy = cs.numbers('location/center_y_frac', FINITE);
  const shape = cs.numbers('location/micrograph_shape', FINITE);
  cols.push({ name: RLN.coordinateX, values: fx.map((f, i) => Math.round(f * shape[2 * i + 1]!)) });
  cols.push({ name: RLN.coordinateY, values: fy.map((f, i) => Math.round(f * shape[2 * i]!)) });
}

function addPoses(cs: NpyTable, psize: Float64Array, cols: Col[], warnings: Warning[], source: string): void {
  if (!cs.has('alignments3D/pose')) {
    warnings.push({ code: 'no-pose', message: `${source}: no alignments3D/pose field; angles left out` });
    return;
  }
  const pose = cs.numbers('alignments3D/pose', FINITE);
  const n = cs.rows;
  const rot = new Float64Array(n),
    tilt = new Float64Array(n),
    psi = new Float64Array(n);
  const m = mat3();
  for (let i = 0; i < n; i++) {
    rotationVectorToRelionMatrix(m, pose[3 * i]!, pose[3 * i + 1]!, pose[3 * i + 2]!);
    const [a, b, c] = matrixToEuler(m);
    rot[i] = a * DEG;
    tilt[i] = b * DEG;
    psi[i] = c * DEG;
  }
  cols.push(
    { name: RLN.angleRot, values: rot },
    { name: RLN.angleTilt, values: tilt },
    { name: RLN.anglePsi, values: psi },
  );
  if (cs.has('alignments3D/shift') && psize.every(Number.isFinite)) {
    const shift = cs.numbers('alignments3D/shift', FINITE);
    cols.push({ name: RLN.originXAngst, values: psize.map((p, i) => shift[2 * i]! * p) });
    cols.push({ name: RLN.originYAngst, values: psize.map((p, i) => shift[2 * i + 1]! * p) });
  }
}
