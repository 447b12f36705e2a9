import type { Mat } from '../orientations/symmetry.js';

/**
 * The padded Fourier grid that particles are inserted into, laid out as RELION's BackProjector
 * (backprojector.cpp, projector.cpp initialiseData): x = 0 … R + 1 (the half with x ≥ 0), y and z = −(R + 1)
 * … R + 1, with R = round(pad · rMax) the largest radius kept. Data (complex, interleaved) and weights are
 * float32 sums, as RELION's single-precision build keeps them; each value is computed in float64.
 */
export interface GridShape {
  /** Box of the particle images (and of the map). */
  oriSize: number;
  pad: number;
  /** Largest frequency kept, in pixels of the unpadded box. */
  rMax: number;
}

export class InsertionGrid {
  readonly oriSize: number;
  readonly pad: number;
  readonly rMax: number;
  /** round(pad · rMax): the radius of the padded sphere. */
  readonly radius: number;
  /** RELION's pad_size: 2·(radius + 1) + 1. */
  readonly padSize: number;
  /** Extents: x from 0, y and z from −half. */
  readonly nx: number;
  readonly ny: number;
  readonly half: number;
  /** Interleaved re, im per voxel: [z][y][x]. */
  readonly data: Float32Array;
  readonly weight: Float32Array;
  /** Particles inserted into this grid. */
  particles = 0;

  /** Voxels of the half grid (nx · ny²). */
  readonly voxels: number;

  /** `shapeOnly`: the geometry without arrays (to size a file before reading it). */
  constructor(shape: GridShape, data?: Float32Array, weight?: Float32Array, shapeOnly = false) {
    this.oriSize = shape.oriSize;
    this.pad = shape.pad;
    this.rMax = shape.rMax;
    this.radius = Math.round(shape.pad * shape.rMax);
    this.padSize = 2 * (this.radius + 1) + 1;
    this.half = this.radius + 1;
    this.nx = this.half + 1;
    this.ny = this.padSize;
    const voxels = this.nx * this.ny * this.ny;
    this.voxels = voxels;
    this.data = data ?? new Float32Array(shapeOnly ? 0 : 2 * voxels);
    this.weight = weight ?? new Float32Array(shapeOnly ? 0 : voxels);
    if (!shapeOnly && (this.data.length !== 2 * voxels || this.weight.length !== voxels))
      throw new RangeError(`grid arrays do not fit a ${this.nx}×${this.ny}² grid`);
  }

  get shape(): GridShape {
    return { oriSize: this.oriSize, pad: this.pad, rMax: this.rMax };
  }

  /**
   * A copy (the sums stay; finishing symmetrises in place); `array` gives the arrays to copy into (kept ones: a
   * fresh array's first touch costs more than the copy), default new ones.
   */
  clone(array?: (length: number) => Float32Array): InsertionGrid {
    const copy = (a: Float32Array): Float32Array => {
      if (!array) return a.slice();
      const out = array(a.length);
      out.set(a);
      return out;
    };
    const g = new InsertionGrid(this.shape, copy(this.data), copy(this.weight));
    g.particles = this.particles;
    return g;
  }

  /** Takes away a grid of the same shape: the sums without those particles (partial sums are linear). */
  subtract(other: InsertionGrid): void {
    if (other.nx !== this.nx || other.ny !== this.ny || other.oriSize !== this.oriSize)
      throw new RangeError('cannot subtract grids of different shapes');
    gridDifference(this.data, this.weight, this.data, this.weight, other.data, other.weight);
    this.particles -= other.particles;
  }

  /**
   * Becomes `whole` minus itself (the sums of the other particles of `whole`), in place — no copy of `whole` —
   * with the same arithmetic and residue rule as `whole.clone().subtract(this)`.
   */
  takeFrom(whole: InsertionGrid): void {
    if (whole.nx !== this.nx || whole.ny !== this.ny || whole.oriSize !== this.oriSize)
      throw new RangeError('cannot take grids of different shapes');
    gridDifference(this.data, this.weight, whole.data, whole.weight, this.data, this.weight);
    this.particles = whole.particles - this.particles;
  }

