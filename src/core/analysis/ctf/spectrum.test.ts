import { describe, expect, it } from 'vitest';
import { signedFrequency } from '../../fourier/rfft3d.js';
import { spectrumGrid } from './spectrum.js';

describe('spectrum grid', () => {
  it.each([64, 65])(
    'box %i: radius, radial bin and 2α of every half-plane sample as hypot and atan2 give them',
    (box) => {
      const g = spectrumGrid(box);
      let worst = 0;
      for (let y = 0; y < box; y++) {
        const fy = signedFrequency(y, box);
        for (let x = 0; x < g.nxh; x++) {
          const i = x + g.nxh * y,
            a = 2 * Math.atan2(fy, x);
          expect(g.radius[i]).toBeCloseTo(Math.hypot(x, fy), 4);
          expect(g.bin[i]).toBe(Math.round(Math.hypot(x, fy)));
          worst = Math.max(worst, Math.abs(g.cos2[i]! - Math.cos(a)), Math.abs(g.sin2[i]! - Math.sin(a)));
        }
      }
      // float32 storage: within a few ulps of 1.
      expect(worst).toBeLessThan(2e-7);
      expect([g.cos2[0], g.sin2[0]]).toEqual([1, 0]);
    },
  );
});
