export * from './convert.js';