  /**
   * The same sums up to a lower frequency rMax (pixels of the unpadded box): the grid a reconstruction limited
   * there would fill, but for trilinear spill from points just beyond it. Finishing costs ∝ rMax³.
   */
  cropped(rMax: number, array?: (length: number) => Float32Array): InsertionGrid {
    if (rMax >= this.rMax) return this.clone(array);
    const shape = { oriSize: this.oriSize, pad: this.pad, rMax };
    const probe = new InsertionGrid(shape, new Float32Array(0), new Float32Array(0), true);
    // Every voxel of the cut grid is written below, so kept arrays need no clearing.
    const g = array ? new InsertionGrid(shape, array(2 * probe.voxels), array(probe.voxels)) : new InsertionGrid(shape);
    const d = this.half - g.half;
    for (let z = 0; z < g.ny; z++)
      for (let y = 0; y < g.ny; y++) {
        const s = ((z + d) * this.ny + (y + d)) * this.nx;
        const o = (z * g.ny + y) * g.nx;
        g.weight.set(this.weight.subarray(s, s + g.nx), o);
        g.data.set(this.data.subarray(2 * s, 2 * (s + g.nx)), 2 * o);
      }
    g.particles = this.particles;
    return g;
  }

  /** Adds another grid of the same shape (a worker's or a shard's partial sums). */
  add(other: InsertionGrid): void {
    if (other.nx !== this.nx || other.ny !== this.ny || other.oriSize !== this.oriSize)
      throw new RangeError('cannot add grids of different shapes');
    addInto(this.data, other.data);
    addInto(this.weight, other.weight);
    this.particles += other.particles;
  }

  /**
   * Inserts one image's half spectrum (n×(n/2+1) complex, [y][x], centred and shifted) with its weights
   * (CTF², or 1) by trilinear interpolation at A⁻¹·(x, y)·pad, as RELION's backproject2Dto3D: only the points
   * whose 3D radius is within the padded sphere, the x = 0 column once, the x < 0 half as complex conjugates.
   * `ainv` is A⁻¹ · pad (row-major), as relionInverse gives it: which points on the sphere's rim are inserted
   * depends on its last bits, so it is computed as RELION computes it.
   */
  insert(f: Float64Array, w: Float64Array | null, n: number, ainv: Float64Array): void {
    const nh = (n >> 1) + 1;
    const a00 = ainv[0]!,
      a01 = ainv[1]!,
      a10 = ainv[3]!,
      a11 = ainv[4]!,
      a20 = ainv[6]!,
      a21 = ainv[7]!;
    const maxR2 = this.radius * this.radius;
    const atAxx = a00 * a00 + a10 * a10 + a20 * a20;
    const atAxy = a00 * a01 + a10 * a11 + a20 * a21;
    const atAyy = a01 * a01 + a11 * a11 + a21 * a21;
    const nx = this.nx,
      plane = nx * this.ny,
      off = this.half,
      ny = this.ny;
    const data = this.data,
      weight = this.weight;
    for (let i = 0; i < n; i++) {
      const y = i < nh ? i : i - n;
      const firstAllowed = i < nh ? 0 : 1;
      // The x range inside the ellipse |Ainv·(x, y)|² ≤ R² (RELION's discriminant, the same roundings).
      const discr = atAxy * atAxy * y * y - atAxx * (atAyy * y * y - maxR2);
      if (discr < 0) continue;
      const d = Math.sqrt(discr) / atAxx;
      const q = (-atAxy * y) / atAxx;
      let first = Math.ceil(q - d);
      let last = Math.floor(q + d);
      if (first < firstAllowed) first = firstAllowed;
      if (last > nh - 1) last = nh - 1;
      for (let x = first; x <= last; x++) {
        const k = i * nh + x;
        const wt = w ? w[k]! : 1;
        if (wt <= 0) continue;
        let xp = a00 * x + a01 * y;
        let yp = a10 * x + a11 * y;
        let zp = a20 * x + a21 * y;
        if (xp * xp + yp * yp + zp * zp > maxR2) continue;
        const re = f[2 * k]!;
        let im = f[2 * k + 1]!;
        if (xp < 0) {
          xp = -xp;
          yp = -yp;
          zp = -zp;
          im = -im;
        }
        // Integer corners (|0: V8 then indexes with int32, and a floor of −0 does not deoptimise).
        const x0 = Math.floor(xp) | 0,
          fx = xp - x0;
        const yf = Math.floor(yp) | 0,
          fy = yp - yf;
        const zf = Math.floor(zp) | 0,
          fz = zp - zf;
        const y0 = (yf + off) | 0,
          z0 = (zf + off) | 0;
        if (x0 < 0 || x0 + 1 >= nx || y0 < 0 || y0 + 1 >= ny || z0 < 0 || z0 + 1 >= ny) continue;
        const mfx = 1 - fx,
          mfy = 1 - fy,
          mfz = 1 - fz;
        // The eight corners written out: this loop is the reconstruction's hot path.
        const b = (z0 * plane + y0 * nx + x0) | 0;
        const w00 = mfz * mfy,
          w01 = mfz * fy,
          w10 = fz * mfy,
          w11 = fz * fy;
        let o = b,
          t = w00 * mfx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + 1;
        t = w00 * fx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + nx;
        t = w01 * mfx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + nx + 1;
        t = w01 * fx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + plane;
        t = w10 * mfx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + plane + 1;
        t = w10 * fx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + plane + nx;
        t = w11 * mfx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
        o = b + plane + nx + 1;
        t = w11 * fx;
        data[2 * o]! += t * re;
        data[2 * o + 1]! += t * im;
        weight[o]! += t * wt;
      }
    }
    this.particles++;
  }

