// AssemblyScript, compiled to WebAssembly SIMD by wasm/build.mjs (npm run build:wasm).
//
// Batched complex FFTs in float64 (Stockham autosort: Cochran et al. 1967; mixed radix as in
// Temperton 1983), one complex number per v128 (f64x2: re, im). Layout as in
// src/core/fourier/plan.ts: element j of signal b at complex index j·B + b, so every butterfly's
// inner loop runs over B contiguous complex numbers. Float64 keeps the results within 1e-15 of the
// TypeScript kernels (which stay as the fallback and the tests' reference).
//
// A plan is a block of i32 words in linear memory, written by src/core/fourier/simd.ts:
//   Stockham: [0, n, stages, (radix, span, twiddles, roots) × stages]
//   Bluestein: [1, n, m, inner plan, chirp, kernel spectrum]
// Twiddles of a stage: exp(−2πi·k·r/(span·radix)) as complex [k][r]; roots: exp(−2πi·m/radix).
// The inverse (dir = +1) conjugates them on the fly. Transforms are unnormalised.

const S3: f64 = 0.8660254037844386; // sin(2π/3)
const C51: f64 = 0.30901699437494745; // cos(2π/5)
const C52: f64 = -0.8090169943749475; // cos(4π/5)
const S51: f64 = 0.9510565162951535; // sin(2π/5)
const S52: f64 = 0.5877852522924731; // sin(4π/5)
const R8: f64 = 0.7071067811865476; // √2 / 2

// x·w with w = (wr, wi): x·splat(wr) + swap(x)·(−wi, wi).
@inline
function cmul(x: v128, wr: v128, wi: v128): v128 {
  return f64x2.add(f64x2.mul(x, wr), f64x2.mul(v128.shuffle<f64>(x, x, 1, 0), wi));
}

// s·i·x for a real s: swap(x)·(−s, s).
@inline
function rot(x: v128, s: v128): v128 {
  return f64x2.mul(v128.shuffle<f64>(x, x, 1, 0), s);
}

@inline
function twr(t: usize): v128 {
  return f64x2.splat(load<f64>(t));
}

// (−sg·im, sg·im): the imaginary half of a twiddle for cmul, conjugated when sg = −1.
@inline
function twi(t: usize, sg: v128): v128 {
  return f64x2.mul(f64x2.splat(load<f64>(t, 8)), sg);
}

@inline
function off(i: i32): usize {
  return (<usize>i) << 4;
}

function radix2(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n >> 1;
  const sL = off(L * S);
  const sOut = off(span * S);
  const sg = f64x2(dir, -dir);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off(2 * k);
    const w1r = twr(t + 16),
      w1i = twi(t + 16, sg);
    let p = x + off(j * S);
    let q = y + off(((j - k) * 2 + k) * S);
    const end = p + off(B);
    if (k == 0) {
      for (; p < end; p += 16, q += 16) {
        const a = v128.load(p),
          b = v128.load(p + sL);
        v128.store(q, f64x2.add(a, b));
        v128.store(q + sOut, f64x2.sub(a, b));
      }
    } else {
      for (; p < end; p += 16, q += 16) {
        const a = v128.load(p),
          b = cmul(v128.load(p + sL), w1r, w1i);
        v128.store(q, f64x2.add(a, b));
        v128.store(q + sOut, f64x2.sub(a, b));
      }
    }
  }
}

function radix3(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n / 3;
  const sL = off(L * S);
  const sOut = off(span * S);
  const sg = f64x2(dir, -dir);
  const half = f64x2.splat(0.5);
  const ds = f64x2(-dir * S3, dir * S3);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off(3 * k);
    const w1r = twr(t + 16),
      w1i = twi(t + 16, sg),
      w2r = twr(t + 32),
      w2i = twi(t + 32, sg);
    let p = x + off(j * S);
    let q = y + off(((j - k) * 3 + k) * S);
    const end = p + off(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL);
      if (k != 0) {
        a1 = cmul(a1, w1r, w1i);
        a2 = cmul(a2, w2r, w2i);
      }
      const t1 = f64x2.add(a1, a2);
      const m = f64x2.sub(a0, f64x2.mul(half, t1));
      const nn = rot(f64x2.sub(a1, a2), ds);
      v128.store(q, f64x2.add(a0, t1));
      v128.store(q + sOut, f64x2.add(m, nn));
      v128.store(q + 2 * sOut, f64x2.sub(m, nn));
    }
  }
}

