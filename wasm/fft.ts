// AssemblyScript, compiled to WebAssembly SIMD by wasm/build.mjs (npm run build:wasm).
//
// Batched complex FFTs (Stockham autosort: Cochran et al. 1967; mixed radix as in Temperton 1983) in
// float64 (fft: one complex number per v128, f64x2 re, im; within 1e-15 of the TypeScript kernels, which
// stay as the fallback and the tests' reference) and float32 (fft32: two per v128, for spectra that need
// no more, e.g. CTF periodograms). Layout as in src/core/fourier/plan.ts: element j of signal b at complex
// index j·B + b, so every butterfly's inner loop runs over B contiguous complex numbers.
//
// A plan is a block of i32 words in linear memory, written by src/core/fourier/simd.ts:
//   Stockham: [0, n, stages, (radix, span, twiddles, roots) × stages]
//   Bluestein: [1, n, m, inner plan, chirp, kernel spectrum]
// Twiddles of a stage: exp(−2πi·k·r/(span·radix)) as complex [k][r]; roots: exp(−2πi·m/radix); in the
// plan's precision (simd.ts writes f32 tables for fft32's plans).
// The inverse (dir = +1) conjugates them on the fly. Transforms are unnormalised.

const S3: f64 = 0.8660254037844386; // sin(2π/3)
const C51: f64 = 0.30901699437494745; // cos(2π/5)
const C52: f64 = -0.8090169943749475; // cos(4π/5)
const S51: f64 = 0.9510565162951535; // sin(2π/5)
const S52: f64 = 0.5877852522924731; // sin(4π/5)
const R8: f64 = 0.7071067811865476; // √2 / 2

// The kernels are generic over the precision T (f64: one complex number per v128; f32: two, from
// neighbouring signals of the batch, which share every twiddle). Everything below that depends on T
// folds away at compile time.

// Bytes of one complex number.
@inline
function cbytes<T>(): usize {
  return <usize>(sizeof<T>() << 1);
}

// Byte offset of complex element i.
@inline
function off<T>(i: i32): usize {
  return (<usize>i) * cbytes<T>();
}

// Complex numbers per v128: 1 (f64) or 2 (f32). Batch loops step by it; for f32 the batch is even.
@inline
function lanes<T>(): i32 {
  return sizeof<T>() == 8 ? 1 : 2;
}

// Byte offset of v128 slot i of a scratch area.
@inline
function vec(i: i32): usize {
  return (<usize>i) << 4;
}

@inline
function vadd<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 8 ? f64x2.add(a, b) : f32x4.add(a, b);
}

@inline
function vsub<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 8 ? f64x2.sub(a, b) : f32x4.sub(a, b);
}

@inline
function vmul<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 8 ? f64x2.mul(a, b) : f32x4.mul(a, b);
}

@inline
function splat<T>(x: f64): v128 {
  return sizeof<T>() == 8 ? f64x2.splat(x) : f32x4.splat(<f32>x);
}

// (a, b) for every complex number of the vector.
@inline
function pair<T>(a: f64, b: f64): v128 {
  return sizeof<T>() == 8 ? f64x2(a, b) : f32x4(<f32>a, <f32>b, <f32>a, <f32>b);
}

// (re, im) → (im, re) for every complex number.
@inline
function swap<T>(x: v128): v128 {
  return sizeof<T>() == 8 ? v128.shuffle<f64>(x, x, 1, 0) : v128.shuffle<f32>(x, x, 1, 0, 3, 2);
}

// x·w with w = (wr, wi): x·splat(wr) + swap(x)·(−wi, wi).
@inline
function cmul<T>(x: v128, wr: v128, wi: v128): v128 {
  return vadd<T>(vmul<T>(x, wr), vmul<T>(swap<T>(x), wi));
}

// s·i·x for a real s: swap(x)·(−s, s).
@inline
function rot<T>(x: v128, s: v128): v128 {
  return vmul<T>(swap<T>(x), s);
}

