import { decodeImage, type StackLayout } from '../../io/mrc/stack.js';
import { relionInverse, type InsertionGrid } from './grid.js';
import { ImagePreparer } from './prepare.js';
import type { ReconstructionPlan } from './particles.js';
import type { ParticleCtf } from './relion-ctf.js';

/** Numbers per particle in a batch: rot, tilt, psi (deg), origin x, y (px), target grid, then the CTF. */
export const PARAMS = 16;
const CTF_AT = 6;

/**
 * Particles on their way to the insertion: their images' raw bytes from one stack and their parameters in
 * one Float64Array, so that a batch crosses to a worker thread as two transferable buffers.
 */
export interface ParticleBatch {
  layout: Pick<StackLayout, 'nx' | 'ny' | 'mode' | 'littleEndian' | 'imageBytes'>;
  pixelSizeA: number;
  count: number;
  bytes: Uint8Array;
  params: Float64Array;
}

/** Writes particle i's parameters at slot k of `params` (target = grid index, −1 to skip). */
export function packParticle(
  plan: ReconstructionPlan,
  i: number,
  target: number,
  params: Float64Array,
  k: number,
): void {
  const o = k * PARAMS;
  params[o] = plan.rotDeg[i]!;
  params[o + 1] = plan.tiltDeg[i]!;
  params[o + 2] = plan.psiDeg[i]!;
  params[o + 3] = plan.originXPx[i]!;
  params[o + 4] = plan.originYPx[i]!;
  params[o + 5] = target;
  const c = plan.ctf?.(i);
  if (!c) {
    params[o + CTF_AT] = 0;
    return;
  }
  params.set(
    [
      1,
      c.voltageKv,
      c.csMm,
      c.amplitudeContrast,
      c.defocusUA,
      c.defocusVA,
      c.defocusAngleDeg,
      c.phaseShiftDeg,
      c.bfactorA2,
      c.scale,
    ],
    o + CTF_AT,
  );
}

/** Inserts every particle of a batch into grids[target]; reuses one preparer per image size. */
export class BatchInserter {
  private preparer: ImagePreparer | null = null;
  private image: Float32Array | null = null;
  private readonly ainv = new Float64Array(9);

  insert(batch: ParticleBatch, grids: readonly InsertionGrid[]): void {
    const n = batch.layout.nx;
    if (!this.preparer || this.preparer.n !== n) {
      this.preparer = new ImagePreparer(n);
      this.image = new Float32Array(n * n);
    }
    const prep = this.preparer,
      image = this.image!;
    const layout = { ...batch.layout, source: '', count: batch.count, dataOffset: 0, pixelSizeA: null };
    for (let k = 0; k < batch.count; k++) {
      const o = k * PARAMS;
      const p = batch.params;
      const target = p[o + 5]!;
      if (target < 0) continue;
      const bytes = batch.bytes.subarray(k * batch.layout.imageBytes, (k + 1) * batch.layout.imageBytes);
      decodeImage(layout, bytes, image);
      const ctf: ParticleCtf | null =
        p[o + CTF_AT] === 1
          ? {
              voltageKv: p[o + 7]!,
              csMm: p[o + 8]!,
              amplitudeContrast: p[o + 9]!,
              defocusUA: p[o + 10]!,
              defocusVA: p[o + 11]!,
              defocusAngleDeg: p[o + 12]!,
              phaseShiftDeg: p[o + 13]!,
              bfactorA2: p[o + 14]!,
              scale: p[o + 15]!,
            }
          : null;
      const w = prep.prepare(image, p[o + 3]!, p[o + 4]!, ctf, batch.pixelSizeA);
      const g = grids[target]!;
      relionInverse(this.ainv, p[o]!, p[o + 1]!, p[o + 2]!, g.pad);
      g.insert(prep.spectrum, w, n, this.ainv);
    }
  }
}
