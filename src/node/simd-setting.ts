import { setSimdEnabled } from '../core/fourier/simd.js';

/**
 * CRYODX_SIMD=off (or 0, false) runs every transform on the TypeScript kernels instead of the
 * WebAssembly SIMD ones: to compare the two paths, or to rule the kernels out when chasing a
 * difference. Worker threads see the same environment and call this too.
 */
export function applySimdSetting(env: NodeJS.ProcessEnv = process.env): void {
  setSimdEnabled(!/^(off|0|false|no)$/i.test(env['CRYODX_SIMD'] ?? ''));
}