@inline
function twr<T>(t: usize): v128 {
  return splat<T>(<f64>load<T>(t));
}

// (−sg·im, sg·im): the imaginary half of a twiddle for cmul, conjugated when sg = −1.
@inline
function twi<T>(t: usize, sg: v128): v128 {
  return vmul<T>(splat<T>(<f64>load<T>(t + sizeof<T>())), sg);
}

function radix2<T>(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n >> 1;
  const sL = off<T>(L * S);
  const sOut = off<T>(span * S);
  const sg = pair<T>(dir, -dir);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off<T>(2 * k);
    const w1r = twr<T>(t + off<T>(1)),
      w1i = twi<T>(t + off<T>(1), sg);
    let p = x + off<T>(j * S);
    let q = y + off<T>(((j - k) * 2 + k) * S);
    const end = p + off<T>(B);
    if (k == 0) {
      for (; p < end; p += 16, q += 16) {
        const a = v128.load(p),
          b = v128.load(p + sL);
        v128.store(q, vadd<T>(a, b));
        v128.store(q + sOut, vsub<T>(a, b));
      }
    } else {
      for (; p < end; p += 16, q += 16) {
        const a = v128.load(p),
          b = cmul<T>(v128.load(p + sL), w1r, w1i);
        v128.store(q, vadd<T>(a, b));
        v128.store(q + sOut, vsub<T>(a, b));
      }
    }
  }
}

function radix3<T>(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n / 3;
  const sL = off<T>(L * S);
  const sOut = off<T>(span * S);
  const sg = pair<T>(dir, -dir);
  const half = splat<T>(0.5);
  const ds = pair<T>(-dir * S3, dir * S3);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off<T>(3 * k);
    const w1r = twr<T>(t + off<T>(1)),
      w1i = twi<T>(t + off<T>(1), sg),
      w2r = twr<T>(t + off<T>(2)),
      w2i = twi<T>(t + off<T>(2), sg);
    let p = x + off<T>(j * S);
    let q = y + off<T>(((j - k) * 3 + k) * S);
    const end = p + off<T>(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL);
      if (k != 0) {
        a1 = cmul<T>(a1, w1r, w1i);
        a2 = cmul<T>(a2, w2r, w2i);
      }
      const t1 = vadd<T>(a1, a2);
      const m = vsub<T>(a0, vmul<T>(half, t1));
      const nn = rot<T>(vsub<T>(a1, a2), ds);
      v128.store(q, vadd<T>(a0, t1));
      v128.store(q + sOut, vadd<T>(m, nn));
      v128.store(q + 2 * sOut, vsub<T>(m, nn));
    }
  }
}

function radix4<T>(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n >> 2;
  const sL = off<T>(L * S);
  const sOut = off<T>(span * S);
  const sg = pair<T>(dir, -dir);
  const di = pair<T>(-dir, dir);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off<T>(4 * k);
    const w1r = twr<T>(t + off<T>(1)),
      w1i = twi<T>(t + off<T>(1), sg),
      w2r = twr<T>(t + off<T>(2)),
      w2i = twi<T>(t + off<T>(2), sg),
      w3r = twr<T>(t + off<T>(3)),
      w3i = twi<T>(t + off<T>(3), sg);
    let p = x + off<T>(j * S);
    let q = y + off<T>(((j - k) * 4 + k) * S);
    const end = p + off<T>(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL),
        a3 = v128.load(p + 3 * sL);
      if (k != 0) {
        a1 = cmul<T>(a1, w1r, w1i);
        a2 = cmul<T>(a2, w2r, w2i);
        a3 = cmul<T>(a3, w3r, w3i);
      }
      const t0 = vadd<T>(a0, a2),
        t1 = vsub<T>(a0, a2),
        t2 = vadd<T>(a1, a3),
        t3 = rot<T>(vsub<T>(a1, a3), di);
      v128.store(q, vadd<T>(t0, t2));
      v128.store(q + sOut, vadd<T>(t1, t3));
      v128.store(q + 2 * sOut, vsub<T>(t0, t2));
      v128.store(q + 3 * sOut, vsub<T>(t1, t3));
    }
  }
}

