import type { AnisotropyCompute } from '../analysis/anisotropy/anisotropy.js';
import type { LocresCompute } from '../analysis/locres/locres.js';
import type { Codec } from '../io/compression.js';

/**
 * Everything a job may use beyond its own thread and the default kernels, made by the front end (the CLI from
 * CRYODX_THREADS / CRYODX_SIMD and Node's zlib, the browser from the page's helpers and ?simd=) and handed down
 * like progress: to the transforms (threads, SIMD on or off), the FSC's phase draw, local resolution's windows,
 * the anisotropy noise floor, and the PNG writer. Nothing installs it in a module; without one, a job runs on
 * its thread with the SIMD kernels and fflate. Each analysis declares the part it uses (FourierCompute,
 * FscCompute, LocresCompute, AnisotropyCompute); this is their union.
 */
export interface Compute extends LocresCompute, AnisotropyCompute {
  /** zlib for the PNGs a job writes (absent: fflate). */
  codec?: Codec;
}
