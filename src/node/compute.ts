import type { Compute } from '../core/app/job.js';
import { NATIVE_ZLIB } from './native-zlib.js';

/**
 * The CLI's compute context (core/parallel/compute.ts), handed to every job it runs: the FFT pool's worker threads
 * (CRYODX_THREADS; 1 for none), the SIMD kernels unless CRYODX_SIMD=off (or 0, false, no — to compare the two
 * kernel sets, or to rule the kernels out when chasing a difference), and Node's zlib. Worker threads that fit
 * micrographs or tilts make their own, without a pool.
 */
export function simdFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|0|false|no)$/i.test(env['CRYODX_SIMD'] ?? '');
}

/** This thread only: the kernel choice and Node's zlib. */
export function threadCompute(env: NodeJS.ProcessEnv = process.env): Compute {
  return { simd: simdFromEnv(env), codec: NATIVE_ZLIB };
}

let made: Promise<Compute> | null = null;

/**
 * The process's context with the FFT pool, started on first use and kept (its workers do not hold the event loop
 * open). The pool's module brings every 3D analysis it can run (~30 modules): commands without transforms never
 * load it.
 */
export function processCompute(): Promise<Compute> {
  made ??= import('./parallel/fft-pool.js').then(({ startFftPool }) => {
    const pool = startFftPool();
    return pool ? pool.compute(simdFromEnv(), NATIVE_ZLIB) : threadCompute();
  });
  return made;
}