function radix5<T>(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n / 5;
  const sL = off<T>(L * S);
  const sOut = off<T>(span * S);
  const sg = pair<T>(dir, -dir);
  const c1 = splat<T>(C51),
    c2 = splat<T>(C52);
  const s1 = splat<T>(dir * S51),
    s2 = splat<T>(dir * S52);
  const i1 = pair<T>(-1, 1);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off<T>(5 * k);
    const w1r = twr<T>(t + off<T>(1)),
      w1i = twi<T>(t + off<T>(1), sg),
      w2r = twr<T>(t + off<T>(2)),
      w2i = twi<T>(t + off<T>(2), sg),
      w3r = twr<T>(t + off<T>(3)),
      w3i = twi<T>(t + off<T>(3), sg),
      w4r = twr<T>(t + off<T>(4)),
      w4i = twi<T>(t + off<T>(4), sg);
    let p = x + off<T>(j * S);
    let q = y + off<T>(((j - k) * 5 + k) * S);
    const end = p + off<T>(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL),
        a3 = v128.load(p + 3 * sL),
        a4 = v128.load(p + 4 * sL);
      if (k != 0) {
        a1 = cmul<T>(a1, w1r, w1i);
        a2 = cmul<T>(a2, w2r, w2i);
        a3 = cmul<T>(a3, w3r, w3i);
        a4 = cmul<T>(a4, w4r, w4i);
      }
      const t1 = vadd<T>(a1, a4),
        t2 = vadd<T>(a2, a3),
        t3 = vsub<T>(a1, a4),
        t4 = vsub<T>(a2, a3);
      const m1 = vadd<T>(a0, vadd<T>(vmul<T>(c1, t1), vmul<T>(c2, t2)));
      const m2 = vadd<T>(a0, vadd<T>(vmul<T>(c2, t1), vmul<T>(c1, t2)));
      // i·n1 and i·n2, n1 = dir·(S1·t3 + S2·t4), n2 = dir·(S2·t3 − S1·t4)
      const n1 = rot<T>(vadd<T>(vmul<T>(s1, t3), vmul<T>(s2, t4)), i1);
      const n2 = rot<T>(vsub<T>(vmul<T>(s2, t3), vmul<T>(s1, t4)), i1);
      v128.store(q, vadd<T>(a0, vadd<T>(t1, t2)));
      v128.store(q + sOut, vadd<T>(m1, n1));
      v128.store(q + 4 * sOut, vsub<T>(m1, n1));
      v128.store(q + 2 * sOut, vadd<T>(m2, n2));
      v128.store(q + 3 * sOut, vsub<T>(m2, n2));
    }
  }
}

