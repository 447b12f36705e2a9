import { FormatError } from '../../errors.js';

/**
 * Point-group rotations (row-major 3×3) generated from a few axes and closed under products.
 * Orientations as RELION (symmetries.cpp): Cn and Dn about z, Dn's two-fold along x; T with its three-fold
 * on z; O with four-folds on x, y, z; I (= I2) with a two-fold on z and a five-fold in the xz plane; I1–I4.
 */
export type Mat = number[];

function axisRotation(ax: number, ay: number, az: number, angle: number): Mat {
  const l = Math.hypot(ax, ay, az);
  const [x, y, z] = [ax / l, ay / l, az / l];
  const c = Math.cos(angle),
    s = Math.sin(angle),
    t = 1 - c;
  return [
    t * x * x + c,
    t * x * y - s * z,
    t * x * z + s * y,
    t * x * y + s * z,
    t * y * y + c,
    t * y * z - s * x,
    t * x * z - s * y,
    t * y * z + s * x,
    t * z * z + c,
  ];
}

function multiply(a: Mat, b: Mat): Mat {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[3 * i + j]! += a[3 * i + k]! * b[3 * k + j]!;
  return out;
}

function close(generators: Mat[], expected: number): Mat[] {
  const group: Mat[] = [[1, 0, 0, 0, 1, 0, 0, 0, 1]];
  const same = (a: Mat, b: Mat): boolean => a.every((v, i) => Math.abs(v - b[i]!) < 1e-6);
  for (let k = 0; k < group.length; k++) {
    for (const g of generators) {
      const p = multiply(group[k]!, g);
      if (!group.some((h) => same(h, p))) group.push(p);
      if (group.length > expected)
        throw new Error(`internal: symmetry generators give more than ${expected} operators`);
    }
  }
  if (group.length !== expected)
    throw new Error(`internal: symmetry generators give ${group.length} operators, expected ${expected}`);
  return group;
}

export function symmetryOperators(symbol: string): Mat[] {
  const s = symbol.trim().toUpperCase();
  const m = /^([CD])(\d+)$/.exec(s);
  if (m) {
    const n = Number(m[2]);
    if (!(n >= 1 && n <= 100))
      throw new FormatError('symmetry order out of range', {
        source: 'symmetry',
        found: symbol,
        expected: 'C1 … C100, D2 … D100',
      });
    const cn = axisRotation(0, 0, 1, (2 * Math.PI) / n);
    return m[1] === 'C' ? close([cn], n) : close([cn, axisRotation(1, 0, 0, Math.PI)], 2 * n);
  }
  // Axes as RELION's symmetries.cpp lists them, so that maps and angles agree with RELION's for each symbol.
  const gen = (axes: [number, number, number, number][], n: number): Mat[] =>
    close(
      axes.map(([order, x, y, z]) => axisRotation(x, y, z, (2 * Math.PI) / order)),
      n,
    );
  switch (s) {
    case 'T':
      return gen(
        [
          [3, 0, 0, 1],
          [2, 0, 0.816496, 0.57735],
        ],
        12,
      );
    case 'O':
      return gen(
        [
          [3, 0.5773502, 0.5773502, 0.5773502],
          [4, 0, 0, 1],
        ],
        24,
      );
    case 'I':
    case 'I2':
      return gen(
        [
          [2, 0, 0, 1],
          [5, 0.525731114, 0, 0.850650807],
          [3, 0, 0.356822076, 0.934172364],
        ],
        60,
      );
    case 'I1':
      return gen(
        [
          [2, 1, 0, 0],
          [5, 0.8506508070267, 0, -0.5257311142635],
          [3, 0.934172364, 0.3568220765, 0],
        ],
        60,
      );
    case 'I3':
      return gen(
        [
          [2, -0.5257311143, 0, 0.850650807],
          [5, 0, 0, 1],
          [3, -0.4911234778630044, 0.3568220764705179, 0.7946544753759428],
        ],
        60,
      );
    case 'I4':
      return gen(
        [
          [2, 0.5257311143, 0, 0.850650807],
          [5, 0.8944271932547097, 0, 0.4472135909903704],
          [3, 0.4911234778630044, 0.3568220764705179, 0.7946544753759428],
        ],
        60,
      );
    default:
      throw new FormatError('unknown symmetry', {
        source: 'symmetry',
        found: JSON.stringify(symbol),
        expected: 'C1, Cn, Dn, T, O, I (I1–I4)',
      });
  }
}
