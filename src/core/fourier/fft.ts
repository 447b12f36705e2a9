import { planFft, type FftPlan, type Stage } from './plan.js';

/** Direction: -1 forward (exp(-2πi·jk/n)), +1 inverse (unnormalised). */
export type Direction = -1 | 1;

/**
 * Transforms `batch` interleaved complex signals of length plan.n in place (see plan.ts for the
 * layout). `scratch` must hold at least as many values as `data` uses; both are Float64 so that
 * sums of a million terms stay accurate.
 */
export function fftBatch(
  plan: FftPlan,
  data: Float64Array,
  scratch: Float64Array,
  batch: number,
  dir: Direction,
): void {
  if (plan.n === 1) return;
  if (plan.bluestein) return bluestein(plan, data, batch, dir);
  let src = data;
  let dst = scratch;
  for (const stage of plan.stages) {
    runStage(stage, plan, src, dst, batch, dir);
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== data) data.set(src.subarray(0, 2 * plan.n * batch));
}

/** One complex signal, in place. */
export function fft(data: Float64Array, dir: Direction = -1, scratch?: Float64Array): void {
  const n = data.length / 2;
  fftBatch(planFft(n), data, scratch ?? new Float64Array(2 * n), 1, dir);
}

function runStage(stage: Stage, plan: FftPlan, x: Float64Array, y: Float64Array, B: number, dir: Direction): void {
  switch (stage.radix) {
    case 2:
      return radix2(stage, plan.n, x, y, B, dir);
    case 3:
      return radix3(stage, plan.n, x, y, B, dir);
    case 4:
      return radix4(stage, plan.n, x, y, B, dir);
    case 5:
      return radix5(stage, plan.n, x, y, B, dir);
    default:
      return radixGeneric(stage, plan, x, y, B, dir);
  }
}

// Each stage: butterfly j reads elements j + r·L (L = n / radix), multiplies by the twiddle
// for k = j mod span, and writes elements (j − k)·radix + k + r·span (Stockham autosort).

function radix2(s: Stage, n: number, x: Float64Array, y: Float64Array, B: number, dir: Direction): void {
  const L = n >> 1,
    span = s.span,
    tw = s.twiddle,
    sg = -dir;
  for (let j = 0; j < L; j++) {
    const k = j % span;
    const w1r = tw[4 * k + 2]!,
      w1i = sg * tw[4 * k + 3]!;
    const i0 = 2 * j * B,
      i1 = 2 * (j + L) * B;
    const o0 = 2 * ((j - k) * 2 + k) * B,
      o1 = o0 + 2 * span * B;
    for (let b = 0; b < 2 * B; b += 2) {
      const ar = x[i0 + b]!,
        ai = x[i0 + b + 1]!;
      const xr = x[i1 + b]!,
        xi = x[i1 + b + 1]!;
      const br = xr * w1r - xi * w1i,
        bi = xr * w1i + xi * w1r;
      y[o0 + b] = ar + br;
      y[o0 + b + 1] = ai + bi;
      y[o1 + b] = ar - br;
      y[o1 + b + 1] = ai - bi;
    }
  }
}

function radix4(s: Stage, n: number, x: Float64Array, y: Float64Array, B: number, dir: Direction): void {
  const L = n >> 2,
    span = s.span,
    tw = s.twiddle,
    sg = -dir;
  const sL = 2 * L * B,
    sOut = 2 * span * B;
  for (let j = 0; j < L; j++) {
    const k = j % span,
      t = 8 * k;
    const w1r = tw[t + 2]!,
      w1i = sg * tw[t + 3]!;
    const w2r = tw[t + 4]!,
      w2i = sg * tw[t + 5]!;
    const w3r = tw[t + 6]!,
      w3i = sg * tw[t + 7]!;
    const i0 = 2 * j * B;
    const o0 = 2 * ((j - k) * 4 + k) * B;
    for (let b = 0; b < 2 * B; b += 2) {
      const p0 = i0 + b,
        p1 = p0 + sL,
        p2 = p1 + sL,
        p3 = p2 + sL;
      const a0r = x[p0]!,
        a0i = x[p0 + 1]!;
      let xr = x[p1]!,
        xi = x[p1 + 1]!;
      const a1r = xr * w1r - xi * w1i,
        a1i = xr * w1i + xi * w1r;
      xr = x[p2]!;
      xi = x[p2 + 1]!;
      const a2r = xr * w2r - xi * w2i,
        a2i = xr * w2i + xi * w2r;
      xr = x[p3]!;
      xi = x[p3 + 1]!;
      const a3r = xr * w3r - xi * w3i,
        a3i = xr * w3i + xi * w3r;
      const t0r = a0r + a2r,
        t0i = a0i + a2i,
        t1r = a0r - a2r,
        t1i = a0i - a2i;
      const t2r = a1r + a3r,
        t2i = a1i + a3i;
      // (dir·i)·(a1 − a3)
      const dr = a1r - a3r,
        di = a1i - a3i;
      const t3r = -dir * di,
        t3i = dir * dr;
      const q0 = o0 + b,
        q1 = q0 + sOut,
        q2 = q1 + sOut,
        q3 = q2 + sOut;
      y[q0] = t0r + t2r;
      y[q0 + 1] = t0i + t2i;
      y[q1] = t1r + t3r;
      y[q1 + 1] = t1i + t3i;
      y[q2] = t0r - t2r;
      y[q2 + 1] = t0i - t2i;
      y[q3] = t1r - t3r;
      y[q3 + 1] = t1i - t3i;
    }
  }
}