// Radix 8 as two radix-4 halves (even and odd inputs) joined with the eighth roots of unity.
function radix8<T>(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n >> 3;
  const sL = off<T>(L * S);
  const sOut = off<T>(span * S);
  const sg = pair<T>(dir, -dir);
  const di = pair<T>(-dir, dir);
  const h = splat<T>(R8);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off<T>(8 * k);
    let p = x + off<T>(j * S);
    let q = y + off<T>(((j - k) * 8 + k) * S);
    const end = p + off<T>(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL),
        a3 = v128.load(p + 3 * sL),
        a4 = v128.load(p + 4 * sL),
        a5 = v128.load(p + 5 * sL),
        a6 = v128.load(p + 6 * sL),
        a7 = v128.load(p + 7 * sL);
      if (k != 0) {
        a1 = cmul<T>(a1, twr<T>(t + off<T>(1)), twi<T>(t + off<T>(1), sg));
        a2 = cmul<T>(a2, twr<T>(t + off<T>(2)), twi<T>(t + off<T>(2), sg));
        a3 = cmul<T>(a3, twr<T>(t + off<T>(3)), twi<T>(t + off<T>(3), sg));
        a4 = cmul<T>(a4, twr<T>(t + off<T>(4)), twi<T>(t + off<T>(4), sg));
        a5 = cmul<T>(a5, twr<T>(t + off<T>(5)), twi<T>(t + off<T>(5), sg));
        a6 = cmul<T>(a6, twr<T>(t + off<T>(6)), twi<T>(t + off<T>(6), sg));
        a7 = cmul<T>(a7, twr<T>(t + off<T>(7)), twi<T>(t + off<T>(7), sg));
      }
      // Even half: 4-point DFT of a0, a2, a4, a6.
      const e0 = vadd<T>(a0, a4),
        e1 = vsub<T>(a0, a4),
        e2 = vadd<T>(a2, a6),
        e3 = rot<T>(vsub<T>(a2, a6), di);
      const E0 = vadd<T>(e0, e2),
        E1 = vadd<T>(e1, e3),
        E2 = vsub<T>(e0, e2),
        E3 = vsub<T>(e1, e3);
      // Odd half: 4-point DFT of a1, a3, a5, a7.
      const o0 = vadd<T>(a1, a5),
        o1 = vsub<T>(a1, a5),
        o2 = vadd<T>(a3, a7),
        o3 = rot<T>(vsub<T>(a3, a7), di);
      const O0 = vadd<T>(o0, o2),
        O1 = vadd<T>(o1, o3),
        O2 = vsub<T>(o0, o2),
        O3 = vsub<T>(o1, o3);
      // Times w8^m (w8 = exp(dir·iπ/4)): w8 = h·(1 + dir·i), w8² = dir·i, w8³ = h·(−1 + dir·i).
      const P1 = vmul<T>(h, vadd<T>(O1, rot<T>(O1, di)));
      const P2 = rot<T>(O2, di);
      const P3 = vmul<T>(h, vsub<T>(rot<T>(O3, di), O3));
      v128.store(q, vadd<T>(E0, O0));
      v128.store(q + 4 * sOut, vsub<T>(E0, O0));
      v128.store(q + sOut, vadd<T>(E1, P1));
      v128.store(q + 5 * sOut, vsub<T>(E1, P1));
      v128.store(q + 2 * sOut, vadd<T>(E2, P2));
      v128.store(q + 6 * sOut, vsub<T>(E2, P2));
      v128.store(q + 3 * sOut, vadd<T>(E3, P3));
      v128.store(q + 7 * sOut, vsub<T>(E3, P3));
    }
  }
}

// Any odd radix R ≤ 31 directly. Inputs r and R − r are paired (a_r ± a_{R−r}) so that output m
// costs (R − 1)/2 real multiply-adds per half: X_m = a0 + Σ cos·(a_r + a_{R−r}) + dir·i·Σ sin·(a_r − a_{R−r}),
// X_{R−m} the same with −i. `tmp` holds 3·R vectors: inputs, then the stage's twiddles for this k.
function radixAny<T>(
  R: i32,
  n: i32,
  span: i32,
  tw: usize,
  roots: usize,
  x: usize,
  y: usize,
  B: i32,
  S: i32,
  dir: f64,
  tmp: usize,
): void {
  const L = n / R;
  const H = (R - 1) >> 1;
  const sL = off<T>(L * S);
  const sOut = off<T>(span * S);
  const sg = pair<T>(dir, -dir);
  const di = pair<T>(-dir, dir);
  const a = tmp,
    wr = tmp + vec(R),
    wi = tmp + vec(2 * R);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off<T>(R * k);
    for (let r = 0; r < R; r++) {
      v128.store(wr + vec(r), twr<T>(t + off<T>(r)));
      v128.store(wi + vec(r), twi<T>(t + off<T>(r), sg));
    }
    const i0 = x + off<T>(j * S);
    const o0 = y + off<T>(((j - k) * R + k) * S);
    for (let b = 0; b < B; b += lanes<T>()) {
      const p = i0 + off<T>(b);
      const a0 = v128.load(p);
      let sum = a0;
      for (let r = 1; r <= H; r++) {
        let u = v128.load(p + <usize>r * sL),
          v = v128.load(p + <usize>(R - r) * sL);
        if (k != 0) {
          u = cmul<T>(u, v128.load(wr + vec(r)), v128.load(wi + vec(r)));
          v = cmul<T>(v, v128.load(wr + vec(R - r)), v128.load(wi + vec(R - r)));
        }
        const plus = vadd<T>(u, v);
        sum = vadd<T>(sum, plus);
        v128.store(a + vec(r), plus);
        v128.store(a + vec(R - r), vsub<T>(u, v));
      }
      const q = o0 + off<T>(b);
      v128.store(q, sum);
      for (let m = 1; m <= H; m++) {
        let re = a0,
          im = splat<T>(0);
        for (let r = 1, idx = m; r <= H; r++) {
          // roots[idx] = (cos, −sin) of 2π·idx/R
          const w = roots + off<T>(idx);
          re = vadd<T>(re, vmul<T>(splat<T>(<f64>load<T>(w)), v128.load(a + vec(r))));
          im = vsub<T>(im, vmul<T>(splat<T>(<f64>load<T>(w + sizeof<T>())), v128.load(a + vec(R - r))));
          idx += m;
          if (idx >= R) idx -= R;
        }
        const turned = rot<T>(im, di);
        v128.store(q + <usize>m * sOut, vadd<T>(re, turned));
        v128.store(q + <usize>(R - m) * sOut, vsub<T>(re, turned));
      }
    }
  }
}

