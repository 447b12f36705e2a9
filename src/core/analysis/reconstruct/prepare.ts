import { rfft3d, type Spectrum } from '../../fourier/rfft3d.js';
import { relionCtfHalf, type ParticleCtf } from './relion-ctf.js';

/**
 * One particle image made ready for insertion, as relion_reconstruct's backprojectOneParticle does it:
 * the 2D transform normalised by the pixel count (RELION's forward FFT), the box centre moved to the
 * origin, the image shifted by its origin (rlnOriginX/Y in pixels: a shift by +origin, RELION's
 * shiftImageInFourierTransform), then multiplied by its CTF, with CTF² as the weight.
 */
export class ImagePreparer {
  readonly n: number;
  readonly nh: number;
  /** The prepared half spectrum, [y][x] interleaved complex (valid after prepare). */
  readonly spectrum: Float64Array;
  /** CTF² per half-spectrum sample (valid after prepare with a CTF). */
  readonly weights: Float64Array;
  private readonly spec: Spectrum;
  private readonly ctf: Float64Array;
  private readonly colRe: Float64Array;
  private readonly colIm: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.nh = (n >> 1) + 1;
    this.spec = { nx: n, ny: n, nz: 1, nxh: this.nh, data: new Float64Array(2 * this.nh * n) };
    this.spectrum = this.spec.data as Float64Array;
    this.weights = new Float64Array(this.nh * n);
    this.ctf = new Float64Array(this.nh * n);
    this.colRe = new Float64Array(this.nh);
    this.colIm = new Float64Array(this.nh);
  }

  /**
   * Fills `spectrum` (and `weights` when a CTF is given) from an n×n image (x fastest).
   * Returns the weights, or null without a CTF (every weight 1).
   */
  prepare(
    image: Float32Array,
    originXPx: number,
    originYPx: number,
    ctf: ParticleCtf | null,
    pixelSizeA: number,
  ): Float64Array | null {
    const { n, nh, spectrum: f } = this;
    rfft3d(image, n, n, 1, this.spec);
    // Centre (the box's pixel ⌊n/2⌋ to the origin) and origin shift in one phase: F(k)·exp(2πi k·(c − t)/n),
    // with the image scaled by 1/n² as RELION's normalised forward transform. For even n the centring is
    // RELION's CenterFFTbySign, (−1)^(kx+ky).
    const c = n >> 1;
    const sx = (2 * Math.PI * (c - originXPx)) / n;
    const sy = (2 * Math.PI * (c - originYPx)) / n;
    const norm = 1 / (n * n);
    for (let j = 0; j < nh; j++) {
      this.colRe[j] = Math.cos(sx * j) * norm;
      this.colIm[j] = Math.sin(sx * j) * norm;
    }
    for (let i = 0; i < n; i++) {
      const ky = i < nh ? i : i - n;
      const rr = Math.cos(sy * ky),
        ri = Math.sin(sy * ky);
      for (let j = 0; j < nh; j++) {
        const pr = rr * this.colRe[j]! - ri * this.colIm[j]!;
        const pi = rr * this.colIm[j]! + ri * this.colRe[j]!;
        const k = 2 * (i * nh + j);
        const a = f[k]!,
          b = f[k + 1]!;
        f[k] = a * pr - b * pi;
        f[k + 1] = a * pi + b * pr;
      }
    }
    // relion_reconstruct zeroes each image's DC term (its weight stays): the map's mean then comes from the
    // neighbouring samples only, as RELION's does (reconstructor.cpp, F2D(0, 0) = 0).
    f[0] = 0;
    f[1] = 0;
    if (!ctf) return null;
    relionCtfHalf(ctf, n, pixelSizeA, this.ctf);
    const w = this.weights;
    for (let k = 0; k < nh * n; k++) {
      const v = this.ctf[k]!;
      f[2 * k]! *= v;
      f[2 * k + 1]! *= v;
      w[k] = v * v;
    }
    return w;
  }
}
