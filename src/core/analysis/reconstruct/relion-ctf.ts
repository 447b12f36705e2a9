/** One particle's CTF as RELION reads it (defocus positive = underfocus, Å; angles in degrees). */
export interface ParticleCtf {
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  defocusUA: number;
  defocusVA: number;
  defocusAngleDeg: number;
  phaseShiftDeg: number;
  /** RELION's rlnCtfBfactor: the envelope exp(−B·k²/4); positive B damps. */
  bfactorA2: number;
  /** rlnCtfScalefactor. */
  scale: number;
}

/**
 * RELION's CTF on an n×n image's FFTW half grid ([y][x], x = 0 … n/2), written into `out`:
 * −sin γ · exp(−B k²/4) · scale, γ = K1·(kᵀ A k) + K2·k⁴ − φ − atan(Q0/√(1 − Q0²)), A the astigmatic
 * defocus as a bilinear form (RELION ctf.cpp CTF::initialise, ctf.h getCTF; getFftwImage without padding,
 * as relion_reconstruct calls it). |CTF| below 1e-8 becomes ±1e-8 as in RELION.
 */
export function relionCtfHalf(c: ParticleCtf, n: number, pixelSizeA: number, out: Float64Array): Float64Array {
  const nh = (n >> 1) + 1;
  const volts = c.voltageKv * 1e3;
  // RELION's constant (ctf.cpp), one more digit than CTFFIND's: the CTF is RELION's to the last bit.
  const lambda = 12.2643247 / Math.sqrt(volts * (1 + volts * 0.978466e-6));
  const k1 = Math.PI * lambda;
  const k2 = (Math.PI / 2) * c.csMm * 1e7 * lambda ** 3;
  const q0 = c.amplitudeContrast;
  const k3 = Math.atan(q0 / Math.sqrt(1 - q0 * q0));
  const k4 = -c.bfactorA2 / 4;
  const k5 = (c.phaseShiftDeg * Math.PI) / 180;
  const az = (c.defocusAngleDeg * Math.PI) / 180;
  const ca = Math.cos(az),
    sa = Math.sin(az);
  // A = Qᵀ·diag(−U, −V)·Q with Q = [[cos, sin], [−sin, cos]].
  const u = -c.defocusUA,
    v = -c.defocusVA;
  const axx = ca * ca * u + sa * sa * v;
  const axy = ca * sa * (u - v);
  const ayy = sa * sa * u + ca * ca * v;
  const inv = 1 / (n * pixelSizeA);
  const damp = k4 !== 0;
  for (let i = 0; i < n; i++) {
    const y = (i < nh ? i : i - n) * inv;
    const row = i * nh;
    for (let j = 0; j < nh; j++) {
      const x = j * inv;
      const u2 = x * x + y * y;
      const gamma = k1 * (axx * x * x + 2 * axy * x * y + ayy * y * y) + k2 * u2 * u2 - k5 - k3;
      let value = -Math.sin(gamma);
      if (damp) value *= Math.exp(k4 * u2);
      value *= c.scale;
      if (Math.abs(value) < 1e-8) value = value < 0 ? -1e-8 : value > 0 ? 1e-8 : 0;
      out[row + j] = value;
    }
  }
  return out;
}
