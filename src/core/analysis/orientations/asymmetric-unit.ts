import type { Warning } from '../../errors.js';
import { samplingCounts, scfFromCounts, scfSpiral, uniformScfStar, viewingDirections } from './scf.js';
import { symmetryOperators } from './symmetry.js';

/**
 * The asymmetric unit of a point group's viewing directions as RELION samples it (healpix_sampling.cpp,
 * removeSymmetryEquivalentPointsGeometric): Cn rot in [−180/n, 180/n]; Dn rot in [90 − 180/n, 90 + 180/n] with
 * tilt ≤ 90°; T, O and I the spherical triangles between their axes, as half-spaces. A refinement run with
 * symmetry leaves every particle's angles in this unit, so angles that fill only one unit say which symmetry they
 * were refined with — judged under C1 they look like preferred orientation (issue 33: the tutorial's D2 set).
 */
interface Unit {
  rot?: [number, number];
  maxTiltDeg?: number;
  /** Normals n: the unit is where n·d ≥ 0 for each. */
  planes?: [number, number, number][];
  /** The unit in words, for the user. */
  text: string;
}

function unitOf(symmetry: string): Unit | null {
  const s = symmetry.trim().toUpperCase();
  const m = /^([CD])(\d+)$/.exec(s);
  if (m) {
    const n = Number(m[2]),
      half = 180 / n;
    if (n < 2) return null;
    if (m[1] === 'C') return { rot: [-half, half], text: `rot ${deg(-half)} to ${deg(half)}` };
    return {
      rot: [90 - half, 90 + half],
      maxTiltDeg: 90,
      text: `rot ${deg(90 - half)} to ${deg(90 + half)}, tilt 0–90°`,
    };
  }
  const triangle = (planes: [number, number, number][]): Unit => ({
    planes: planes.map(normalised),
    text: 'the spherical triangle between its symmetry axes',
  });
  if (s === 'T')
    return triangle([
      [-0.942809, 0, 0],
      [0.471405, 0.272165, 0.7698],
      [0.471404, 0.816497, 0],
    ]);
  if (s === 'O')
    return triangle([
      [0, -1, 1],
      [1, 1, 0],
      [-1, 1, 0],
    ]);
  if (s === 'I' || s === 'I2')
    return triangle([
      [0, 1, 0],
      [-0.4999999839058737, -0.8090170074556163, 0.3090169861701543],
      [0.4999999839058737, -0.8090170074556163, 0.3090169861701543],
    ]);
  return null;
}

const deg = (v: number): string => `${Number(v.toFixed(1))}°`;

function normalised(v: [number, number, number]): [number, number, number] {
  const l = Math.hypot(...v);
  return [v[0] / l, v[1] / l, v[2] / l];
}

/** Whether a viewing direction lies in the unit, allowing `tolDeg` beyond its edges (refined angles stray a little). */
function inside(u: Unit, x: number, y: number, z: number, tolDeg: number): boolean {
  const tilt = (Math.acos(Math.max(-1, Math.min(1, z))) * 180) / Math.PI;
  if (u.maxTiltDeg !== undefined && tilt > u.maxTiltDeg + tolDeg) return false;
  if (u.rot && tilt > tolDeg) {
    const rot = (Math.atan2(y, x) * 180) / Math.PI;
    if (rot < u.rot[0] - tolDeg || rot > u.rot[1] + tolDeg) return false;
  }
  const slack = -Math.sin((tolDeg * Math.PI) / 180);
  return (u.planes ?? []).every((p) => p[0] * x + p[1] * y + p[2] * z >= slack);
}

/** Each particle's viewing direction moved into the group's asymmetric unit (one copy each, for plotting). */
export function directionsInUnit(
  rotDeg: ArrayLike<number>,
  tiltDeg: ArrayLike<number>,
  symmetry: string,
): Float64Array {
  const u = unitOf(symmetry);
  const order = symmetryOperators(symmetry).length;
  const all = viewingDirections(rotDeg, tiltDeg, symmetry);
  const out = new Float64Array(3 * rotDeg.length);
  for (let i = 0; i < rotDeg.length; i++) {
    let pick = 0;
    for (let g = 0; u && g < order; g++) {
      const o = 3 * (i * order + g);
      if (inside(u, all[o]!, all[o + 1]!, all[o + 2]!, 1e-6)) {
        pick = g;
        break;
      }
    }
    out.set(all.subarray(3 * (i * order + pick), 3 * (i * order + pick) + 3), 3 * i);
  }
  return out;
}

