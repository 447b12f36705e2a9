/**
 * Exposure weighting of tilts. Fixed rules: Grant & Grigorieff (2015) critical exposure
 * N_e(k) = (0.24499·k^−1.6649 + 2.8141)·s e/Å² (s = 1 at 300 kV, 0.8 at 200 kV; cisTEM
 * electron_dose.cpp), amplitude kept exp(−N/(2·N_e)); and Warp's cos(tilt). Data-driven: each tilt's
 * ring power relative to the least-exposed tilt, ln(R_i/R_ref) = 2·ln(scale) + (B/2)·k² — a per-tilt
 * B-factor (Å², negative = damped, the Warp / RELION 5 sign) and scale read off the data.
 */
export function criticalExposureEPerA2(kInvA: number, voltageKv = 300): number {
  const s = voltageKv >= 300 ? 1 : voltageKv >= 200 ? 0.8 : 0.8;
  return (0.24499 * kInvA ** -1.6649 + 2.8141) * s;
}

/** Amplitude that survives an exposure N (e/Å²) at frequency k. */
export function doseFilter(kInvA: number, exposureEPerA2: number, voltageKv = 300): number {
  return Math.exp(-exposureEPerA2 / (2 * criticalExposureEPerA2(kInvA, voltageKv)));
}

export interface EnvelopeFit {
  bfactorA2: number;
  scale: number;
  bins: number;
}

/**
 * B and scale of one tilt against the reference, by least squares on ln(R_i/R_ref) over the bins
 * (k in 1/Å, ringPower per bin) where both tilts still show rings; null with fewer than 4 such bins.
 */
export function relativeEnvelope(
  kInvA: ArrayLike<number>,
  ringPower: ArrayLike<number>,
  referencePower: ArrayLike<number>,
  kMinInvA: number,
  kMaxInvA: number,
): EnvelopeFit | null {
  let n = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let b = 0; b < kInvA.length; b++) {
    const k = kInvA[b]!,
      r = ringPower[b]!,
      r0 = referencePower[b]!;
    if (k < kMinInvA || k > kMaxInvA || !(r > 0) || !(r0 > 0)) continue;
    const x = k * k,
      y = Math.log(r / r0);
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const det = n * sxx - sx * sx;
  if (n < 4 || !(det > 0)) return null;
  const slope = (n * sxy - sx * sy) / det,
    intercept = (sy - slope * sx) / n;
  return { bfactorA2: 2 * slope, scale: Math.exp(intercept / 2), bins: n };
}
