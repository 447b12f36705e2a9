/**
 * `cryodx/node`: the core library plus what only Node has — files read into the jobs' named bytes (.gz inflated
 * by Node's zlib), outputs written atomically (never over an input), worker threads for the FFT (a compute context
 * to hand the jobs) and for many micrographs or tilts.
 */

export * from '../core/index.js';
export { InputError, readInput, writeOutputAtomic } from './files.js';
export { outputFolder, readNamed, readNamedOptional, writeOutputs } from './job-io.js';
export { startFftPool } from './parallel/fft-pool.js';
export { processCompute, threadCompute } from './compute.js';
export { NATIVE_ZLIB } from './native-zlib.js';
export { fitMicrographFile, fitMicrographs } from './parallel/ctf-pool.js';
export { fitTilts } from './parallel/tilt-pool.js';
