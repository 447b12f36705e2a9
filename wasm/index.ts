// Entry of the WebAssembly SIMD kernels (see fft.ts and real.ts).
export { fft, fft32 } from './fft';
export {
  accumulatePower32,
  loadTile32,
  forwardPlane,
  forwardPlane32,
  forwardPlaneOdd32,
  inversePlane,
  inversePlane32,
  inversePlaneOdd32,
  multiply,
  multiply32,
  packRows,
  unpackRows,
} from './real';
export { ctfScoreSums } from './ctf';
export {
  ctfAnnulus,
  ctfDivideByRms,
  ctfEquiPhase,
  ctfModelSquared,
  ctfRegressionSums,
  ctfSubtractBackground,
  ctfUnexplainedSquares,
} from './spectrum';