const S3 = Math.sqrt(3) / 2;

function radix3(s: Stage, n: number, x: Float64Array, y: Float64Array, B: number, dir: Direction): void {
  const L = n / 3,
    span = s.span,
    tw = s.twiddle,
    sg = -dir,
    ds = dir * S3;
  const sL = 2 * L * B,
    sOut = 2 * span * B;
  for (let j = 0; j < L; j++) {
    const k = j % span,
      t = 6 * k;
    const w1r = tw[t + 2]!,
      w1i = sg * tw[t + 3]!;
    const w2r = tw[t + 4]!,
      w2i = sg * tw[t + 5]!;
    const i0 = 2 * j * B,
      o0 = 2 * ((j - k) * 3 + k) * B;
    for (let b = 0; b < 2 * B; b += 2) {
      const p0 = i0 + b,
        p1 = p0 + sL,
        p2 = p1 + sL;
      const a0r = x[p0]!,
        a0i = x[p0 + 1]!;
      let xr = x[p1]!,
        xi = x[p1 + 1]!;
      const a1r = xr * w1r - xi * w1i,
        a1i = xr * w1i + xi * w1r;
      xr = x[p2]!;
      xi = x[p2 + 1]!;
      const a2r = xr * w2r - xi * w2i,
        a2i = xr * w2i + xi * w2r;
      const t1r = a1r + a2r,
        t1i = a1i + a2i;
      const mr = a0r - 0.5 * t1r,
        mi = a0i - 0.5 * t1i;
      // i·ds·(a1 − a2)
      const nr = -ds * (a1i - a2i),
        ni = ds * (a1r - a2r);
      const q0 = o0 + b,
        q1 = q0 + sOut,
        q2 = q1 + sOut;
      y[q0] = a0r + t1r;
      y[q0 + 1] = a0i + t1i;
      y[q1] = mr + nr;
      y[q1 + 1] = mi + ni;
      y[q2] = mr - nr;
      y[q2 + 1] = mi - ni;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5),
  C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5),
  S2 = Math.sin((4 * Math.PI) / 5);

function radix5(s: Stage, n: number, x: Float64Array, y: Float64Array, B: number, dir: Direction): void {
  const L = n / 5,
    span = s.span,
    tw = s.twiddle,
    sg = -dir;
  const sL = 2 * L * B,
    sOut = 2 * span * B;
  const a = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let j = 0; j < L; j++) {
    const k = j % span,
      t = 10 * k;
    const i0 = 2 * j * B,
      o0 = 2 * ((j - k) * 5 + k) * B;
    for (let b = 0; b < 2 * B; b += 2) {
      for (let r = 0; r < 5; r++) {
        const p = i0 + b + r * sL;
        const xr = x[p]!,
          xi = x[p + 1]!;
        const wr = tw[t + 2 * r]!,
          wi = sg * tw[t + 2 * r + 1]!;
        a[2 * r] = xr * wr - xi * wi;
        a[2 * r + 1] = xr * wi + xi * wr;
      }
      const t1r = a[2]! + a[8]!,
        t1i = a[3]! + a[9]!,
        t2r = a[4]! + a[6]!,
        t2i = a[5]! + a[7]!;
      const t3r = a[2]! - a[8]!,
        t3i = a[3]! - a[9]!,
        t4r = a[4]! - a[6]!,
        t4i = a[5]! - a[7]!;
      const m1r = a[0]! + C1 * t1r + C2 * t2r,
        m1i = a[1]! + C1 * t1i + C2 * t2i;
      const m2r = a[0]! + C2 * t1r + C1 * t2r,
        m2i = a[1]! + C2 * t1i + C1 * t2i;
      const n1r = dir * (S1 * t3r + S2 * t4r),
        n1i = dir * (S1 * t3i + S2 * t4i);
      const n2r = dir * (S2 * t3r - S1 * t4r),
        n2i = dir * (S2 * t3i - S1 * t4i);
      const q0 = o0 + b;
      y[q0] = a[0]! + t1r + t2r;
      y[q0 + 1] = a[1]! + t1i + t2i;
      // m + i·n and m − i·n
      y[q0 + sOut] = m1r - n1i;
      y[q0 + sOut + 1] = m1i + n1r;
      y[q0 + 4 * sOut] = m1r + n1i;
      y[q0 + 4 * sOut + 1] = m1i - n1r;
      y[q0 + 2 * sOut] = m2r - n2i;
      y[q0 + 2 * sOut + 1] = m2i + n2r;
      y[q0 + 3 * sOut] = m2r + n2i;
      y[q0 + 3 * sOut + 1] = m2i - n2r;
    }
  }
}

