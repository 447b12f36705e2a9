/**
 * Seed 000's reading of the FSC curve's shape, as a classification with the numbers behind it.
 * Works on the curve that gives the resolution (corrected when masked).
 */
export type CurveShape = 'clean drop' | 'long tail above 0.143' | 'bumpy / oscillating' | 'high then sharp collapse';

export interface ShapeReading {
  kind: CurveShape;
  meaning: string;
  evidence: {
    /** Shell where the curve first drops below 0.5 and below 0.143. */
    shell05: number | null;
    shell0143: number | null;
    /** Shells spent between 0.5 and 0.143, as a fraction of shell0143. */
    tailFraction: number | null;
    /** Rises of more than 0.05 before the 0.143 crossing (+10 shells). */
    bumps: number;
  };
}

const MEANING: Record<CurveShape, string> = {
  'clean drop':
    'Sharp drop to zero past the cutoff: a clean signal limit, likely set by sample homogeneity or optics. An ' +
    'honest map.',
  'long tail above 0.143':
    'Long tail above 0.143: anisotropy or unresolved heterogeneity leaves a small fraction of high-frequency ' +
    'signal. Check the directional FSC and local resolution.',
  'bumpy / oscillating':
    'Bumpy, oscillating FSC: mask too tight, too loose, or solvent-flattening artefacts. Recompute with a softer ' +
    'mask and compare.',
  'high then sharp collapse':
    'FSC above 0.5 over most of the curve, then a sharp collapse: excellent low-frequency agreement; almost ' +
    'certainly a B-factor problem rather than alignment.',
};

function firstBelow(fsc: ArrayLike<number>, t: number): number | null {
  for (let i = 1; i < fsc.length; i++) if (!(fsc[i]! >= t)) return i;
  return null;
}

export function readShape(fsc: ArrayLike<number>): ShapeReading {
  const n = fsc.length;
  const shell05 = firstBelow(fsc, 0.5);
  const shell0143 = firstBelow(fsc, 0.143);
  const end = Math.min(n - 1, (shell0143 ?? n - 1) + 10);
  let bumps = 0;
  let runMin = fsc[1]!;
  for (let i = 2; i <= end; i++) {
    const v = fsc[i]!;
    if (v - runMin > 0.05 && fsc[i - 1]! <= v) {
      bumps++;
      runMin = v;
    } else runMin = Math.min(runMin, v);
  }
  const tailFraction = shell05 !== null && shell0143 !== null ? (shell0143 - shell05) / shell0143 : null;
  let kind: CurveShape = 'clean drop';
  if (bumps >= 2) kind = 'bumpy / oscillating';
  else if (
    shell05 !== null &&
    shell0143 !== null &&
    shell05 >= 0.75 * shell0143 &&
    shell0143 - shell05 <= Math.max(3, 0.12 * shell0143)
  )
    kind = 'high then sharp collapse';
  else if (tailFraction !== null && tailFraction > 0.35) kind = 'long tail above 0.143';
  return { kind, meaning: MEANING[kind], evidence: { shell05, shell0143, tailFraction, bumps } };
}
