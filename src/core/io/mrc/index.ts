export * from './header.js';
export * from './read.js';
export * from './write.js';
export { halfToFloat, floatToHalf } from './float16.js';
export * from './stack.js';
