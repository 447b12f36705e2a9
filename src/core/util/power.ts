/**
 * How much a number from n items can carry: confidence bounds for a fraction, a correlation and a median, and
 * the n a test would need. These decide whether a threshold not reached "rules out" anything.
 */

/** One-sided 95 % normal quantile. */
export const Z95_ONE_SIDED = 1.6449;
/** Two-sided 95 % normal quantile. */
export const Z95 = 1.96;

/** Wilson score bounds of a proportion k/n (Wilson 1927); z one-sided 95 % by default. */
export function wilsonBounds(k: number, n: number, z = Z95_ONE_SIDED): { low: number; high: number } {
  if (!(n > 0)) return { low: 0, high: 1 };
  const p = k / n,
    z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The fewest items for which k = 0 puts the Wilson upper bound below `fraction` (z²(1 − f)/f). */
export function itemsToExclude(fraction: number, z = Z95_ONE_SIDED): number {
  return Math.ceil((z * z * (1 - fraction)) / fraction);
}

/** Fisher's z: the 95 % interval of Pearson's r from n pairs (needs n ≥ 4). */
export function correlationInterval(r: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n < 4 || !Number.isFinite(r)) return null;
  const c = Math.max(-0.999999, Math.min(0.999999, r));
  const f = Math.atanh(c),
    se = 1 / Math.sqrt(n - 3);
  return { low: Math.tanh(f - z * se), high: Math.tanh(f + z * se) };
}

/**
 * The n at which an observed |r| would have its 95 % interval wholly below `effect` (so that an effect of that size
 * is excluded): n = 3 + (z / (atanh effect − atanh |r|))². Infinity when |r| ≥ effect.
 */
export function pairsToExclude(r: number, effect: number, z = Z95): number {
  const gap = Math.atanh(effect) - Math.atanh(Math.min(0.999999, Math.abs(r)));
  return gap > 0 ? Math.ceil(3 + (z / gap) ** 2) : Infinity;
}

/**
 * Distribution-free 95 % interval of a median from n sorted values: ranks (1-based) j and k with
 * P(j ≤ B(n, ½) < k) ≥ 0.95 (the binomial order-statistic interval). null below n = 6, where it is the whole range.
 */
export function medianRankInterval(n: number): { low: number; high: number } | null {
  if (n < 6) return null;
  // Largest j with P(B ≤ j − 1) ≤ 0.025: the lower rank; the upper is n + 1 − j.
  let cdf = 0,
    j = 0;
  let term = Math.pow(0.5, n);
  for (let i = 0; i <= n; i++) {
    if (cdf + term > 0.025) break;
    cdf += term;
    j = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  if (j < 1) return null;
  return { low: j, high: n + 1 - j };
}
