import { cryodx } from './cli.js';
import { describe, expect, it } from 'vitest';

describe('cryodx calibrate (RELION docs: 0.54 vs 0.51 Å/px, 5000 → 5606 Å, 2.7 → 3.39 mm)', () => {
  it('backward: --json contract fields, implied pixel size and corrected defocus', () => {
    const j = JSON.parse(
      cryodx(
        'calibrate',
        '--cs-refined',
        '3.39',
        '--cs-nominal',
        '2.7',
        '--angpix',
        '0.54',
        '--defocus-a',
        '5606',
        '--resolution-a',
        '3',
        '--json',
      ).stdout,
    );
    for (const k of ['pixelSizeImpliedA', 'pixelSizeErrorPercent', 'defocusCorrectedA', 'phaseErrorDeg', 'verdict'])
      expect(j).toHaveProperty(k);
    expect(j.pixelSizeImpliedA).toBeCloseTo(0.51, 3);
    expect(j.defocusCorrectedA).toBeCloseTo(5000, -1);
  });

  it('forward: the apparent defocus and Cs at the wrong pixel size', () => {
    const j = JSON.parse(
      cryodx(
        'calibrate',
        '--cs-nominal',
        '2.7',
        '--angpix',
        '0.54',
        '--angpix-true',
        '0.51',
        '--defocus-a',
        '5000',
        '--json',
      ).stdout,
    );
    expect(j.defocusApparentA).toBeCloseTo(5606, -1);
    expect(j.csApparentMm).toBeCloseTo(3.39, 2);
  });

  it('needs exactly one of --cs-refined and --zernike-z40', () => {
    expect(cryodx('calibrate', '--cs-nominal', '2.7', '--angpix', '1').stderr).toMatch(/give the refined Cs/);
    expect(cryodx('calibrate', '--cs-nominal', '2.7', '--angpix', '1', '--zernike-z40', '0', '--json').code).toBe(0);
  });
});
