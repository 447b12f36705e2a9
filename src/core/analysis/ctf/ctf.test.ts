import { describe, expect, it } from 'vitest';
import { apparentParameters, calibrate, csFromZernike, impliedPixelSizeA } from './calibration.js';
import { Ctf, ctfImage, wavelengthA } from '../../model/ctf-physics.js';
import { readMrc } from '../../io/mrc/read.js';
import { bytesOf, fixture } from '../../../../test/paths.js';

describe('CTF model', () => {
  // fixtures/relion/ctf-simulate: relion_ctf_toolbox --simulate (RELION 3.1.3), see fixtures/README.md.
  it.each([
    [
      'a',
      {
        voltageKv: 200,
        csMm: 2.7,
        amplitudeContrast: 0.07,
        defocusUA: 15000,
        defocusVA: 13000,
        astigmatismAngleDeg: 35,
        phaseShiftRad: (30 * Math.PI) / 180,
      },
      1.2,
      128,
    ],
    [
      'b',
      {
        voltageKv: 300,
        csMm: 2.7,
        amplitudeContrast: 0.1,
        defocusUA: 8000,
        defocusVA: 9500,
        astigmatismAngleDeg: -60,
        phaseShiftRad: 0,
      },
      0.83,
      96,
    ],
  ] as const)(
    "the 2D CTF image equals relion_ctf_toolbox --simulate (case %s), RELION's sign and azimuth",
    (name, p, angpix, box) => {
      const relion = readMrc(bytesOf(fixture('relion', 'ctf-simulate', `${name}.mrc`)), { source: name }).volume.data;
      const ours = ctfImage(new Ctf(p), box, angpix, 'relion');
      let maxDiff = 0;
      for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - relion[i]!));
      expect(maxDiff).toBeLessThan(1e-3);
      // The mirrored azimuth is a different CTF: the comparison can tell conventions apart.
      const mirrored = ctfImage(new Ctf({ ...p, astigmatismAngleDeg: -p.astigmatismAngleDeg }), box, angpix, 'relion');
      expect(Math.max(...mirrored.map((v, i) => Math.abs(v - relion[i]!)))).toBeGreaterThan(0.5);
    },
  );

  it('relativistic wavelengths (REFERENCE.md values)', () => {
    expect(wavelengthA(300)).toBeCloseTo(0.019688, 6);
    expect(wavelengthA(200)).toBeCloseTo(0.025079, 6);
    expect(wavelengthA(100)).toBeCloseTo(0.037014, 5);
  });

  it('zeros are where the CTF vanishes and χ = nπ; astigmatism moves them with azimuth', () => {
    const ctf = new Ctf({
      voltageKv: 300,
      csMm: 2.7,
      amplitudeContrast: 0.07,
      defocusUA: 15000,
      defocusVA: 13000,
      astigmatismAngleDeg: 30,
    });
    for (const alpha of [0, Math.PI / 6, 1.2]) {
      ctf.zeros(alpha, 5).forEach((k, i) => {
        expect(ctf.value(k, alpha)).toBeCloseTo(0, 9);
        expect(ctf.chi(k, alpha)).toBeCloseTo((i + 1) * Math.PI, 9);
      });
    }
    // Along the astigmatism azimuth the defocus is U (more underfocus → zeros closer to the origin).
    expect(ctf.defocusA(Math.PI / 6)).toBeCloseTo(15000, 6);
    expect(ctf.defocusA(Math.PI / 6 + Math.PI / 2)).toBeCloseTo(13000, 6);
    expect(ctf.zeros(Math.PI / 6, 1)[0]!).toBeLessThan(ctf.zeros(Math.PI / 6 + Math.PI / 2, 1)[0]!);
    // Without Cs the first zero is at k² = (π − φ')/(πλΔf).
    const noCs = new Ctf({
      voltageKv: 300,
      csMm: 0,
      amplitudeContrast: 0,
      defocusUA: 10000,
      defocusVA: 10000,
      astigmatismAngleDeg: 0,
    });
    expect(noCs.zeros(0, 1)[0]!).toBeCloseTo(Math.sqrt(1 / (wavelengthA(300) * 10000)), 10);
  });

  it('conventions: RELION is the negative of CTFFIND; the B envelope damps', () => {
    const p = {
      voltageKv: 200,
      csMm: 2.7,
      amplitudeContrast: 0.1,
      defocusUA: 8000,
      defocusVA: 8000,
      astigmatismAngleDeg: 0,
    };
    const a = new Ctf(p),
      b = new Ctf({ ...p, bfactorA2: 100 });
    expect(a.value(0.1, 0, 'relion')).toBeCloseTo(-a.value(0.1, 0, 'ctffind'), 12);
    expect(b.value(0.2, 0) / a.value(0.2, 0)).toBeCloseTo(Math.exp((-100 * 0.04) / 4), 12);
    // At k = 0 the CTF is −sin(atan(w/√(1−w²))) = −w.
    expect(a.value(0, 0)).toBeCloseTo(-0.1, 12);
    const img = ctfImage(a, 64, 1.5);
    expect(img[32 + 64 * 32]).toBeCloseTo(-0.1, 6);
  });
});

