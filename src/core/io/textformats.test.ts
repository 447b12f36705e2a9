import { describe, expect, it } from 'vitest';
import { bytesOf, fixture } from '../../../test/paths.js';
import { readCtffind, readCtffindAvrot } from './ctffind.js';
import { mdocNumbers, readMdoc, readTlt, readXf, xfRotationDeg } from './imod.js';

describe('CTFFIND', () => {
  it('CTFFIND 4: 7 columns, settings from the header, one row per micrograph of a stack', () => {
    const r = readCtffind(bytesOf(fixture('ctffind', 'ctffind4_stack.txt')));
    expect(r.version).toBe('4.1.14');
    expect(r.settings).toEqual({ pixelSizeA: 1.06, voltageKv: 300, csMm: 2.7, amplitudeContrast: 0.1 });
    expect(r.estimates).toHaveLength(3);
    expect(r.estimates[1]).toEqual({
      micrograph: '/data/Micrographs/stack_0001.mrc:2',
      defocusUA: 21987.02,
      defocusVA: 21770.33,
      astigmatismAngleDeg: 81.4,
      phaseShiftRad: 0,
      crossCorrelation: 0.18001,
      fitResolutionA: 4.441,
      tiltAxisDeg: null,
      tiltAngleDeg: null,
      thicknessA: null,
    });
  });

  it('CTFFIND 5: tilt axis, tilt angle and thickness', () => {
    const e = readCtffind(bytesOf(fixture('ctffind', 'ctffind5.txt'))).estimates[0]!;
    expect(e.micrograph).toBe('/data/tilt/TS_01_030.mrc');
    expect([e.tiltAxisDeg, e.tiltAngleDeg, e.thicknessA]).toEqual([84.91, 29.62, 1812.55]);
  });

  it('_avrot.txt: six curves per micrograph', () => {
    const [a] = readCtffindAvrot(bytesOf(fixture('ctffind', 'ctffind4_avrot.txt')));
    expect(Array.from(a!.spatialFrequencyInvA)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(a!.ctfFit[2]).toBe(0.9);
    expect(a!.twoSigma[4]).toBe(0.2);
  });

  it('errors name the line', () => {
    expect(() => readCtffind('# x\n1 2 3 4 5\n', 'c.txt')).toThrow(
      'c.txt (line 2): wrong number of columns (found 5, expected 7 (CTFFIND 4) or 10 (CTFFIND 5))',
    );
    expect(() => readCtffind('1 2 3 x 5 6 7\n', 'c.txt')).toThrow(
      'c.txt (line 1, column 4): value is not a number (found "x", expected a number)',
    );
    // NaN, ±inf and absurd defocus were read and reported ("median NaN µm")
    expect(() => readCtffind('1 nan 15000 4 0 0.2 4\n', 'c.txt')).toThrow(
      'c.txt (line 1, column 2 (defocus 1)): value out of range (found nan, expected a finite number from -1000000 Å',
    );
    expect(() => readCtffind('1 15000 5e303 4 0 0.2 4\n', 'c.txt')).toThrow(
      'column 3 (defocus 2)): value out of range',
    );
    expect(() => readCtffind('1 15000 15000 nan 0 0.2 4\n', 'c.txt')).toThrow('column 4 (astigmatism azimuth)');
    expect(readCtffind('1 15000 14000 4 0 0.2 nan\n', 'c.txt').estimates[0]!.defocusVA).toBe(14000);
    expect(() => readCtffindAvrot('0 1\n1 2\n', 'a.txt')).toThrow(
      /a\.txt: wrong number of data rows \(found 2, expected a multiple of 6/,
    );
  });
});

describe('IMOD and SerialEM', () => {
  it('.tlt: one angle per line, blank lines ignored', () => {
    expect(Array.from(readTlt(bytesOf(fixture('imod', 'ts.tlt'))))).toEqual([-60.01, -57, -54, 0, 3, 60]);
    expect(() => readTlt('1\n2 3\n', 'a.tlt')).toThrow('a.tlt (line 2): wrong number of values (found 2, expected 1)');
  });

  it('.xf: six numbers per line, rotation angle', () => {
    const xf = readXf(bytesOf(fixture('imod', 'ts.xf')));
    expect(xf).toHaveLength(2);
    expect(xf[0]!.dxPx).toBe(12.345);
    expect(xfRotationDeg(xf[0]!)).toBeCloseTo(-1, 4);
  });

  it('.mdoc: global keys, titles, ZValue sections', () => {
    const m = readMdoc(bytesOf(fixture('imod', 'ts.mdoc')));
    expect(m.global['PixelSpacing']).toBe('1.35');
    expect(m.titles).toHaveLength(2);
    expect(mdocNumbers(m, 'TiltAngle')).toEqual([0.0012, 3.0004, -2.9991]);
    expect(mdocNumbers(m, 'ExposureDose')).toEqual([3.05, 3.05, 3.1]);
    expect(mdocNumbers(m, 'Magnification')).toEqual([105000, null, null]);
    expect(() => readMdoc('[ZValue = x]\n', 'm.mdoc')).toThrow(
      'm.mdoc (line 1): section index is not an integer (found "x", expected e.g. [ZValue = 0])',
    );
  });
});