function radix4(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n >> 2;
  const sL = off(L * S);
  const sOut = off(span * S);
  const sg = f64x2(dir, -dir);
  const di = f64x2(-dir, dir);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off(4 * k);
    const w1r = twr(t + 16),
      w1i = twi(t + 16, sg),
      w2r = twr(t + 32),
      w2i = twi(t + 32, sg),
      w3r = twr(t + 48),
      w3i = twi(t + 48, sg);
    let p = x + off(j * S);
    let q = y + off(((j - k) * 4 + k) * S);
    const end = p + off(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL),
        a3 = v128.load(p + 3 * sL);
      if (k != 0) {
        a1 = cmul(a1, w1r, w1i);
        a2 = cmul(a2, w2r, w2i);
        a3 = cmul(a3, w3r, w3i);
      }
      const t0 = f64x2.add(a0, a2),
        t1 = f64x2.sub(a0, a2),
        t2 = f64x2.add(a1, a3),
        t3 = rot(f64x2.sub(a1, a3), di);
      v128.store(q, f64x2.add(t0, t2));
      v128.store(q + sOut, f64x2.add(t1, t3));
      v128.store(q + 2 * sOut, f64x2.sub(t0, t2));
      v128.store(q + 3 * sOut, f64x2.sub(t1, t3));
    }
  }
}

function radix5(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n / 5;
  const sL = off(L * S);
  const sOut = off(span * S);
  const sg = f64x2(dir, -dir);
  const c1 = f64x2.splat(C51),
    c2 = f64x2.splat(C52);
  const s1 = f64x2.splat(dir * S51),
    s2 = f64x2.splat(dir * S52);
  const i1 = f64x2(-1, 1);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off(5 * k);
    const w1r = twr(t + 16),
      w1i = twi(t + 16, sg),
      w2r = twr(t + 32),
      w2i = twi(t + 32, sg),
      w3r = twr(t + 48),
      w3i = twi(t + 48, sg),
      w4r = twr(t + 64),
      w4i = twi(t + 64, sg);
    let p = x + off(j * S);
    let q = y + off(((j - k) * 5 + k) * S);
    const end = p + off(B);
    for (; p < end; p += 16, q += 16) {
      const a0 = v128.load(p);
      let a1 = v128.load(p + sL),
        a2 = v128.load(p + 2 * sL),
        a3 = v128.load(p + 3 * sL),
        a4 = v128.load(p + 4 * sL);
      if (k != 0) {
        a1 = cmul(a1, w1r, w1i);
        a2 = cmul(a2, w2r, w2i);
        a3 = cmul(a3, w3r, w3i);
        a4 = cmul(a4, w4r, w4i);
      }
      const t1 = f64x2.add(a1, a4),
        t2 = f64x2.add(a2, a3),
        t3 = f64x2.sub(a1, a4),
        t4 = f64x2.sub(a2, a3);
      const m1 = f64x2.add(a0, f64x2.add(f64x2.mul(c1, t1), f64x2.mul(c2, t2)));
      const m2 = f64x2.add(a0, f64x2.add(f64x2.mul(c2, t1), f64x2.mul(c1, t2)));
      // i·n1 and i·n2, n1 = dir·(S1·t3 + S2·t4), n2 = dir·(S2·t3 − S1·t4)
      const n1 = rot(f64x2.add(f64x2.mul(s1, t3), f64x2.mul(s2, t4)), i1);
      const n2 = rot(f64x2.sub(f64x2.mul(s2, t3), f64x2.mul(s1, t4)), i1);
      v128.store(q, f64x2.add(a0, f64x2.add(t1, t2)));
      v128.store(q + sOut, f64x2.add(m1, n1));
      v128.store(q + 4 * sOut, f64x2.sub(m1, n1));
      v128.store(q + 2 * sOut, f64x2.add(m2, n2));
      v128.store(q + 3 * sOut, f64x2.sub(m2, n2));
    }
  }
}

