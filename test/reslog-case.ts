import { simulatedStack } from '../src/core/simulate/particles.js';

/**
 * The simulated particles of the ResLog test and of its RELION fixture (fixtures/generate/make-reslog.ts): both
 * make them from these numbers, so the fixture holds only RELION's answers.
 */
export const RESLOG_CASE = {
  simulation: { box: 48, count: 1200, pixelSizeA: 2.5, seed: 11, noise: 14 },
  /** Particle counts of the ResLog points (both halves), and the seed of the random order. */
  sizes: [150, 300, 600, 1200],
  seed: 1,
  /** The soft sphere both measure inside (cryodx's sphericalMask, written for relion_postprocess). */
  maskRadiusA: 45,
  maskEdgeA: 10,
} as const;

/**
 * The what-if test's particles: a quarter of the micrographs (m % 4 == 0) given a defocus 3000 Å off in the STAR
 * and a failed CTF fit in micrographs_ctf.star (unless `clean`), and micrographs m % 4 == 1 (all correct) in a
 * second optics group, the "random-looking" group.
 */
export function whatifCase(seed: number, clean: boolean): { stack: Uint8Array; star: string; ctfStar: string } {
  const bad = (m: number): boolean => !clean && m % 4 === 0;
  const sim = simulatedStack({
    box: 48,
    count: 1200,
    pixelSizeA: 2.5,
    seed,
    noise: 14,
    starDefocusUA: (m, d) => (bad(m) ? d + 3000 : d),
  });
  const star = sim.star
    .replace(/^(opticsGroup1 1 .*)$/m, '$1\nopticsGroup2 2 300.000000 2.700000 0.100000 2.500000 48 2')
    .replace(
      /^(\d{6}@particles\.mrcs mic(\d{4})\.mrc .*) 1 ([12])$/gm,
      (_, row: string, mic: string, h: string) => `${row} ${(Number(mic) - 1) % 4 === 1 ? 2 : 1} ${h}`,
    );
  const mics = sim.micrographDefocusA.map(
    (_, m) => `mic${String(m + 1).padStart(4, '0')}.mrc ${bad(m) ? 0.03 : 0.15} ${bad(m) ? 12 : 4.5}`,
  );
  const ctfStar = ['data_micrographs', 'loop_', '_rlnMicrographName', '_rlnCtfFigureOfMerit', '_rlnCtfMaxResolution']
    .concat(mics, [''])
    .join('\n');
  return { stack: sim.stack, star, ctfStar };
}
