/** The tilt-series formats of other programs, one module each: Warp / M, AreTomo3, IMOD and SerialEM. */
export * from './names.js';
export * from './warp.js';
export * from './aretomo.js';
export * from './imod-serialem.js';
