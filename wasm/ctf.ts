// AssemblyScript: the CTF fit's score, the Pearson correlation of Thon-ring data with the model
// −cos 2χ over an annulus of the spectrum (CTFFIND's score; src/core/analysis/ctf/fit-model.ts has the
// same loop in TypeScript, the fallback). Two samples per step in f64x2 lanes, cos by the polynomial of
// src/core/util/trig.ts (range reduction by the nearest multiple of 2π, cos y = 1 − 2 sin²(y/2)).

const INV_TWO_PI: f64 = 1 / (2 * Math.PI);
const TWO_PI_HI: f64 = 6.283185307179586;
const TWO_PI_LO: f64 = 2.4492935982947064e-16;
const S3: f64 = -1.0 / 6;
const S5: f64 = 1.0 / 120;
const S7: f64 = -1.0 / 5040;
const S9: f64 = 1.0 / 362880;
const S11: f64 = -1.0 / 39916800;
const S13: f64 = 1.0 / 6227020800;
const S15: f64 = -1.0 / 1307674368000;

@inline
export function cos2(x: v128): v128 {
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_TWO_PI)));
  const y = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(TWO_PI_HI))), f64x2.mul(n, f64x2.splat(TWO_PI_LO)));
  const z = f64x2.mul(y, f64x2.splat(0.5));
  const z2 = f64x2.mul(z, z),
    z4 = f64x2.mul(z2, z2),
    z8 = f64x2.mul(z4, z4);
  const p0 = f64x2.add(f64x2.splat(1), f64x2.mul(z2, f64x2.splat(S3)));
  const p1 = f64x2.add(f64x2.splat(S5), f64x2.mul(z2, f64x2.splat(S7)));
  const p2 = f64x2.add(f64x2.splat(S9), f64x2.mul(z2, f64x2.splat(S11)));
  const p3 = f64x2.add(f64x2.splat(S13), f64x2.mul(z2, f64x2.splat(S15)));
  const s = f64x2.mul(
    z,
    f64x2.add(f64x2.add(p0, f64x2.mul(z4, p1)), f64x2.mul(z8, f64x2.add(p2, f64x2.mul(z4, p3)))),
  );
  return f64x2.sub(f64x2.splat(1), f64x2.mul(f64x2.splat(2), f64x2.mul(s, s)));
}

/**
 * Sums over samples 0, stride, 2·stride … < n of the annulus (k² f64; defocus offset, cos 2α, sin 2α,
 * value f32) of d, m, d², m², d·m and their count, m = −cos(2a·k²·Δf − 2ab·k⁴ + 2φ) with
 * Δf = mean + offset + hx·cos 2α + hy·sin 2α: written to `out` as six f64.
 */
export function ctfScoreSums(
  k2: usize,
  offset: usize,
  cos2a: usize,
  sin2a: usize,
  value: usize,
  n: i32,
  stride: i32,
  mean: f64,
  hx: f64,
  hy: f64,
  twoA: f64,
  twoAB: f64,
  twoPhase: f64,
  out: usize,
): void {
  let sd = f64x2.splat(0),
    sm = f64x2.splat(0),
    sdd = f64x2.splat(0),
    smm = f64x2.splat(0),
    sdm = f64x2.splat(0);
  const vMean = f64x2.splat(mean),
    vhx = f64x2.splat(hx),
    vhy = f64x2.splat(hy),
    vA = f64x2.splat(twoA),
    vAB = f64x2.splat(twoAB),
    vP = f64x2.splat(twoPhase);
  let count = 0;
  let i = 0;
  const step = 2 * stride;
  for (; i + stride < n; i += step) {
    const j = i + stride;
    const q = f64x2(load<f64>(k2 + ((<usize>i) << 3)), load<f64>(k2 + ((<usize>j) << 3)));
    const o = f64x2(<f64>load<f32>(offset + ((<usize>i) << 2)), <f64>load<f32>(offset + ((<usize>j) << 2)));
    const c = f64x2(<f64>load<f32>(cos2a + ((<usize>i) << 2)), <f64>load<f32>(cos2a + ((<usize>j) << 2)));
    const s = f64x2(<f64>load<f32>(sin2a + ((<usize>i) << 2)), <f64>load<f32>(sin2a + ((<usize>j) << 2)));
    const d = f64x2(<f64>load<f32>(value + ((<usize>i) << 2)), <f64>load<f32>(value + ((<usize>j) << 2)));
    const df = f64x2.add(f64x2.add(vMean, o), f64x2.add(f64x2.mul(vhx, c), f64x2.mul(vhy, s)));
    const x = f64x2.add(f64x2.sub(f64x2.mul(f64x2.mul(vA, q), df), f64x2.mul(f64x2.mul(vAB, q), q)), vP);
    const m = f64x2.neg(cos2(x));
    sd = f64x2.add(sd, d);
    sm = f64x2.add(sm, m);
    sdd = f64x2.add(sdd, f64x2.mul(d, d));
    smm = f64x2.add(smm, f64x2.mul(m, m));
    sdm = f64x2.add(sdm, f64x2.mul(d, m));
    count += 2;
  }
  let tsd = f64x2.extract_lane(sd, 0) + f64x2.extract_lane(sd, 1),
    tsm = f64x2.extract_lane(sm, 0) + f64x2.extract_lane(sm, 1),
    tsdd = f64x2.extract_lane(sdd, 0) + f64x2.extract_lane(sdd, 1),
    tsmm = f64x2.extract_lane(smm, 0) + f64x2.extract_lane(smm, 1),
    tsdm = f64x2.extract_lane(sdm, 0) + f64x2.extract_lane(sdm, 1);
  if (i < n) {
    // The last sample when the count is odd.
    const q = load<f64>(k2 + ((<usize>i) << 3));
    const df =
      mean +
      <f64>load<f32>(offset + ((<usize>i) << 2)) +
      hx * <f64>load<f32>(cos2a + ((<usize>i) << 2)) +
      hy * <f64>load<f32>(sin2a + ((<usize>i) << 2));
    const m = -f64x2.extract_lane(cos2(f64x2.splat(twoA * q * df - twoAB * q * q + twoPhase)), 0);
    const d = <f64>load<f32>(value + ((<usize>i) << 2));
    tsd += d;
    tsm += m;
    tsdd += d * d;
    tsmm += m * m;
    tsdm += d * m;
    count++;
  }
  store<f64>(out, tsd);
  store<f64>(out, tsm, 8);
  store<f64>(out, tsdd, 16);
  store<f64>(out, tsmm, 24);
  store<f64>(out, tsdm, 32);
  store<f64>(out, <f64>count, 40);
}
