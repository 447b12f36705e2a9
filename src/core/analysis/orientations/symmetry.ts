import { FormatError } from '../../errors.js';

/**
 * Point-group rotations (row-major 3×3) generated from a few axes and closed under products.
 * Orientations as RELION: Cn and Dn about z, Dn's two-fold along x; T and O with two-folds on x, y,
 * z and three-folds along the cube diagonals; I with two-folds on x, y, z and five-folds through
 * (0, ±1, ±φ).
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

const PHI = (1 + Math.sqrt(5)) / 2;

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
  switch (s) {
    case 'T':
      return close([axisRotation(0, 0, 1, Math.PI), axisRotation(1, 1, 1, (2 * Math.PI) / 3)], 12);
    case 'O':
      return close([axisRotation(0, 0, 1, Math.PI / 2), axisRotation(1, 1, 1, (2 * Math.PI) / 3)], 24);
    case 'I':
      return close(
        [
          axisRotation(0, 0, 1, Math.PI),
          axisRotation(1, 1, 1, (2 * Math.PI) / 3),
          axisRotation(0, 1, PHI, (2 * Math.PI) / 5),
        ],
        60,
      );
    default:
      throw new FormatError('unknown symmetry', {
        source: 'symmetry',
        found: JSON.stringify(symbol),
        expected: 'C1, Cn, Dn, T, O or I',
      });
  }
}
