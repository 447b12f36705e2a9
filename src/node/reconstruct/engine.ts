import type { Compute } from '../../core/app/job.js';
import type { ParticleMapsInput } from '../../core/app/jobs/particle-maps.js';
import type { ProgressContext } from '../../core/util/progress.js';
import { processCompute, simdFromEnv } from '../compute.js';
import { FinishWorkers } from '../parallel/finish-pool.js';
import { InsertWorkers } from '../parallel/insert-pool.js';
import { terminalProgress } from '../progress.js';
import { FileImageSource } from './images.js';

/**
 * What a command that rebuilds maps from particles hands its job (reslog, whatif, their SLURM tasks): the stacks
 * read from disk, insertion and finishing on worker threads kept for the whole run, the compute context and a
 * progress bar. `withParticleEngine` opens them, runs the job and closes them whatever happens.
 */
export interface ParticleEngine {
  /** Spread into the job's input: images, inserterFor, recycle, finisher. */
  input: Pick<ParticleMapsInput, 'images' | 'inserterFor' | 'recycle' | 'finisher'>;
  images: FileImageSource;
  compute: Compute;
  progress: ProgressContext;
}

/** Where the stacks are: the particle file's path, and the folder its image paths are relative to (and its flag). */
export interface StackPlace {
  particlesPath: string;
  projectDir?: string | undefined;
  projectFlag?: string;
}

/** The stacks and the worker threads, for a command that draws its own progress (report --measure). */
export function openParticleEngine(place: StackPlace): {
  input: ParticleEngine['input'];
  images: FileImageSource;
  close: () => Promise<void>;
} {
  const images = new FileImageSource(place.particlesPath, place.projectDir, place.projectFlag);
  const inserters = new InsertWorkers();
  const finishers = new FinishWorkers(simdFromEnv());
  const finisher = finishers.finisher;
  return {
    input: {
      images,
      inserterFor: inserters.inserterFor,
      recycle: inserters.recycle,
      ...(finisher ? { finisher } : {}),
    },
    images,
    close: async () => {
      await Promise.all([images.close(), inserters.close(), finishers.close()]);
    },
  };
}

export async function withParticleEngine<T>(
  place: StackPlace,
  title: string,
  run: (engine: ParticleEngine) => Promise<T>,
): Promise<{ value: T; stacks: string | null }> {
  const engine = openParticleEngine(place);
  const compute = await processCompute();
  const progress = terminalProgress(title);
  try {
    const value = await run({ input: engine.input, images: engine.images, compute, progress: progress.ctx });
    return { value, stacks: engine.images.summary() };
  } finally {
    progress.stop();
    await engine.close();
  }
}
