// AssemblyScript: the per-sample passes of the CTF fit's background subtraction over a half-plane
// spectrum (src/core/analysis/ctf/spectrum.ts and fit-model.ts have them in TypeScript: the fallback and
// the tests' reference). The same arithmetic in the same order as there, so the same bits: samples in
// index order, float64 sums, float32 stores. Grid arrays: radius (f32), bin (u16), used (u8), cos 2α
// and sin 2α (f32).
import { cos2 } from './ctf';

@inline
function f32At(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + ((<usize>i) << 2));
}

@inline
function binAt(bin: usize, i: i32): i32 {
  return <i32>load<u16>(bin + ((<usize>i) << 1));
}

@inline
function f64Add(p: usize, j: i32, v: f64): void {
  const q = p + ((<usize>j) << 3);
  store<f64>(q, load<f64>(q) + v);
}

@inline
function f64At(p: usize, j: i32): f64 {
  return load<f64>(p + ((<usize>j) << 3));
}

/**
 * CTF² = ½(1 − cos 2χ) of n samples into `out` (f32), χ = a·k²·(Δf − b·k²) + φ₀ + shift, k = radius·scale,
 * Δf = mean + ½(ax·cos 2α + ay·sin 2α); two samples per step in f64x2 lanes.
 */
export function ctfModelSquared(
  radius: usize,
  cos2a: usize,
  sin2a: usize,
  n: i32,
  scale: f64,
  meanDefocusA: f64,
  ax: f64,
  ay: f64,
  a: f64,
  b: f64,
  phase0: f64,
  shift: f64,
  out: usize,
): void {
  const vScale = f64x2.splat(scale),
    vMean = f64x2.splat(meanDefocusA),
    vax = f64x2.splat(ax),
    vay = f64x2.splat(ay),
    va = f64x2.splat(a),
    vb = f64x2.splat(b),
    vp0 = f64x2.splat(phase0),
    vShift = f64x2.splat(shift),
    half = f64x2.splat(0.5),
    one = f64x2.splat(1),
    two = f64x2.splat(2);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r = f64x2(f32At(radius, i), f32At(radius, i + 1));
    const c = f64x2(f32At(cos2a, i), f32At(cos2a, i + 1));
    const s = f64x2(f32At(sin2a, i), f32At(sin2a, i + 1));
    const k = f64x2.mul(r, vScale),
      k2 = f64x2.mul(k, k);
    const df = f64x2.add(vMean, f64x2.mul(half, f64x2.add(f64x2.mul(vax, c), f64x2.mul(vay, s))));
    const chi = f64x2.add(
      f64x2.add(f64x2.mul(f64x2.mul(va, k2), f64x2.sub(df, f64x2.mul(vb, k2))), vp0),
      vShift,
    );
    const m = f64x2.neg(cos2(f64x2.mul(two, chi)));
    const v = f64x2.mul(half, f64x2.add(one, m));
    store<f32>(out + ((<usize>i) << 2), <f32>f64x2.extract_lane(v, 0));
    store<f32>(out + ((<usize>(i + 1)) << 2), <f32>f64x2.extract_lane(v, 1));
  }
  if (i < n) {
    const k = f32At(radius, i) * scale,
      k2 = k * k;
    const df = meanDefocusA + 0.5 * (ax * f32At(cos2a, i) + ay * f32At(sin2a, i));
    const m = -f64x2.extract_lane(cos2(f64x2.splat(2 * (a * k2 * (df - b * k2) + phase0 + shift))), 0);
    store<f32>(out + ((<usize>i) << 2), <f32>(0.5 * (1 + m)));
  }
}

/**
 * Per bin (offset by one) the sums of the local regression: x = (1, r) — count, Σr, Σr², Σa, Σa·r at
 * 5 per bin — or, with a model (model ≠ 0), x = (1, r, m, r·m): XᵀX's upper triangle and Xᵀa at 14.
 */
export function ctfRegressionSums(
  amplitude: usize,
  model: usize,
  radius: usize,
  bin: usize,
  used: usize,
  n: i32,
  sums: usize,
): void {
  for (let i = 0; i < n; i++) {
    if (!load<u8>(used + <usize>i)) continue;
    const r = f32At(radius, i),
      a = f32At(amplitude, i);
    if (model) {
      const m = f32At(model, i),
        rm = r * m,
        o = (binAt(bin, i) + 1) * 14;
      f64Add(sums, o, 1);
      f64Add(sums, o + 1, r);
      f64Add(sums, o + 2, m);
      f64Add(sums, o + 3, rm);
      f64Add(sums, o + 4, r * r);
      f64Add(sums, o + 5, r * m);
      f64Add(sums, o + 6, r * rm);
      f64Add(sums, o + 7, m * m);
      f64Add(sums, o + 8, m * rm);
      f64Add(sums, o + 9, rm * rm);
      f64Add(sums, o + 10, a);
      f64Add(sums, o + 11, a * r);
      f64Add(sums, o + 12, a * m);
      f64Add(sums, o + 13, a * rm);
    } else {
      const o = (binAt(bin, i) + 1) * 5;
      f64Add(sums, o, 1);
      f64Add(sums, o + 1, r);
      f64Add(sums, o + 2, r * r);
      f64Add(sums, o + 3, a);
      f64Add(sums, o + 4, a * r);
    }
  }
}

/**
 * Each used sample's residual from its bin's regression (4 coefficients per bin; the ring term at its mean)
 * into `out`, and per bin (offset by one) Σ e² and the count.
 */
