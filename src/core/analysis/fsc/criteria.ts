/**
 * Thresholds and crossings. Fixed thresholds 0.143 and 0.5; half-bit and one-bit from van Heel &
 * Schatz (2005) and 3σ = 3/√n, with n the voxels of the full shell divided by the symmetry order.
 */
export type CriterionName = '0.143' | '0.5' | 'half-bit' | 'one-bit' | '3sigma';

export const CRITERIA: readonly CriterionName[] = ['0.143', '0.5', 'half-bit', 'one-bit', '3sigma'];

export function thresholdCurve(name: CriterionName, fullCount: ArrayLike<number>, symmetryOrder = 1): Float64Array {
  const t = new Float64Array(fullCount.length);
  for (let i = 0; i < t.length; i++) {
    const rn = Math.sqrt(Math.max(fullCount[i]! / symmetryOrder, 1));
    switch (name) {
      case '0.143':
        t[i] = 0.143;
        break;
      case '0.5':
        t[i] = 0.5;
        break;
      case 'half-bit':
        t[i] = (0.2071 + 1.9102 / rn) / (1.2071 + 0.9102 / rn);
        break;
      case 'one-bit':
        t[i] = (0.5 + 2.4142 / rn) / (1.5 + 1.4142 / rn);
        break;
      case '3sigma':
        t[i] = 3 / rn;
        break;
    }
  }
  return t;
}

export interface Crossing {
  criterion: CriterionName;
  /** RELION's rule: the last shell before the curve first drops below the threshold; null if at shell 1. */
  shell: number | null;
  resolutionA: number | null;
  /** Linear interpolation of (FSC − threshold) between the bracketing shells, in shells. */
  interpolatedShell: number | null;
  resolutionInterpolatedA: number | null;
  /** True when the curve never drops below the threshold up to Nyquist. */
  reachesNyquist: boolean;
  /** Shells after the first crossing where the curve is above the threshold again. */
  reRiseShells: number[];
}

/** boxA = box size × pixel size: shell i is at resolution boxA / i. */
export function findCrossing(
  fsc: ArrayLike<number>,
  threshold: ArrayLike<number>,
  boxA: number,
  criterion: CriterionName,
): Crossing {
  const n = fsc.length;
  let first = -1;
  for (let i = 1; i < n; i++) {
    if (!(fsc[i]! >= threshold[i]!)) {
      first = i;
      break;
    }
  }
  const res = (s: number): number | null => (s > 0 ? boxA / s : null);
  if (first === -1) {
    return {
      criterion,
      shell: n - 1,
      resolutionA: res(n - 1),
      interpolatedShell: n - 1,
      resolutionInterpolatedA: res(n - 1),
      reachesNyquist: true,
      reRiseShells: [],
    };
  }
  const shell = first - 1;
  const a = fsc[shell]! - threshold[shell]!;
  const b = fsc[first]! - threshold[first]!;
  const frac = Number.isFinite(b) && a - b > 0 ? a / (a - b) : 0;
  const interpolated = shell + Math.min(1, Math.max(0, frac));
  const reRiseShells: number[] = [];
  for (let i = first + 1; i < n; i++) if (fsc[i]! >= threshold[i]!) reRiseShells.push(i);
  return {
    criterion,
    shell: shell > 0 ? shell : null,
    resolutionA: res(shell),
    interpolatedShell: interpolated > 0 ? interpolated : null,
    resolutionInterpolatedA: res(interpolated),
    reachesNyquist: false,
    reRiseShells,
  };
}

/** Signal-to-noise ratio of a half map implied by the FSC: SNR = 2·FSC / (1 − FSC). */
export function snrFromFsc(fsc: number): number {
  return (2 * fsc) / (1 - fsc);
}