export function unitText(symmetry: string): string | null {
  return unitOf(symmetry)?.text ?? null;
}

export interface UnitFit {
  /** The group whose asymmetric unit holds the angles. */
  symmetry: string;
  /** Fraction of the particles inside its unit (within 3°). */
  inside: number;
  /** SCF* of the views with that symmetry, over what as many uniformly random particles give. */
  fill: number;
  /** One sentence for the user. */
  statement: string;
}

const TOL_DEG = 3;
/** Refined angles may stray just outside the unit; a set from C1 puts only 1/|G| of its particles inside. */
const MIN_INSIDE = 0.98;
/** The symmetry copies must sample Fourier space: a cluster inside a unit is preferred orientation, not symmetry. */
const MIN_FILL = 0.5;

/**
 * The groups worth testing: T, O, I, and the one Cn and one Dn whose unit's rot width matches the spread of the
 * angles (Cn's unit is centred on rot 0°, Dn's on 90°; n from the 99th percentile of the distance to the centre),
 * since units of neighbouring orders differ by less than refined angles stray.
 */
function candidates(rotDeg: ArrayLike<number>): string[] {
  const order = (centre: number): number => {
    const d = Array.from(rotDeg, (r) => Math.abs(((r - centre + 540) % 360) - 180)).sort((a, b) => a - b);
    const h = d[Math.min(d.length - 1, Math.floor(0.99 * d.length))]!;
    return Math.round(180 / Math.max(h, 1.8));
  };
  const c = order(0),
    d = order(90);
  return ['I', 'O', 'T', ...(d >= 2 ? [`D${d}`] : []), ...(c >= 2 ? [`C${c}`] : [])];
}

/**
 * The point group of highest order whose asymmetric unit holds the particles' angles and whose symmetry copies fill
 * Fourier space as a spread set would; null when the angles use the whole sphere (C1) or fit no unit.
 */
export function fitAsymmetricUnit(rotDeg: ArrayLike<number>, tiltDeg: ArrayLike<number>): UnitFit | null {
  const n = rotDeg.length;
  if (n < 20) return null;
  const dirs = viewingDirections(rotDeg, tiltDeg, 'C1');
  const passing = candidates(rotDeg)
    .map((sym) => {
      const u = unitOf(sym)!;
      let k = 0;
      for (let i = 0; i < n; i++) if (inside(u, dirs[3 * i]!, dirs[3 * i + 1]!, dirs[3 * i + 2]!, TOL_DEG)) k++;
      return { sym, order: symmetryOperators(sym).length, inside: k / n };
    })
    .filter((c) => c.inside >= MIN_INSIDE)
    .sort((a, b) => b.order - a.order);
  const radius = 30;
  const spiral = scfSpiral(radius);
  for (const c of passing) {
    const star = scfFromCounts(samplingCounts(spiral, viewingDirections(rotDeg, tiltDeg, c.sym), radius)).scfStar;
    const fill = star / uniformScfStar(n, c.sym, spiral, radius).mean;
    if (fill < MIN_FILL) continue;
    const statement =
      `the particles' angles fill only the asymmetric unit of ${c.sym} (${unitText(c.sym)}; ` +
      `${(100 * c.inside).toFixed(0)} % of ${n} inside, as a refinement with ${c.sym} leaves them): ` +
      `judged under C1 the other ${c.order - 1} of every ${c.order} views look missing — give the symmetry ` +
      `they were refined with (${c.sym})`;
    return { symmetry: c.sym, inside: c.inside, fill: Math.min(1, fill), statement };
  }
  return null;
}

/** A warning when the angles fit a group of higher order than the one they are judged under. */
export function symmetryWarning(fit: UnitFit | null, given: string, source: string): Warning | null {
  if (!fit || symmetryOperators(fit.symmetry).length <= symmetryOperators(given).length) return null;
  return {
    code: 'angles-fit-symmetry',
    message: `${source}: ${fit.statement}, not ${given.toUpperCase()} (--sym ${fit.symmetry})`,
  };
}
