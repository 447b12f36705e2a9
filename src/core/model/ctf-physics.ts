/**
 * The contrast transfer function. χ(k, α) = π·λ·k²·(Δf(α) − ½·λ²·k²·Cs) + φ + atan(w/√(1 − w²)),
 * Δf(α) = ½[Δf_U + Δf_V + (Δf_U − Δf_V)·cos 2(α − α_ast)] (positive = underfocus); CTFFIND / cisTEM
 * write CTF = −sin χ (cisTEM ctf.cpp), RELION the opposite sign (ctf.h: its Δf is negative for
 * underfocus), both optionally × exp(−B·k²/4).
 */
export type CtfConvention = 'ctffind' | 'relion';

export interface CtfParameters {
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  defocusUA: number;
  defocusVA: number;
  astigmatismAngleDeg: number;
  phaseShiftRad?: number;
  /** Envelope B-factor, Å². */
  bfactorA2?: number;
}

/** Relativistic electron wavelength in Å (V in volts): 12.2643 / √(V·(1 + 0.978466e-6·V)). */
export function wavelengthA(voltageKv: number): number {
  const v = voltageKv * 1000;
  return 12.2643 / Math.sqrt(v * (1 + 0.978466e-6 * v));
}

/** Precomputed constants of one CTF; evaluate with chi()/value() at spatial frequencies in 1/Å. */
export class Ctf {
  readonly lambdaA: number;
  private readonly csA: number;
  private readonly phase0: number;
  private readonly astRad: number;

  constructor(readonly p: CtfParameters) {
    if (!(p.voltageKv > 0)) throw new RangeError(`voltage must be positive, got ${p.voltageKv} kV`);
    if (!(p.amplitudeContrast >= 0 && p.amplitudeContrast < 1))
      throw new RangeError(`amplitude contrast must be in [0, 1), got ${p.amplitudeContrast}`);
    this.lambdaA = wavelengthA(p.voltageKv);
    this.csA = p.csMm * 1e7;
    const w = p.amplitudeContrast;
    this.phase0 = (p.phaseShiftRad ?? 0) + Math.atan(w / Math.sqrt(1 - w * w));
    this.astRad = (p.astigmatismAngleDeg * Math.PI) / 180;
  }

  /** Defocus (Å) along azimuth α (radians, from the x axis). */
  defocusA(alphaRad: number): number {
    const { defocusUA: u, defocusVA: v } = this.p;
    return 0.5 * (u + v + (u - v) * Math.cos(2 * (alphaRad - this.astRad)));
  }

  chi(kInvA: number, alphaRad: number): number {
    const k2 = kInvA * kInvA;
    const l = this.lambdaA;
    return Math.PI * l * k2 * (this.defocusA(alphaRad) - 0.5 * l * l * k2 * this.csA) + this.phase0;
  }

  value(kInvA: number, alphaRad: number, convention: CtfConvention = 'ctffind'): number {
    const env = this.p.bfactorA2 ? Math.exp((-this.p.bfactorA2 * kInvA * kInvA) / 4) : 1;
    const c = -Math.sin(this.chi(kInvA, alphaRad)) * env;
    return convention === 'ctffind' ? c : -c;
  }

  /**
   * Spatial frequencies (1/Å) of the first `count` zeros along azimuth α: χ = nπ, solved as a
   * quadratic in k² (the smaller root: the zeros before the Cs term turns χ back).
   */
  zeros(alphaRad: number, count: number): number[] {
    const l = this.lambdaA,
      df = this.defocusA(alphaRad);
    const a = (Math.PI / 2) * l ** 3 * this.csA,
      b = Math.PI * l * df;
    const out: number[] = [];
    for (let n = 1; out.length < count; n++) {
      const c = this.phase0 - n * Math.PI;
      // a·u² − b·u − c = 0 → u = (b − √(b² + 4ac)) / (2a) is the first crossing of nπ.
      const disc = b * b + 4 * a * c;
      if (disc < 0) break;
      const u = a > 0 ? (b - Math.sqrt(disc)) / (2 * a) : -c / b;
      if (!(u > 0)) continue;
      out.push(Math.sqrt(u));
    }
    return out;
  }
}

/** A 2D CTF image (n × n, origin at n/2, x fastest) at the given pixel size. */
export function ctfImage(ctf: Ctf, n: number, pixelSizeA: number, convention: CtfConvention = 'ctffind'): Float32Array {
  const out = new Float32Array(n * n);
  const c = Math.floor(n / 2);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const kx = (x - c) / (n * pixelSizeA),
        ky = (y - c) / (n * pixelSizeA);
      out[x + n * y] = ctf.value(Math.hypot(kx, ky), Math.atan2(ky, kx), convention);
    }
  return out;
}
