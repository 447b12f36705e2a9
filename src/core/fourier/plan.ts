/**
 * Complex FFT plans for any length: mixed-radix Stockham (radices 4, 2, 3, 5 and direct odd
 * radices up to 31), Bluestein's chirp-z for lengths with a larger prime factor. Never pads:
 * padding would change the Fourier shells.
 *
 * The kernels transform `batch` interleaved signals at once: element j of signal b lives at
 * 2·(j·batch + b). With batch = number of x-columns this runs the y and z passes of a 3D
 * transform over contiguous memory instead of strided single lines.
 */
export interface Stage {
  radix: number;
  /** Size of the sub-transforms already done before this stage. */
  span: number;
  /** Twiddles for k < span, r < radix: exp(∓2πi·k·r/(span·radix)), interleaved [k][r]. */
  twiddle: Float64Array;
}

export interface FftPlan {
  n: number;
  stages: Stage[];
  /** Set when n has a prime factor > MAX_DIRECT_RADIX: transform by chirp-z convolution. */
  bluestein: BluesteinPlan | null;
  /** Roots of unity exp(-2πi·m/r) for the direct odd radices, keyed by radix. */
  roots: Map<number, Float64Array>;
}

export interface BluesteinPlan {
  m: number;
  inner: FftPlan;
  /** chirp w[j] = exp(-πi·j²/n), j < n. */
  chirp: Float64Array;
  /** FFT of the conjugate chirp, zero-padded and wrapped to length m. */
  kernelSpectrum: Float64Array;
}

const MAX_DIRECT_RADIX = 31;
const cache = new Map<number, FftPlan>();

export function factorize(n: number): number[] {
  const f: number[] = [];
  while (n % 4 === 0) {
    f.push(4);
    n /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (n % p === 0) {
      f.push(p);
      n /= p;
    }
  }
  for (let p = 7; p * p <= n; p += 2) {
    while (n % p === 0) {
      f.push(p);
      n /= p;
    }
  }
  if (n > 1) f.push(n);
  return f;
}

export function planFft(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  const cached = cache.get(n);
  if (cached) return cached;
  const factors = factorize(n);
  const plan: FftPlan = factors.some((p) => p > MAX_DIRECT_RADIX)
    ? { n, stages: [], bluestein: planBluestein(n), roots: new Map() }
    : { n, stages: makeStages(n, factors), bluestein: null, roots: makeRoots(factors) };
  cache.set(n, plan);
  return plan;
}

function makeStages(n: number, factors: number[]): Stage[] {
  const stages: Stage[] = [];
  let span = 1;
  for (const radix of factors) {
    const tw = new Float64Array(2 * span * radix);
    for (let k = 0; k < span; k++) {
      for (let r = 0; r < radix; r++) {
        const a = (-2 * Math.PI * k * r) / (span * radix);
        tw[2 * (k * radix + r)] = Math.cos(a);
        tw[2 * (k * radix + r) + 1] = Math.sin(a);
      }
    }
    stages.push({ radix, span, twiddle: tw });
    span *= radix;
  }
  if (span !== n) throw new Error(`internal: factors of ${n} multiply to ${span}`);
  return stages;
}

function makeRoots(factors: number[]): Map<number, Float64Array> {
  const roots = new Map<number, Float64Array>();
  for (const r of factors) {
    if (r <= 5 || roots.has(r)) continue;
    const w = new Float64Array(2 * r);
    for (let m = 0; m < r; m++) {
      w[2 * m] = Math.cos((-2 * Math.PI * m) / r);
      w[2 * m + 1] = Math.sin((-2 * Math.PI * m) / r);
    }
    roots.set(r, w);
  }
  return roots;
}

/** Smallest 2^a·3^b·5^c ≥ x (the inner length of a Bluestein transform). */
function smoothAtLeast(x: number): number {
  let best = Infinity;
  for (let a = 1; a < 2 * x; a *= 2)
    for (let b = a; b < 2 * x; b *= 3) for (let c = b; c < 2 * x; c *= 5) if (c >= x && c < best) best = c;
  return best;
}

function planBluestein(n: number): BluesteinPlan {
  const m = smoothAtLeast(2 * n - 1);
  const inner = planFft(m);
  const chirp = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    // j² mod 2n keeps the angle small and exact for large n.
    const a = (-Math.PI * ((j * j) % (2 * n))) / n;
    chirp[2 * j] = Math.cos(a);
    chirp[2 * j + 1] = Math.sin(a);
  }
  return { m, inner, chirp, kernelSpectrum: bluesteinKernel(chirp, n, m) };
}

/** The conjugate chirp, zero-padded and wrapped to length m (before its transform). */
export function bluesteinKernel(chirp: Float64Array, n: number, m: number): Float64Array {
  const kernel = new Float64Array(2 * m);
  for (let j = 0; j < n; j++) {
    kernel[2 * j] = chirp[2 * j]!;
    kernel[2 * j + 1] = -chirp[2 * j + 1]!;
    if (j > 0) {
      kernel[2 * (m - j)] = chirp[2 * j]!;
      kernel[2 * (m - j) + 1] = -chirp[2 * j + 1]!;
    }
  }
  return kernel;
}
