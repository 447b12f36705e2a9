import { applySimdSetting } from '../src/node/simd-setting.js';

// CRYODX_SIMD=off npm test runs the whole suite on the TypeScript kernels (the other path).
applySimdSetting();
