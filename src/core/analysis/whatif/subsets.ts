import { seededRandom } from '../../util/random.js';

/**
 * Random subsets of the particles for ResLog and what-if controls, reproducible from a seed: each half set is
 * shuffled on its own, so every subset keeps the halves' proportions and stays gold-standard.
 */

/** A random order of 0 … n−1 (Fisher–Yates with the project's seeded generator). */
export function permutation(n: number, rnd: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** The particles of each half (1, 2), in a random order of `seed`. */
export function shuffledHalves(half: Uint8Array, seed: number): [Int32Array, Int32Array] {
  const members = (h: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < half.length; i++) if (half[i] === h) out.push(i);
    return out;
  };
  const rnd = seededRandom(seed);
  return [1, 2].map((h) => {
    const m = members(h);
    const p = permutation(m.length, rnd);
    return Int32Array.from(p, (k) => m[k]!);
  }) as [Int32Array, Int32Array];
}

/**
 * ResLog's particle counts (both halves together): from ~200 (100 per half), or an eighth of the set when that is
 * smaller (never below 20), doubling while below 70 % of the set, then all of them.
 */
export function defaultSizes(total: number): number[] {
  let n = Math.max(20, Math.min(200, Math.floor(total / 8)));
  const sizes: number[] = [];
  for (; n < 0.7 * total; n *= 2) sizes.push(n);
  sizes.push(total);
  return sizes;
}

/** Particles of each half in a subset of `size` of `total` (the halves' proportions kept). */
export function perHalf(size: number, counts: [number, number]): [number, number] {
  const total = counts[0] + counts[1];
  const a = Math.min(counts[0], Math.round((size * counts[0]) / total));
  return [a, Math.min(counts[1], size - a)];
}

/**
 * Targets for one insertion pass: particle order[k] of half h (k in [from[h], to[h])) into grid h (0 or 1);
 * everything else −1.
 */
export function blockTargets(
  count: number,
  orders: [Int32Array, Int32Array],
  from: [number, number],
  to: [number, number],
): Int32Array {
  const t = new Int32Array(count).fill(-1);
  for (let h = 0; h < 2; h++) for (let k = from[h]!; k < to[h]!; k++) t[orders[h]![k]!] = h;
  return t;
}