export function ctfSubtractBackground(
  amplitude: usize,
  radius: usize,
  bin: usize,
  used: usize,
  n: i32,
  coef: usize,
  out: usize,
  sq: usize,
  cnt: usize,
): void {
  for (let i = 0; i < n; i++) {
    if (!load<u8>(used + <usize>i)) continue;
    const r = f32At(radius, i),
      b = binAt(bin, i);
    const e =
      f32At(amplitude, i) -
      f64At(coef, 4 * b) -
      f64At(coef, 4 * b + 1) * r -
      0.5 * (f64At(coef, 4 * b + 2) + f64At(coef, 4 * b + 3) * r);
    store<f32>(out + ((<usize>i) << 2), <f32>e);
    f64Add(sq, b + 1, e * e);
    f64Add(cnt, b + 1, 1);
  }
}

/** Per bin (offset by one) Σ u² and the count of what the rings (coefficients 2, 3) leave of each residual. */
export function ctfUnexplainedSquares(
  residual: usize,
  model: usize,
  radius: usize,
  bin: usize,
  used: usize,
  n: i32,
  coef: usize,
  sq: usize,
  cnt: usize,
): void {
  for (let i = 0; i < n; i++) {
    if (!load<u8>(used + <usize>i)) continue;
    const b = binAt(bin, i);
    const u =
      f32At(residual, i) - (f64At(coef, 4 * b + 2) + f64At(coef, 4 * b + 3) * f32At(radius, i)) * (f32At(model, i) - 0.5);
    f64Add(sq, b + 1, u * u);
    f64Add(cnt, b + 1, 1);
  }
}

/** Each used sample divided by its bin's RMS (0 where the RMS is 0). */
export function ctfDivideByRms(values: usize, bin: usize, used: usize, n: i32, rms: usize): void {
  for (let i = 0; i < n; i++) {
    if (!load<u8>(used + <usize>i)) continue;
    const s = f64At(rms, binAt(bin, i));
    const p = values + ((<usize>i) << 2);
    store<f32>(p, s > 0 ? <f32>(<f64>load<f32>(p) / s) : 0);
  }
}

/**
 * The used samples of one spectrum part with kMin ≤ k ≤ kMax (k = radius·scale), gathered for the fit's
 * score: k² (f64), the part's defocus offset, cos 2α, sin 2α and value × its bin's weight (f32) from
 * index j of each output on. Returns how many.
 */
export function ctfAnnulus(
  radius: usize,
  cos2a: usize,
  sin2a: usize,
  bin: usize,
  used: usize,
  n: i32,
  scale: f64,
  kMinInvA: f64,
  kMaxInvA: f64,
  values: usize,
  binWeight: usize,
  offsetA: f64,
  k2Out: usize,
  offsetOut: usize,
  cos2Out: usize,
  sin2Out: usize,
  valueOut: usize,
): i32 {
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (!load<u8>(used + <usize>i)) continue;
    const k = f32At(radius, i) * scale;
    if (!(k >= kMinInvA && k <= kMaxInvA)) continue;
    store<f64>(k2Out + ((<usize>j) << 3), k * k);
    const o = (<usize>j) << 2;
    store<f32>(offsetOut + o, <f32>offsetA);
    store<f32>(cos2Out + o, load<f32>(cos2a + ((<usize>i) << 2)));
    store<f32>(sin2Out + o, load<f32>(sin2a + ((<usize>i) << 2)));
    store<f32>(valueOut + o, <f32>(f32At(values, i) * f64At(binWeight, binAt(bin, i))));
    j++;
  }
  return j;
}

/**
 * One part's samples into the equi-phase bins (CTFFIND 4.1's equi-phase average): each used sample with
 * k ≥ kMinInvA moved to the k_eq where an unastigmatic CTF of the mean defocus has its phase χ — the root u =
 * k_eq² of a·b·u² − a·Δf̄·u + χ = 0 on the same side of the Cs turn-over — and summed, with its count,
 * into bin round(k_eq / scale) below `bins`.
 */
export function ctfEquiPhase(
  radius: usize,
  cos2a: usize,
  sin2a: usize,
  used: usize,
  n: i32,
  values: usize,
  scale: f64,
  kMinInvA: f64,
  a: f64,
  b: f64,
  meanDefocusA: f64,
  offsetA: f64,
  ax: f64,
  ay: f64,
  bins: i32,
  data: usize,
  count: usize,
): void {
  const qa = a * b,
    qb = a * meanDefocusA;
  for (let i = 0; i < n; i++) {
    if (!load<u8>(used + <usize>i)) continue;
    const k = f32At(radius, i) * scale;
    if (k < kMinInvA) continue;
    const k2 = k * k;
    const df = meanDefocusA + offsetA + 0.5 * (ax * f32At(cos2a, i) + ay * f32At(sin2a, i));
    const chi = a * k2 * (df - b * k2);
    const disc = qb * qb - 4 * qa * chi;
    if (disc < 0) continue;
    const u = qa > 0 ? (qb - Math.sqrt(disc)) / (2 * qa) : chi / qb;
    if (!(u > 0)) continue;
    // Math.round's halves upwards (x ≥ 0 here), not f64.nearest's halves to even.
    const x = Math.sqrt(u) / scale;
    let r = Math.floor(x);
    if (x - r >= 0.5) r += 1;
    if (r >= <f64>bins) continue;
    const bi = <i32>r;
    f64Add(data, bi, f32At(values, i));
    f64Add(count, bi, 1);
  }
}