function stage<T>(p: usize, n: i32, x: usize, y: usize, B: i32, S: i32, dir: f64, tmp: usize): void {
  const radix = load<i32>(p),
    span = load<i32>(p, 4);
  const tw = <usize>load<i32>(p, 8),
    roots = <usize>load<i32>(p, 12);
  if (radix == 4) radix4<T>(n, span, tw, x, y, B, S, dir);
  else if (radix == 8) radix8<T>(n, span, tw, x, y, B, S, dir);
  else if (radix == 2) radix2<T>(n, span, tw, x, y, B, S, dir);
  else if (radix == 3) radix3<T>(n, span, tw, x, y, B, S, dir);
  else if (radix == 5) radix5<T>(n, span, tw, x, y, B, S, dir);
  else radixAny<T>(radix, n, span, tw, roots, x, y, B, S, dir, tmp);
}

// Bytes of data plus scratch one chunk of signals may take: all stages of a chunk then run in the
// L2 cache instead of streaming the whole batch through memory once per stage.
const CHUNK_BYTES = 1024 * 1024;
const MIN_CHUNK = 16;

function chunkOf<T>(n: i32, B: i32): i32 {
  // Data and scratch: two complex numbers per element of a signal. An even chunk keeps f32 lanes paired.
  const c = min(B, max(MIN_CHUNK, CHUNK_BYTES / (2 * n * (sizeof<T>() << 1))));
  return c < B ? c & ~1 : c;
}

/**
 * Transforms B interleaved signals at `data` in place (dir −1 forward, +1 inverse, unnormalised).
 * `scratch` holds as many bytes as the data; `tmp` what tempBytes() in simd.ts asks for the plan.
 */
export function fft(plan: usize, data: usize, scratch: usize, B: i32, dir: f64, tmp: usize): void {
  transform<f64>(plan, data, scratch, B, dir, tmp);
}

/** fft in float32 (a plan made for it: f32 twiddles); B must be even. */
export function fft32(plan: usize, data: usize, scratch: usize, B: i32, dir: f64, tmp: usize): void {
  transform<f32>(plan, data, scratch, B, dir, tmp);
}

/**
 * The transform of `fft`/`fft32`. With copyBack false, a plan with an odd number of stages leaves the
 * result in `scratch` instead of copying it back (a pass over the data saved): returns where it is.
 */