// Radix 8 as two radix-4 halves (even and odd inputs) joined with the eighth roots of unity.
function radix8(n: i32, span: i32, tw: usize, x: usize, y: usize, B: i32, S: i32, dir: f64): void {
  const L = n >> 3;
  const sL = off(L * S);
  const sOut = off(span * S);
  const sg = f64x2(dir, -dir);
  const di = f64x2(-dir, dir);
  const h = f64x2.splat(R8);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off(8 * k);
    let p = x + off(j * S);
    let q = y + off(((j - k) * 8 + k) * S);
    const end = p + off(B);
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
        a1 = cmul(a1, twr(t + 16), twi(t + 16, sg));
        a2 = cmul(a2, twr(t + 32), twi(t + 32, sg));
        a3 = cmul(a3, twr(t + 48), twi(t + 48, sg));
        a4 = cmul(a4, twr(t + 64), twi(t + 64, sg));
        a5 = cmul(a5, twr(t + 80), twi(t + 80, sg));
        a6 = cmul(a6, twr(t + 96), twi(t + 96, sg));
        a7 = cmul(a7, twr(t + 112), twi(t + 112, sg));
      }
      // Even half: 4-point DFT of a0, a2, a4, a6.
      const e0 = f64x2.add(a0, a4),
        e1 = f64x2.sub(a0, a4),
        e2 = f64x2.add(a2, a6),
        e3 = rot(f64x2.sub(a2, a6), di);
      const E0 = f64x2.add(e0, e2),
        E1 = f64x2.add(e1, e3),
        E2 = f64x2.sub(e0, e2),
        E3 = f64x2.sub(e1, e3);
      // Odd half: 4-point DFT of a1, a3, a5, a7.
      const o0 = f64x2.add(a1, a5),
        o1 = f64x2.sub(a1, a5),
        o2 = f64x2.add(a3, a7),
        o3 = rot(f64x2.sub(a3, a7), di);
      const O0 = f64x2.add(o0, o2),
        O1 = f64x2.add(o1, o3),
        O2 = f64x2.sub(o0, o2),
        O3 = f64x2.sub(o1, o3);
      // Times w8^m (w8 = exp(dir·iπ/4)): w8 = h·(1 + dir·i), w8² = dir·i, w8³ = h·(−1 + dir·i).
      const P1 = f64x2.mul(h, f64x2.add(O1, rot(O1, di)));
      const P2 = rot(O2, di);
      const P3 = f64x2.mul(h, f64x2.sub(rot(O3, di), O3));
      v128.store(q, f64x2.add(E0, O0));
      v128.store(q + 4 * sOut, f64x2.sub(E0, O0));
      v128.store(q + sOut, f64x2.add(E1, P1));
      v128.store(q + 5 * sOut, f64x2.sub(E1, P1));
      v128.store(q + 2 * sOut, f64x2.add(E2, P2));
      v128.store(q + 6 * sOut, f64x2.sub(E2, P2));
      v128.store(q + 3 * sOut, f64x2.add(E3, P3));
      v128.store(q + 7 * sOut, f64x2.sub(E3, P3));
    }
  }
}

// Any odd radix R ≤ 31 directly. Inputs r and R − r are paired (a_r ± a_{R−r}) so that output m
// costs (R − 1)/2 real multiply-adds per half: X_m = a0 + Σ cos·(a_r + a_{R−r}) + dir·i·Σ sin·(a_r − a_{R−r}),
// X_{R−m} the same with −i. `tmp` holds 3·R vectors: inputs, then the stage's twiddles for this k.
function radixAny(
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
  const sL = off(L * S);
  const sOut = off(span * S);
  const sg = f64x2(dir, -dir);
  const di = f64x2(-dir, dir);
  const a = tmp,
    wr = tmp + off(R),
    wi = tmp + off(2 * R);
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const t = tw + off(R * k);
    for (let r = 0; r < R; r++) {
      v128.store(wr + off(r), twr(t + off(r)));
      v128.store(wi + off(r), twi(t + off(r), sg));
    }
    const i0 = x + off(j * S);
    const o0 = y + off(((j - k) * R + k) * S);
    for (let b = 0; b < B; b++) {
      const p = i0 + off(b);
      const a0 = v128.load(p);
      let sum = a0;
      for (let r = 1; r <= H; r++) {
        let u = v128.load(p + <usize>r * sL),
          v = v128.load(p + <usize>(R - r) * sL);
        if (k != 0) {
          u = cmul(u, v128.load(wr + off(r)), v128.load(wi + off(r)));
          v = cmul(v, v128.load(wr + off(R - r)), v128.load(wi + off(R - r)));
        }
        const plus = f64x2.add(u, v);
        sum = f64x2.add(sum, plus);
        v128.store(a + off(r), plus);
        v128.store(a + off(R - r), f64x2.sub(u, v));
      }
      const q = o0 + off(b);
      v128.store(q, sum);
      for (let m = 1; m <= H; m++) {
        let re = a0,
          im = f64x2.splat(0);
        for (let r = 1, idx = m; r <= H; r++) {
          // roots[idx] = (cos, −sin) of 2π·idx/R
          const w = roots + off(idx);
          re = f64x2.add(re, f64x2.mul(f64x2.splat(load<f64>(w)), v128.load(a + off(r))));
          im = f64x2.sub(im, f64x2.mul(f64x2.splat(load<f64>(w, 8)), v128.load(a + off(R - r))));
          idx += m;
          if (idx >= R) idx -= R;
        }
        const turned = rot(im, di);
        v128.store(q + <usize>m * sOut, f64x2.add(re, turned));
        v128.store(q + <usize>(R - m) * sOut, f64x2.sub(re, turned));
      }
    }
  }
}