function radixGeneric(s: Stage, plan: FftPlan, x: Float64Array, y: Float64Array, B: number, dir: Direction): void {
  const R = s.radix,
    L = plan.n / R,
    span = s.span,
    tw = s.twiddle,
    sg = -dir;
  const roots = plan.roots.get(R)!;
  const sL = 2 * L * B,
    sOut = 2 * span * B;
  const a = new Float64Array(2 * R);
  for (let j = 0; j < L; j++) {
    const k = j % span,
      t = 2 * R * k;
    const i0 = 2 * j * B,
      o0 = 2 * ((j - k) * R + k) * B;
    for (let b = 0; b < 2 * B; b += 2) {
      for (let r = 0; r < R; r++) {
        const p = i0 + b + r * sL;
        const xr = x[p]!,
          xi = x[p + 1]!;
        const wr = tw[t + 2 * r]!,
          wi = sg * tw[t + 2 * r + 1]!;
        a[2 * r] = xr * wr - xi * wi;
        a[2 * r + 1] = xr * wi + xi * wr;
      }
      for (let m = 0; m < R; m++) {
        let sr = 0,
          si = 0;
        for (let r = 0, idx = 0; r < R; r++, idx = (idx + m) % R) {
          const wr = roots[2 * idx]!,
            wi = sg * roots[2 * idx + 1]!;
          sr += a[2 * r]! * wr - a[2 * r + 1]! * wi;
          si += a[2 * r]! * wi + a[2 * r + 1]! * wr;
        }
        const q = o0 + b + m * sOut;
        y[q] = sr;
        y[q + 1] = si;
      }
    }
  }
}

const kernelReady = new WeakSet<Float64Array>();

/** Bluestein: X_k = w_k · Σ_j (x_j w_j) · conj(w_{k−j}), a convolution done with a smooth-length FFT. */
function bluestein(plan: FftPlan, data: Float64Array, B: number, dir: Direction): void {
  const bp = plan.bluestein!;
  const { m, inner, chirp } = bp;
  const n = plan.n;
  const kernel = bp.kernelSpectrum;
  const scratchSmall = new Float64Array(2 * m);
  if (!kernelReady.has(kernel)) {
    fftBatch(inner, kernel, scratchSmall, 1, -1);
    kernelReady.add(kernel);
  }
  const work = new Float64Array(2 * m * B);
  const scratch = new Float64Array(2 * m * B);
  // The inverse is conj(forward(conj(x))): conjugate on the way in and out.
  const s = dir === 1 ? -1 : 1;
  for (let j = 0; j < n; j++) {
    const cr = chirp[2 * j]!,
      ci = chirp[2 * j + 1]!;
    for (let b = 0; b < B; b++) {
      const p = 2 * (j * B + b);
      const xr = data[p]!,
        xi = s * data[p + 1]!;
      work[p] = xr * cr - xi * ci;
      work[p + 1] = xr * ci + xi * cr;
    }
  }
  fftBatch(inner, work, scratch, B, -1);
  for (let j = 0; j < m; j++) {
    const kr = kernel[2 * j]!,
      ki = kernel[2 * j + 1]!;
    for (let b = 0; b < B; b++) {
      const p = 2 * (j * B + b);
      const xr = work[p]!,
        xi = work[p + 1]!;
      work[p] = xr * kr - xi * ki;
      work[p + 1] = xr * ki + xi * kr;
    }
  }
  fftBatch(inner, work, scratch, B, 1);
  for (let j = 0; j < n; j++) {
    const cr = chirp[2 * j]! / m,
      ci = chirp[2 * j + 1]! / m;
    for (let b = 0; b < B; b++) {
      const p = 2 * (j * B + b);
      const xr = work[p]!,
        xi = work[p + 1]!;
      data[p] = xr * cr - xi * ci;
      data[p + 1] = s * (xr * ci + xi * cr);
    }
  }
}
