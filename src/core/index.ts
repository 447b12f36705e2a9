// cryodx core: isomorphic (no Node imports); works on ArrayBuffers and typed arrays.
export * from './io/errors.js';
export * from './io/bytes.js';
export * from './io/mrc/index.js';
export * from './io/star/index.js';
export * from './io/npy.js';
export * from './io/cryosparc/index.js';
export * from './io/ctffind.js';
export * from './io/imod.js';
export * from './io/detect.js';
export * from './io/summary.js';
export * from './model/volume.js';
export * from './model/particles.js';
export * from './model/ctf.js';
export * from './geometry/rotation.js';
