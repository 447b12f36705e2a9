import { basis, type Basis, type BasisItem } from '../model/basis.js';
import { correlationInterval, itemsToExclude, pairsToExclude, wilsonBounds } from '../util/power.js';
import type { Power } from './finding.js';

/**
 * What a number from n items can carry (util/power.ts does the statistics): the sentences every piece of evidence
 * states as its power, and whether a value short of its threshold rules the effect out.
 */

/**
 * A fraction needs this many items: one item is then at most 10 %, the lowest fraction any threshold grades. Fewer
 * are a handful, reported as a list.
 */
export const MIN_FRACTION_ITEMS = 10;

const pct = (f: number): string => `${(100 * f).toFixed(f < 0.2 ? 1 : 0)} %`;

/** k of n items past a per-item limit, graded by "fraction > possible". */
export function fractionPower(k: number, n: number, of: BasisItem, possible: number): Power {
  if (n < MIN_FRACTION_ITEMS)
    return {
      canRuleOut: false,
      note:
        `${k} of ${n} ${of}: too few for a fraction (one is ${pct(1 / Math.max(1, n))}; ≥ ${MIN_FRACTION_ITEMS} ` +
        'needed, so that one is at most the lowest fraction threshold, 10 %)',
    };
  const { low, high } = wilsonBounds(k, n);
  const canRuleOut = high <= possible;
  // Past the threshold, what matters is how low the share could be; short of it, how high.
  if (k / n > possible)
    return {
      canRuleOut,
      note: `${k} of ${n} ${of}; the share is at least ${pct(low)} with 95 % confidence (Wilson)`,
    };
  return {
    canRuleOut,
    note:
      `${k} of ${n} ${of}; the share is below ${pct(high)} with 95 % confidence (Wilson)` +
      (canRuleOut
        ? ''
        : `: cannot exclude > ${pct(possible)} (would need ≥ ${itemsToExclude(possible)} ${of} with none)`),
  };
}

/** The basis of a fraction: k of n items, listed by name when they are a handful. */
export function fractionBasis(n: number, of: BasisItem, names?: string[]): Basis {
  return basis(n, of, names && n < MIN_FRACTION_ITEMS ? { items: names } : {});
}

/** Pearson's r over n pairs against an effect of |r| = effect: seen, excluded, or neither. */
export function correlationPower(
  r: number,
  n: number,
  effect: number,
): Power & { excludesZero: boolean; interval: { low: number; high: number } | null } {
  const ci = correlationInterval(r, n);
  if (!ci)
    return { canRuleOut: false, excludesZero: false, interval: null, note: `${n} pairs: too few for a correlation` };
  const excludesZero = ci.low > 0 || ci.high < 0;
  const canRuleOut = Math.max(Math.abs(ci.low), Math.abs(ci.high)) < effect;
  const need = pairsToExclude(r, effect);
  return {
    canRuleOut,
    excludesZero,
    interval: ci,
    note:
      `r = ${r.toFixed(2)} over ${n} micrographs, 95 % interval ${ci.low.toFixed(2)} to ${ci.high.toFixed(2)} ` +
      `(Fisher z)` +
      (canRuleOut
        ? `: excludes |r| ≥ ${effect}`
        : `: cannot exclude |r| ≥ ${effect}` +
          (Number.isFinite(need) ? ` (would need ~${need} micrographs at this r)` : '')),
  };
}

/**
 * A median of n items against "median > limit" (or "<"): it rules the effect out when its 95 % interval (order
 * statistics) lies wholly on the near side of the limit.
 */
export function medianPower(
  interval: [number, number] | null,
  n: number,
  of: BasisItem,
  limit: number,
  op: '>' | '<',
  show: (v: number) => string,
): Power {
  if (!interval) return { canRuleOut: false, note: `median of ${n} ${of}: too few for an interval on it (6 needed)` };
  const [lo, hi] = interval;
  const canRuleOut = op === '>' ? hi <= limit : lo >= limit;
  return {
    canRuleOut,
    note:
      `median of ${n} ${of}, 95 % interval ${show(lo)}–${show(hi)}` +
      (canRuleOut ? '' : `: reaches the threshold ${show(limit)}`),
  };
}

/** A single measurement whose reach is stated in words. */
export function measured(note: string, canRuleOut = true): Power {
  return { canRuleOut, note };
}