  /**
   * RELION's symmetrise (backprojector.cpp): the x = 0 plane made Hermitian (each pair summed), then for every
   * operator but the identity the grid read at R·k by trilinear interpolation and added, inside the padded
   * sphere. Symmetry acts on the summed grid, not per particle, as relion_reconstruct does.
   */
  symmetrise(operators: readonly Mat[]): void {
    this.enforceHermitian();
    const others = operators.filter((r) => !isIdentity(r));
    if (others.length === 0) return;
    const sumData = this.data.slice();
    const sumWeight = this.weight.slice();
    const { nx, ny, half } = this;
    const plane = nx * ny;
    const r2max = this.radius * this.radius;
    for (const r of others) {
      for (let z = -half; z <= half; z++)
        for (let y = -half; y <= half; y++)
          for (let x = 0; x < nx; x++) {
            if (x * x + y * y + z * z > r2max) continue;
            let xp = x * r[0]! + y * r[1]! + z * r[2]!;
            let yp = x * r[3]! + y * r[4]! + z * r[5]!;
            let zp = x * r[6]! + y * r[7]! + z * r[8]!;
            let conj = 1;
            if (xp < 0) {
              xp = -xp;
              yp = -yp;
              zp = -zp;
              conj = -1;
            }
            const x0 = Math.floor(xp),
              fx = xp - x0;
            const yf = Math.floor(yp),
              fy = yp - yf;
            const zf = Math.floor(zp),
              fz = zp - zf;
            const b = (zf + half) * plane + (yf + half) * nx + x0;
            const o = (z + half) * plane + (y + half) * nx + x;
            sumData[2 * o]! += trilinear(this.data, 2 * b, 2, 2 * nx, 2 * plane, fx, fy, fz);
            sumData[2 * o + 1]! += conj * trilinear(this.data, 2 * b + 1, 2, 2 * nx, 2 * plane, fx, fy, fz);
            sumWeight[o]! += trilinear(this.weight, b, 1, nx, plane, fx, fy, fz);
          }
    }
    this.data.set(sumData);
    this.weight.set(sumWeight);
  }

  /** The x = 0 plane: F(0, y, z) and F(0, −y, −z) summed and made conjugate (RELION enforceHermitianSymmetry). */
  enforceHermitian(): void {
    const { nx, ny, half } = this;
    const plane = nx * ny;
    const at = (z: number, y: number): number => (z + half) * plane + (y + half) * nx;
    for (let z = -half; z <= half; z++) {
      for (let y = z < 0 ? 0 : 1; y <= half; y++) {
        const a = at(z, y),
          b = at(-z, -y);
        const re = this.data[2 * a]! + this.data[2 * b]!;
        const im = this.data[2 * a + 1]! - this.data[2 * b + 1]!;
        this.data[2 * a] = re;
        this.data[2 * a + 1] = im;
        this.data[2 * b] = re;
        this.data[2 * b + 1] = -im;
        const s = this.weight[a]! + this.weight[b]!;
        this.weight[a] = s;
        this.weight[b] = s;
      }
    }
  }
}

/**
 * A float32 sum keeps ~2⁻²⁴ of itself per term as rounding residue; subtract every term again (in another order)
 * and that residue, positive or negative, is all that is left. A voxel left with no more than this fraction of its
 * weight is emptied: kept, the gridding-weight iterations divide by it (a what-if map's voxels reached 1e11).
 */
export const SUBTRACTION_RESIDUE = 1e-6;

/**
 * (data, weight) = (aData, aWeight) − (bData, bWeight), residue voxels emptied (SUBTRACTION_RESIDUE); the output
 * may be either input (each voxel is read before it is written).
 */
