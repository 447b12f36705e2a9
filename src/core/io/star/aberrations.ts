import { FormatError } from '../../errors.js';
import type { StarDocument } from './read.js';
import { RLN } from './labels.js';

/**
 * What RELION 3.1+ CTF refinement writes into the optics table, per optics group: beam tilt (mrad), the odd
 * (antisymmetric) and even (symmetric) Zernike coefficients of the extra phase (radians, on spatial frequency
 * in 1/Å, RELION's Zernike::Z_cart), and the anisotropic magnification matrix.
 */
export interface OpticsAberrations {
  group: number;
  name: string;
  voltageKv: number | null;
  csMm: number | null;
  pixelSizeA: number | null;
  beamTiltXMrad: number | null;
  beamTiltYMrad: number | null;
  oddZernike: number[];
  evenZernike: number[];
  /** [[M00, M01], [M10, M11]], or null when magnification was not refined. */
  magMatrix: [[number, number], [number, number]] | null;
}

/** RELION's "[a,b,c]" vector cell. */
function vector(text: string, source: string, field: string): number[] {
  const t = text.trim();
  if (t === '' || t === '[]') return [];
  const body = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  const v = body.split(',').map((x) => Number(x.trim()));
  if (v.some((x) => !Number.isFinite(x)))
    throw new FormatError('not a list of numbers', { source, field, found: t, expected: '[c0,c1,…]' });
  return v;
}

/** The refined aberrations of every optics group, or [] when the file has no optics table or no refinement. */
export function readOpticsAberrations(doc: StarDocument): OpticsAberrations[] {
  const loop = doc.blocks.find((b) => b.name === 'optics')?.loop;
  if (!loop) return [];
  const has = (c: string): boolean => loop.has(c);
  if (![RLN.beamTiltX, RLN.oddZernike, RLN.evenZernike, RLN.magMat00].some(has)) return [];
  const num = (c: string): Float64Array | null => (has(c) ? loop.numbers(c) : null);
  const [bx, by, v, cs, px, m00, m01, m10, m11] = [
    RLN.beamTiltX,
    RLN.beamTiltY,
    RLN.voltage,
    RLN.sphericalAberration,
    RLN.imagePixelSize,
    RLN.magMat00,
    RLN.magMat01,
    RLN.magMat10,
    RLN.magMat11,
  ].map(num);
  const odd = has(RLN.oddZernike) ? loop.strings(RLN.oddZernike) : null;
  const even = has(RLN.evenZernike) ? loop.strings(RLN.evenZernike) : null;
  const groups = has(RLN.opticsGroup) ? loop.numbers(RLN.opticsGroup) : null;
  const names = has(RLN.opticsGroupName) ? loop.strings(RLN.opticsGroupName) : null;
  return Array.from({ length: loop.rows }, (_, i) => ({
    group: groups?.[i] ?? i + 1,
    name: names?.[i] ?? `opticsGroup${i + 1}`,
    voltageKv: v?.[i] ?? null,
    csMm: cs?.[i] ?? null,
    pixelSizeA: px?.[i] ?? null,
    beamTiltXMrad: bx?.[i] ?? null,
    beamTiltYMrad: by?.[i] ?? null,
    oddZernike: odd ? vector(odd[i]!, doc.source, RLN.oddZernike) : [],
    evenZernike: even ? vector(even[i]!, doc.source, RLN.evenZernike) : [],
    magMatrix:
      m00 && m01 && m10 && m11
        ? [
            [m00[i]!, m01[i]!],
            [m10[i]!, m11[i]!],
          ]
        : null,
  }));
}
