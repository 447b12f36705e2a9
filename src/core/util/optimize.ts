/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965; the standard reflection 1, expansion 2,
 * contraction ½, shrink ½). Small, derivative-free, and enough for the handful of smooth parameters
 * a CTF fit has.
 */
export interface SimplexOptions {
  /** Initial step per parameter. */
  steps: number[];
  maxEvaluations?: number;
  /** Stop when the simplex's function values span less than this. */
  tolerance?: number;
}

export interface SimplexResult {
  x: number[];
  value: number;
  evaluations: number;
}

export function nelderMead(f: (x: number[]) => number, x0: number[], options: SimplexOptions): SimplexResult {
  const n = x0.length;
  const maxEval = options.maxEvaluations ?? 200 * n;
  const tol = options.tolerance ?? 1e-7;
  let evaluations = 0;
  const evalAt = (x: number[]): number => {
    evaluations++;
    return f(x);
  };
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i]! += options.steps[i]!;
    pts.push(p);
  }
  const vals = pts.map(evalAt);
  const order = (): void => {
    const idx = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const p = idx.map((i) => pts[i]!),
      v = idx.map((i) => vals[i]!);
    pts.splice(0, pts.length, ...p);
    vals.splice(0, vals.length, ...v);
  };
  const along = (c: number[], w: number[], t: number): number[] => c.map((ci, k) => ci + t * (w[k]! - ci));
  while (evaluations < maxEval) {
    order();
    if (Math.abs(vals[n]! - vals[0]!) <= tol * (Math.abs(vals[0]!) + tol)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) centroid[k]! += pts[i]![k]! / n;
    const worst = pts[n]!;
    const xr = along(centroid, worst, -1);
    const fr = evalAt(xr);
    if (fr < vals[0]!) {
      const xe = along(centroid, worst, -2);
      const fe = evalAt(xe);
      if (fe < fr) replaceWorst(xe, fe);
      else replaceWorst(xr, fr);
    } else if (fr < vals[n - 1]!) {
      replaceWorst(xr, fr);
    } else {
      const xc = fr < vals[n]! ? along(centroid, worst, -0.5) : along(centroid, worst, 0.5);
      const fc = evalAt(xc);
      if (fc < Math.min(fr, vals[n]!)) replaceWorst(xc, fc);
      else {
        for (let i = 1; i <= n; i++) {
          pts[i] = along(pts[0]!, pts[i]!, 0.5);
          vals[i] = evalAt(pts[i]!);
        }
      }
    }
  }
  order();
  return { x: pts[0]!, value: vals[0]!, evaluations };

  function replaceWorst(x: number[], v: number): void {
    pts[n] = x;
    vals[n] = v;
  }
}