@inline
export function transform<T>(
  plan: usize,
  data: usize,
  scratch: usize,
  B: i32,
  dir: f64,
  tmp: usize,
  copyBack: bool = true,
): usize {
  const n = load<i32>(plan, 4);
  if (n == 1) return data;
  const bluesteinPlan = load<i32>(plan) == 1;
  const C = chunkOf<T>(bluesteinPlan ? load<i32>(plan, 8) : n, B);
  for (let b0 = 0; b0 < B; b0 += C) {
    const count = min(C, B - b0);
    if (bluesteinPlan) bluestein<T>(plan, data + off<T>(b0), count, B, dir, tmp);
    else stockham<T>(plan, data + off<T>(b0), scratch + off<T>(b0), count, B, dir, tmp, copyBack);
  }
  return bluesteinPlan || copyBack || (load<i32>(plan, 8) & 1) == 0 ? data : scratch;
}

/** `count` signals at stride S (element j of signal b at j·S + b). */
function stockham<T>(
  plan: usize,
  data: usize,
  scratch: usize,
  count: i32,
  S: i32,
  dir: f64,
  tmp: usize,
  copyBack: bool = true,
): void {
  const n = load<i32>(plan, 4);
  const stages = load<i32>(plan, 8);
  let src = data,
    dst = scratch;
  for (let s = 0; s < stages; s++) {
    stage<T>(plan + 12 + <usize>(16 * s), n, src, dst, count, S, dir, tmp);
    const t = src;
    src = dst;
    dst = t;
  }
  if (copyBack && src != data)
    for (let j = 0; j < n; j++) memory.copy(data + off<T>(j * S), src + off<T>(j * S), off<T>(count));
}

// Bluestein (1970): X_k = w_k·Σ_j (x_j·w_j)·conj(w_{k−j}) with w_j = exp(−πi·j²/n), a convolution
// done by a smooth length-m FFT on contiguous work arrays. The inverse is conj(forward(conj x)).
function bluestein<T>(plan: usize, data: usize, B: i32, S: i32, dir: f64, tmp: usize): void {
  const n = load<i32>(plan, 4),
    m = load<i32>(plan, 8);
  const inner = <usize>load<i32>(plan, 12),
    chirp = <usize>load<i32>(plan, 16),
    kernel = <usize>load<i32>(plan, 20);
  const work = tmp,
    scratch = tmp + off<T>(m * B),
    innerTmp = tmp + off<T>(2 * m * B);
  const conj = pair<T>(1, dir == 1 ? -1 : 1);
  const pos = pair<T>(-1, 1);
  for (let j = 0; j < n; j++) {
    const cr = twr<T>(chirp + off<T>(j)),
      ci = twi<T>(chirp + off<T>(j), pos);
    const p = data + off<T>(j * S),
      w = work + off<T>(j * B);
    for (let b = 0; b < B; b += lanes<T>()) v128.store(w + off<T>(b), cmul<T>(vmul<T>(v128.load(p + off<T>(b)), conj), cr, ci));
  }
  memory.fill(work + off<T>(n * B), 0, off<T>((m - n) * B));
  stockham<T>(inner, work, scratch, B, B, -1, innerTmp);
  for (let j = 0; j < m; j++) {
    const kr = twr<T>(kernel + off<T>(j)),
      ki = twi<T>(kernel + off<T>(j), pos);
    const p = work + off<T>(j * B);
    for (let b = 0; b < B; b += lanes<T>()) v128.store(p + off<T>(b), cmul<T>(v128.load(p + off<T>(b)), kr, ki));
  }
  stockham<T>(inner, work, scratch, B, B, 1, innerTmp);
  const scale = splat<T>(1 / <f64>m);
  for (let j = 0; j < n; j++) {
    const cr = vmul<T>(twr<T>(chirp + off<T>(j)), scale),
      ci = vmul<T>(twi<T>(chirp + off<T>(j), pos), scale);
    const p = data + off<T>(j * S),
      w = work + off<T>(j * B);
    for (let b = 0; b < B; b += lanes<T>()) v128.store(p + off<T>(b), vmul<T>(cmul<T>(v128.load(w + off<T>(b)), cr, ci), conj));
  }
}
