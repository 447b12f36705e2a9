/**
 * Weighted straight-line fit as RELION's fitStraightLine (least squares; r² = ss_xy²/(ss_xx·ss_yy)).
 */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Squared correlation of the fit (RELION's rlnCorrelationFitGuinierPlot). */
  r2: number;
  points: number;
}

export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>): LineFit {
  let sw = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    syy = 0,
    sxy = 0,
    points = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i]!;
    if (!(wi > 0)) continue;
    points++;
    sw += wi;
    sx += wi * x[i]!;
    sy += wi * y[i]!;
    sxx += wi * x[i]! * x[i]!;
    syy += wi * y[i]! * y[i]!;
    sxy += wi * x[i]! * y[i]!;
  }
  if (sw === 0) return { slope: 0, intercept: 0, r2: 0, points: 0 };
  const ax = sx / sw,
    ay = sy / sw;
  const ssxx = sxx - sw * ax * ax,
    ssyy = syy - sw * ay * ay,
    ssxy = sxy - sw * ax * ay;
  if (!(ssxx > 0)) return { slope: 0, intercept: 0, r2: 0, points };
  const slope = ssxy / ssxx;
  return { slope, intercept: ay - slope * ax, r2: ssyy > 0 ? (ssxy * ssxy) / (ssxx * ssyy) : 1, points };
}
