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
  // In bulk: the ring unrolled into a line (oldest first), the recurrence run along it without index
  // wrapping, and its last 34 values put back as a fresh ring.
  const line = new Int32Array(34 + 4096);
  const fill = (out: Int32Array): void => {
    for (let o = 0; o < out.length;) {
      const m = Math.min(4096, out.length - o);
      for (let j = 0; j < 34; j++) line[j] = r[(c + j) % 34]!;
      for (let i = 34; i < 34 + m; i++) {
        const v = (line[i - 31]! + line[i - 3]!) | 0;
        line[i] = v;
        out[o++] = v >>> 1;
      }
      r.set(line.subarray(m, m + 34));
      a = 3;
      b = 31;
      c = 0;
    }
  };
  for (let i = 34; i < 344; i++) next();
  return Object.assign(next, { fill });
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
  return Object.assign(() => Math.fround(fa + Math.fround(Math.fround(rand()) / div)), { fill });
}