function gridDifference(
  data: Float32Array,
  weight: Float32Array,
  aData: Float32Array,
  aWeight: Float32Array,
  bData: Float32Array,
  bWeight: Float32Array,
): void {
  for (let i = 0; i < weight.length; i++) {
    const w0 = aWeight[i]!;
    const w = w0 - bWeight[i]!;
    const re = aData[2 * i]! - bData[2 * i]!;
    const im = aData[2 * i + 1]! - bData[2 * i + 1]!;
    const empty = w <= SUBTRACTION_RESIDUE * w0;
    weight[i] = empty ? 0 : w;
    data[2 * i] = empty ? 0 : re;
    data[2 * i + 1] = empty ? 0 : im;
  }
}

/** a += b, in a function of its own (one loop per function keeps V8's on-stack optimisation). */
function addInto(a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
}

/**
 * Trilinear interpolation at corner index b of a grid whose neighbours along x, y, z are sx, sy, sz values
 * apart (RELION's LIN_INTERP order: x, then y, then z).
 */
function trilinear(
  g: Float32Array,
  b: number,
  sx: number,
  sy: number,
  sz: number,
  fx: number,
  fy: number,
  fz: number,
): number {
  const v000 = g[b]!,
    v001 = g[b + sx]!,
    v010 = g[b + sy]!,
    v011 = g[b + sy + sx]!;
  const v100 = g[b + sz]!,
    v101 = g[b + sz + sx]!,
    v110 = g[b + sz + sy]!,
    v111 = g[b + sz + sy + sx]!;
  const x00 = v000 + fx * (v001 - v000);
  const x01 = v100 + fx * (v101 - v100);
  const x10 = v010 + fx * (v011 - v010);
  const x11 = v110 + fx * (v111 - v110);
  const y0 = x00 + fy * (x10 - x00);
  const y1 = x01 + fy * (x11 - x01);
  return y0 + fz * (y1 - y0);
}

function isIdentity(r: Mat): boolean {
  return [0, 4, 8].every((i) => Math.abs(r[i]! - 1) < 1e-9) && [1, 2, 3, 5, 6, 7].every((i) => Math.abs(r[i]!) < 1e-9);
}

/**
 * A⁻¹ · pad for RELION's Euler angles (degrees), with RELION's arithmetic to the last bit: DEG2RAD as
 * d · π / 180, Euler_angles2matrix's products, Matrix2D::inv's cofactors divided by the determinant, then the
 * padding factor (euler.cpp, matrix2d.h, backprojector.cpp). The transpose is the same rotation, but not always the
 * same last bit, and that bit decides whether a point at exactly Nyquist is inserted.
 */
export function relionInverse(
  out: Float64Array,
  rotDeg: number,
  tiltDeg: number,
  psiDeg: number,
  pad: number,
): Float64Array {
  const PI = Math.PI; // RELION’s PI macro (3.14159265358979323846) is this double
  const al = (rotDeg * PI) / 180,
    be = (tiltDeg * PI) / 180,
    ga = (psiDeg * PI) / 180;
  const ca = Math.cos(al),
    cb = Math.cos(be),
    cg = Math.cos(ga),
    sa = Math.sin(al),
    sb = Math.sin(be),
    sg = Math.sin(ga);
  const cc = cb * ca,
    cs = cb * sa,
    sc = sb * ca,
    ss = sb * sa;
  const m00 = cg * cc - sg * sa,
    m01 = cg * cs + sg * ca,
    m02 = -cg * sb;
  const m10 = -sg * cc - cg * sa,
    m11 = -sg * cs + cg * ca,
    m12 = sg * sb;
  const m20 = sc,
    m21 = ss,
    m22 = cb;
  out[0] = m22 * m11 - m21 * m12;
  out[1] = -(m22 * m01 - m21 * m02);
  out[2] = m12 * m01 - m11 * m02;
  out[3] = -(m22 * m10 - m20 * m12);
  out[4] = m22 * m00 - m20 * m02;
  out[5] = -(m12 * m00 - m10 * m02);
  out[6] = m21 * m10 - m20 * m11;
  out[7] = -(m21 * m00 - m20 * m01);
  out[8] = m11 * m00 - m10 * m01;
  const det = m00 * out[0] + m10 * out[1] + m20 * out[2];
  for (let i = 0; i < 9; i++) out[i] = (out[i]! / det) * pad;
  return out;
}
