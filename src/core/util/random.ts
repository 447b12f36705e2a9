/** mulberry32: a small seeded generator, so phase randomisation is reproducible. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded uniform values in [−0.5, 0.5): test signals that reproduce. */
export function signedRandom(seed: number): () => number {
  const r = seededRandom(seed);
  return () => r() - 0.5;
}

/** Standard normal deviates from a uniform source (Box–Muller; the second value of each pair is kept). */
export function gaussianRandom(rnd: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rnd();
    const v = rnd();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * The C library's rand() as glibc implements it (TYPE_3 additive feedback generator, degree 31:
 * r[i] = r[i−3] + r[i−31] mod 2³², output r >> 1; seeded by a Lehmer sequence r[i] = 16807·r[i−1]
 * mod 2³¹−1). RELION 3.1 draws its phase randomisation from rand() without seeding it, i.e. seed 1;
 * replaying the same stream reproduces relion_postprocess's corrected FSC to the last digit.
 */
export interface GlibcRand {
  (): number;
  /** The next out.length values of the same stream at once (what out.length calls would return). */
  fill(out: Int32Array): void;
  /** Where the stream is: its last 34 values, oldest first (glibcRandAt continues from there). */
  state(): Int32Array;
  /** Moves on by n values without drawing them (jumpAhead). */
  skip(n: number): void;
}

export function glibcRand(seed = 1): GlibcRand {
  const r = new Int32Array(34);
  r[0] = seed === 0 ? 1 : seed | 0;
  for (let i = 1; i < 31; i++) {
    // 16807·r mod (2³¹ − 1) without overflow (Schrage's method).
    const hi = Math.trunc(r[i - 1]! / 127773);
    const lo = r[i - 1]! % 127773;
    let word = 16807 * lo - 2836 * hi;
    if (word < 0) word += 2147483647;
    r[i] = word;
  }
  for (let i = 31; i < 34; i++) r[i] = r[i - 31]!;
  // glibc discards the first 310 outputs.
  const rand = glibcRandAt(r);
  rand.skip(310);
  return rand;
}

/** The generator that continues from `state` (its last 34 values, oldest first). */
export function glibcRandAt(start: Int32Array): GlibcRand {
  const r = Int32Array.from(start);
  // A ring of the last 34 values is all the recurrence needs; a, b, c index r[k−31], r[k−3], r[k].
  let a = 3,
    b = 31,
    c = 0;
  const next = (): number => {
    const v = (r[a]! + r[b]!) | 0;
    r[c] = v;
    a = a === 33 ? 0 : a + 1;
    b = b === 33 ? 0 : b + 1;
    c = c === 33 ? 0 : c + 1;
    return v >>> 1;
  };
  const reset = (values: Int32Array): void => {
    r.set(values);
    a = 3;
    b = 31;
    c = 0;
  };
  const state = (): Int32Array => Int32Array.from({ length: 34 }, (_, j) => r[(c + j) % 34]!);
  // In bulk: the ring unrolled into a line (oldest first), the recurrence run along it without index
  // wrapping, and its last 34 values put back as a fresh ring.
  const line = new Int32Array(34 + 4096);
  const fill = (out: Int32Array): void => {
    for (let o = 0; o < out.length;) {
      const m = Math.min(4096, out.length - o);
      line.set(state());
      for (let i = 34; i < 34 + m; i++) {
        const v = (line[i - 31]! + line[i - 3]!) | 0;
        line[i] = v;
        out[o++] = v >>> 1;
      }
      reset(line.subarray(m, m + 34));
    }
  };
  const skip = (n: number): void => reset(jumpAhead(state(), n));
  return Object.assign(next, { fill, state, skip });
}

/**
 * The state (last 34 values, oldest first) n values further on, without drawing them: the recurrence is
 * linear, so r[t + N] = Σⱼ qⱼ·r[t + j] with q = x^N mod (x³¹ − x²⁸ − 1), coefficients mod 2³² (jumping ahead
 * in a multiple recursive generator by powers of its companion, L'Ecuyer 1990, CACM 33(10):85–97, here as
 * polynomials). Lets threads draw their own parts of one stream.
 */