function stage(p: usize, n: i32, x: usize, y: usize, B: i32, S: i32, dir: f64, tmp: usize): void {
  const radix = load<i32>(p),
    span = load<i32>(p, 4);
  const tw = <usize>load<i32>(p, 8),
    roots = <usize>load<i32>(p, 12);
  if (radix == 4) radix4(n, span, tw, x, y, B, S, dir);
  else if (radix == 8) radix8(n, span, tw, x, y, B, S, dir);
  else if (radix == 2) radix2(n, span, tw, x, y, B, S, dir);
  else if (radix == 3) radix3(n, span, tw, x, y, B, S, dir);
  else if (radix == 5) radix5(n, span, tw, x, y, B, S, dir);
  else radixAny(radix, n, span, tw, roots, x, y, B, S, dir, tmp);
}

// Bytes of data plus scratch one chunk of signals may take: all stages of a chunk then run in the
// L2 cache instead of streaming the whole batch through memory once per stage.
const CHUNK_BYTES = 1024 * 1024;
const MIN_CHUNK = 16;

function chunkOf(n: i32, B: i32): i32 {
  return min(B, max(MIN_CHUNK, CHUNK_BYTES / (32 * n)));
}

/**
 * Transforms B interleaved signals at `data` in place (dir −1 forward, +1 inverse, unnormalised).
 * `scratch` holds as many bytes as the data; `tmp` what tempBytes() in simd.ts asks for the plan.
 */
export function fft(plan: usize, data: usize, scratch: usize, B: i32, dir: f64, tmp: usize): void {
  const n = load<i32>(plan, 4);
  if (n == 1) return;
  const bluesteinPlan = load<i32>(plan) == 1;
  const C = chunkOf(bluesteinPlan ? load<i32>(plan, 8) : n, B);
  for (let b0 = 0; b0 < B; b0 += C) {
    const count = min(C, B - b0);
    if (bluesteinPlan) bluestein(plan, data + off(b0), count, B, dir, tmp);
    else stockham(plan, data + off(b0), scratch + off(b0), count, B, dir, tmp);
  }
}

/** `count` signals at stride S (element j of signal b at j·S + b). */
function stockham(plan: usize, data: usize, scratch: usize, count: i32, S: i32, dir: f64, tmp: usize): void {
  const n = load<i32>(plan, 4);
  const stages = load<i32>(plan, 8);
  let src = data,
    dst = scratch;
  for (let s = 0; s < stages; s++) {
    stage(plan + 12 + <usize>(16 * s), n, src, dst, count, S, dir, tmp);
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != data) for (let j = 0; j < n; j++) memory.copy(data + off(j * S), src + off(j * S), off(count));
}

// Bluestein (1970): X_k = w_k·Σ_j (x_j·w_j)·conj(w_{k−j}) with w_j = exp(−πi·j²/n), a convolution
// done by a smooth length-m FFT on contiguous work arrays. The inverse is conj(forward(conj x)).
function bluestein(plan: usize, data: usize, B: i32, S: i32, dir: f64, tmp: usize): void {
  const n = load<i32>(plan, 4),
    m = load<i32>(plan, 8);
  const inner = <usize>load<i32>(plan, 12),
    chirp = <usize>load<i32>(plan, 16),
    kernel = <usize>load<i32>(plan, 20);
  const work = tmp,
    scratch = tmp + off(m * B),
    innerTmp = tmp + off(2 * m * B);
  const conj = f64x2(1, dir == 1 ? -1 : 1);
  const pos = f64x2(-1, 1);
  for (let j = 0; j < n; j++) {
    const cr = twr(chirp + off(j)),
      ci = twi(chirp + off(j), pos);
    const p = data + off(j * S),
      w = work + off(j * B);
    for (let b = 0; b < B; b++) v128.store(w + off(b), cmul(f64x2.mul(v128.load(p + off(b)), conj), cr, ci));
  }
  memory.fill(work + off(n * B), 0, off((m - n) * B));
  stockham(inner, work, scratch, B, B, -1, innerTmp);
  for (let j = 0; j < m; j++) {
    const kr = twr(kernel + off(j)),
      ki = twi(kernel + off(j), pos);
    const p = work + off(j * B);
    for (let b = 0; b < B; b++) v128.store(p + off(b), cmul(v128.load(p + off(b)), kr, ki));
  }
  stockham(inner, work, scratch, B, B, 1, innerTmp);
  const scale = f64x2.splat(1 / <f64>m);
  for (let j = 0; j < n; j++) {
    const cr = f64x2.mul(twr(chirp + off(j)), scale),
      ci = f64x2.mul(twi(chirp + off(j), pos), scale);
    const p = data + off(j * S),
      w = work + off(j * B);
    for (let b = 0; b < B; b++) v128.store(p + off(b), f64x2.mul(cmul(v128.load(w + off(b)), cr, ci), conj));
  }
}
