// Entry of the WebAssembly SIMD kernels (see fft.ts and real.ts).
export { fft } from './fft';
export { accumulatePower, forwardPlane, inversePlane, multiply, promote } from './real';
