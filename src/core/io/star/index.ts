export * from './read.js';
export * from './loop.js';
export * from './write.js';
export * from './particles.js';
