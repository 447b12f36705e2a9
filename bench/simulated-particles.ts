/**
 * Simulated particles on disk for the benchmarks: core/simulate/particles.ts (relion_project's conventions, known
 * map, white noise) streamed into an MRC stack 64 images at a time, the STAR and the known map beside it.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { simulateParticles, stackHeader } from '../src/core/simulate/particles.js';

export interface Simulated {
  dir: string;
  star: string;
  count: number;
  perSubset: [number, number];
  truth: string;
  seconds: number;
}

export function simulateToDisk(
  label: string,
  o: { box: number; count: number; pixelSizeA: number; seed: number; pad: 1 | 2; noise: number },
): Simulated {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `cryodx-bench-${label}-`));
  const fd = openSync(join(dir, 'particles.mrcs'), 'w');
  writeSync(fd, stackHeader(o.box, o.count, o.pixelSizeA));
  const n2 = o.box * o.box;
  const batch = new Float32Array(64 * n2);
  let held = 0;
  const flush = (): void => {
    writeSync(fd, new Uint8Array(batch.buffer, 0, held * n2 * 4));
    held = 0;
  };
  const sim = simulateParticles({
    ...o,
    onImage: (_, image) => {
      batch.set(image, held * n2);
      if (++held === 64) flush();
    },
  });
  if (held) flush();
  closeSync(fd);
  writeFileSync(join(dir, 'particles.star'), sim.star);
  const px = o.pixelSizeA;
  writeFileSync(join(dir, 'truth.mrc'), writeMrc(createVolume(o.box, o.box, o.box, [px, px, px], sim.truth)));
  const half1 = Math.ceil(o.count / 2);
  return {
    dir,
    star: 'particles.star',
    count: o.count,
    perSubset: [half1, o.count - half1],
    truth: 'truth.mrc',
    seconds: (performance.now() - t0) / 1000,
  };
}
