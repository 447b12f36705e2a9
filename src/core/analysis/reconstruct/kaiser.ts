/**
 * The Fourier transform of RELION's Kaiser–Bessel blob (order 0), as its TabFtBlob tabulates it: 10 000
 * samples over [0, 0.5) read by truncation, zero beyond. RELION's BackProjector builds it with radius
 * 1.9 · 2 and α = 15 whatever the padding (backprojector.h). kaiser_Fourier_value (funcs.cpp):
 * (2π)^{3/2} a³ i_{3/2}(σ) / (I0(α) σ^{3/2}), σ = √|α² − (2π a w)²|, with j_{3/2} past 2π a w = α.
 */
export const BLOB_RADIUS = 1.9 * 2;
export const BLOB_ALPHA = 15;
const TABLE_SIZE = 10000;
const SAMPLING = 0.5 / TABLE_SIZE;

/** Modified spherical Bessel function of order 3/2 (RELION bessi1_5). */
function besselI15(x: number): number {
  return x === 0 ? 0 : Math.sqrt(2 / (Math.PI * x)) * (Math.cosh(x) - Math.sinh(x) / x);
}

/** Bessel function of the first kind of order 3/2. */
function besselJ15(x: number): number {
  return x === 0 ? 0 : Math.sqrt(2 / (Math.PI * x)) * (Math.sin(x) / x - Math.cos(x));
}

/** The blob's transform at frequency w, up to the constant factor that the normalisation removes. */
function blobFourier(w: number, a: number, alpha: number): number {
  const t = 2 * Math.PI * a * w;
  const sigma = Math.sqrt(Math.abs(alpha * alpha - t * t));
  const b = t > alpha ? besselJ15(sigma) : besselI15(sigma);
  return b / sigma ** 1.5;
}

/** The normalised, tabulated blob transform: value(w) / value(0), read as RELION reads its table. */
export function blobTable(a = BLOB_RADIUS, alpha = BLOB_ALPHA): (w: number) => number {
  const table = new Float64Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) table[i] = blobFourier(i * SAMPLING, a, alpha);
  const norm = table[0]!;
  for (let i = 0; i < TABLE_SIZE; i++) table[i]! /= norm;
  return (w) => {
    const idx = Math.trunc(Math.abs(w) / SAMPLING);
    return idx >= TABLE_SIZE ? 0 : table[idx]!;
  };
}