export function jumpAhead(state: Int32Array, n: number): Int32Array {
  if (n < 34) {
    const line = new Int32Array(34 + n);
    line.set(state);
    for (let i = 34; i < line.length; i++) line[i] = (line[i - 31]! + line[i - 3]!) | 0;
    return line.slice(n);
  }
  // base[j] = r[t + j], j < 31, with t the oldest of the last 31 values; the new state is r[t + n − 3 + i], i < 34.
  const base = state.subarray(3);
  let q = powerOfX(n - 3);
  const out = new Int32Array(34);
  for (let i = 0; i < 34; i++) {
    let v = 0;
    for (let j = 0; j < DEGREE; j++) v = (v + Math.imul(q[j]!, base[j]!)) | 0;
    out[i] = v;
    q = timesPoly(q, X);
  }
  return out;
}

const DEGREE = 31;
const X = Int32Array.from({ length: DEGREE }, (_, i) => (i === 1 ? 1 : 0));

/** x^e mod (x³¹ − x²⁸ − 1), coefficients mod 2³², lowest first. */
function powerOfX(e: number): Int32Array {
  let result: Int32Array = Int32Array.from({ length: DEGREE }, (_, i) => (i === 0 ? 1 : 0));
  let square: Int32Array = X;
  for (; e > 0; e = Math.floor(e / 2)) {
    if (e % 2) result = timesPoly(result, square);
    square = timesPoly(square, square);
  }
  return result;
}

/** p·q mod (x³¹ − x²⁸ − 1): x^d = x^(d−3) + x^(d−31) for d ≥ 31 (the recurrence itself). */
function timesPoly(p: Int32Array, q: Int32Array): Int32Array {
  const prod = new Int32Array(2 * DEGREE - 1);
  for (let i = 0; i < DEGREE; i++) {
    const pi = p[i]!;
    if (pi !== 0) for (let j = 0; j < DEGREE; j++) prod[i + j] = (prod[i + j]! + Math.imul(pi, q[j]!)) | 0;
  }
  for (let d = 2 * DEGREE - 2; d >= DEGREE; d--) {
    const c = prod[d]!;
    prod[d - 3] = (prod[d - 3]! + c) | 0;
    prod[d - DEGREE] = (prod[d - DEGREE]! + c) | 0;
  }
  return prod.slice(0, DEGREE);
}

const F_RAND_MAX = Math.fround(2147483647);

/**
 * RELION 3.1 rnd_unif(a, b) on top of rand(), in single precision as compiled:
 * a + (float)rand() / (float)(RAND_MAX / (b − a)).
 */
export interface UniformStream {
  (): number;
  /** The next out.length values at once, exactly as out.length calls would give them. */
  fill(out: Float32Array): void;
  /** What relionUniformAt needs to continue this stream elsewhere (another thread). */
  state(): UniformState;
  /** Moves on by n values without drawing them. */
  skip(n: number): void;
}

export interface UniformState {
  rand: Int32Array;
  a: number;
  b: number;
}

export function relionUniform(rand: GlibcRand, a: number, b: number): UniformStream {
  const fa = Math.fround(a);
  const div = Math.fround(F_RAND_MAX / Math.fround(Math.fround(b) - fa));
  const raw = new Int32Array(4096);
  const fill = (out: Float32Array): void => {
    for (let o = 0; o < out.length; o += raw.length) {
      const block = raw.subarray(0, Math.min(raw.length, out.length - o));
      rand.fill(block);
      // Float32 stores fround(fa + fround(fround(v) / div)) as is: the stores do the roundings.
      for (let i = 0; i < block.length; i++) out[o + i] = fa + Math.fround(Math.fround(block[i]!) / div);
    }
  };
  return Object.assign(() => Math.fround(fa + Math.fround(Math.fround(rand()) / div)), {
    fill,
    state: (): UniformState => ({ rand: rand.state(), a, b }),
    skip: (n: number) => rand.skip(n),
  });
}

/** The stream `state` describes, `skip` values further on. */
export function relionUniformAt(state: UniformState, skip = 0): UniformStream {
  return relionUniform(glibcRandAt(jumpAhead(state.rand, skip)), state.a, state.b);
}