describe('Cs / pixel-size calibration (RELION docs worked example, seed 003)', () => {
  it('forward: 0.54 Å nominal, 0.51 Å true turns 5000 Å into 5606 Å and 2.7 mm into 3.39 mm', () => {
    const f = apparentParameters(0.54, 0.51, 5000, 2.7);
    expect(f.defocusA).toBeCloseTo(5606, -1);
    expect(f.csMm).toBeCloseTo(3.39, 2);
  });

  it('backward: a refined 3.39 mm against 2.7 mm at 0.54 Å implies 0.51 Å and 5000 Å', () => {
    const c = calibrate({
      csRefinedMm: 2.7 * (0.54 / 0.51) ** 4,
      csNominalMm: 2.7,
      pixelSizeA: 0.54,
      voltageKv: 300,
      defocusA: 5000 * (0.54 / 0.51) ** 2,
      resolutionA: 1.8,
    });
    expect(c.pixelSizeImpliedA).toBeCloseTo(0.51, 6);
    expect(c.defocusCorrectedA!).toBeCloseTo(5000, 6);
    expect(c.pixelSizeErrorPercent).toBeCloseTo((0.54 / 0.51 - 1) * 100, 6);
    expect(impliedPixelSizeA(1.0, 2.7, 3.0)).toBeCloseTo(Math.pow(0.9, 0.25), 12);
  });

  it('phase error of 2.7 vs 3.0 mm: negligible at 4 Å, large at 1.8 Å (seed 003’s question)', () => {
    const at = (d: number): ReturnType<typeof calibrate> =>
      calibrate({ csRefinedMm: 3.0, csNominalMm: 2.7, pixelSizeA: 1, voltageKv: 300, resolutionA: d });
    const l = wavelengthA(300);
    // Raw term (π/2)·λ³·ΔCs·k⁴ in degrees; defocus refinement leaves 2/9 of it.
    expect(at(4).phaseErrorUncompensatedDeg!).toBeCloseTo((90 * l ** 3 * 0.3e7) / 256, 9);
    expect(at(4).phaseErrorDeg!).toBeCloseTo(((2 / 9) * 90 * l ** 3 * 0.3e7) / 256, 9);
    expect(at(4).phaseErrorDeg!).toBeLessThan(2);
    expect(at(1.8).phaseErrorDeg!).toBeGreaterThan(40);
    // The compensated error reaches 45° at the reported resolution.
    const d45 = at(4).resolutionAt45DegA;
    expect(at(d45).phaseErrorDeg!).toBeCloseTo(45, 6);
  });

  it('the least-squares defocus compensation leaves 2/9 of the k⁴ term (checked numerically)', () => {
    const K = 1,
      n = 20000;
    let sxx = 0,
      sxy = 0;
    for (let i = 1; i <= n; i++) {
      const k = (i / n) * K,
        w = k * k;
      sxx += w * k ** 4;
      sxy += w * k ** 2 * k ** 4;
    }
    const b = sxy / sxx;
    expect(b).toBeCloseTo(7 / 9, 3);
    expect(1 - b).toBeCloseTo(2 / 9, 3);
  });

  it("RELION's Z₄⁰ as an apparent Cs", () => {
    const l = wavelengthA(300);
    expect(csFromZernike(2.7, 0, 300)).toBe(2.7);
    expect(csFromZernike(2.7, 1, 300) - 2.7).toBeCloseTo(12e-7 / (Math.PI * l ** 3), 9);
  });
});
