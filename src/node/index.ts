/**
 * `cryodx/node`: the core library plus what only Node has — files read into the jobs' named bytes,
 * outputs written atomically (never over an input), worker threads for the FFT and for many
 * micrographs or tilts, and Node's own zlib for PNGs and .gz inputs (installed on import).
 */
import { useNativeZlib } from './native-zlib.js';

export * from '../core/index.js';
export { InputError, readInput, writeOutputAtomic } from './files.js';
export { outputFolder, readNamed, readNamedOptional, writeOutputs } from './job-io.js';
export { installFftPool } from './parallel/fft-pool.js';
export { fitMicrographFile, fitMicrographs } from './parallel/ctf-pool.js';
export { fitTilts } from './parallel/tilt-pool.js';
export { useNativeZlib };

useNativeZlib();
