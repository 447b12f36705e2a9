/**
 * Pearson's correlation coefficient, from the five running sums (n, Σa, Σb, Σa², Σb², Σab) so that hot loops can
 * fuse it with computing one of the two series. 0 when either series is constant (no correlation to report).
 */
export function pearsonFromSums(n: number, sa: number, sb: number, saa: number, sbb: number, sab: number): number {
  if (n <= 0) return 0;
  const cov = sab - (sa * sb) / n,
    va = saa - (sa * sa) / n,
    vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** Pearson's r of a[lo..hi] against b[lo..hi] (inclusive; the whole arrays by default). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, lo = 0, hi = a.length - 1): number {
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = lo; i <= hi; i++) {
    const x = a[i]!,
      y = b[i]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return pearsonFromSums(hi - lo + 1, sa, sb, saa, sbb, sab);
}
