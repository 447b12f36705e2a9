/**
 * Rotations as row-major 3×3 matrices in a Float64Array(9), and RELION's ZYZ Euler convention
 * (rot, tilt, psi; Heymann, Chagoyen & Belnap 2005; RELION euler.cpp Euler_angles2matrix).
 * Functions write into an output argument so loops over particles allocate nothing.
 */
export type Mat3 = Float64Array;

export function mat3(): Mat3 {
  return new Float64Array(9);
}

/** RELION's Euler matrix A(rot, tilt, psi); its third row is the viewing direction. */
export function eulerToMatrix(out: Mat3, rotRad: number, tiltRad: number, psiRad: number): Mat3 {
  const ca = Math.cos(rotRad),
    sa = Math.sin(rotRad);
  const cb = Math.cos(tiltRad),
    sb = Math.sin(tiltRad);
  const cg = Math.cos(psiRad),
    sg = Math.sin(psiRad);
  const cc = cb * ca,
    cs = cb * sa,
    sc = sb * ca,
    ss = sb * sa;
  out[0] = cg * cc - sg * sa;
  out[1] = cg * cs + sg * ca;
  out[2] = -cg * sb;
  out[3] = -sg * cc - cg * sa;
  out[4] = -sg * cs + cg * ca;
  out[5] = sg * sb;
  out[6] = sc;
  out[7] = ss;
  out[8] = cb;
  return out;
}

/** Inverse of eulerToMatrix, in radians [rot, tilt, psi]; tilt in [0, π]. */
export function matrixToEuler(m: Mat3): [number, number, number] {
  const sb = Math.hypot(m[2]!, m[5]!);
  if (sb > 16 * Number.EPSILON) {
    const psi = Math.atan2(m[5]!, -m[2]!);
    const rot = Math.atan2(m[7]!, m[6]!);
    const tilt = Math.atan2(sb, m[8]!);
    return [rot, tilt, psi];
  }
  // Gimbal lock: put all in-plane rotation into psi.
  return m[8]! > 0 ? [0, 0, Math.atan2(-m[3]!, m[0]!)] : [0, Math.PI, Math.atan2(m[3]!, -m[0]!)];
}

/**
 * cryoSPARC stores a pose as a rotation vector (axis × angle, radians). pyem's csparc2star reads it
 * as the transpose of the usual Rodrigues matrix and treats that as RELION's Euler matrix; we follow
 * pyem so converted angles match what RELION users already have.
 */
export function rotationVectorToRelionMatrix(out: Mat3, x: number, y: number, z: number): Mat3 {
  const theta = Math.hypot(x, y, z);
  if (theta < 1e-16) {
    out.fill(0);
    out[0] = out[4] = out[8] = 1;
    return out;
  }
  const wx = x / theta,
    wy = y / theta,
    wz = z / theta;
  const s = Math.sin(theta),
    c = 1 - Math.cos(theta);
  // R = I + s·K + c·K², K = [[0, wz, −wy], [−wz, 0, wx], [wy, −wx, 0]] (transposed cross-product matrix).
  out[0] = 1 - c * (wy * wy + wz * wz);
  out[1] = s * wz + c * wx * wy;
  out[2] = -s * wy + c * wx * wz;
  out[3] = -s * wz + c * wx * wy;
  out[4] = 1 - c * (wx * wx + wz * wz);
  out[5] = s * wx + c * wy * wz;
  out[6] = s * wy + c * wx * wz;
  out[7] = -s * wx + c * wy * wz;
  out[8] = 1 - c * (wx * wx + wy * wy);
  return out;
}

export const DEG = 180 / Math.PI;
