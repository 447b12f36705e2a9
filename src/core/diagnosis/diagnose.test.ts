import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.js';

describe('diagnosis rules', () => {
  it('preferred orientation comes first when sphericity and SCF* say so, with numbers and thresholds', () => {
    const f = diagnose({
      anisotropy: { sphericity: 0.78, bestA: 3.2, worstA: 5.1, cfar: 0.4 },
      orientations: { scfStar: 0.42, unsampledFraction: 0.02, recommendedTiltDeg: 40 },
      bfactorA2: -90,
      locres: { medianA: 3.6, coreA: 3.4, peripheryA: 3.7, worseRegions: 0 },
    });
    expect(f[0]!.cause).toBe('2-preferred-orientation');
    expect(f[0]!.strength).toBe('strong');
    expect(f[0]!.evidence.find((e) => e.measure === 'sphericity')).toMatchObject({
      value: 0.78,
      threshold: '< 0.92 (strong < 0.85)',
    });
    expect(f.find((x) => x.cause === '4-motion-damage')!.strength).toBe('ruled out');
    expect(f.find((x) => x.cause === '1b-conformational')!.strength).toBe('ruled out');
  });

  it('clean, isotropic data invent nothing: no strong or possible causes', () => {
    const f = diagnose({
      fsc: { resolutionA: 3.1, shape: 'clean drop', warnings: [] },
      anisotropy: { sphericity: 0.97, bestA: 3.0, worstA: 3.3, cfar: 0.9 },
      orientations: { scfStar: 0.95, unsampledFraction: 0, recommendedTiltDeg: 0 },
      bfactorA2: -70,
      locres: { medianA: 3.2, coreA: 3.1, peripheryA: 3.3, worseRegions: 0 },
    });
    expect(f.filter((x) => x.strength === 'strong' || x.strength === 'possible')).toEqual([]);
  });

  it(
    'a core–periphery gradient is conformational heterogeneity; causes without inputs say what would test ' + 'them',
    () => {
      const f = diagnose({ locres: { medianA: 4.5, coreA: 3.2, peripheryA: 6.5, worseRegions: 2 } });
      expect(f[0]!.cause).toBe('1b-conformational');
      expect(f[0]!.strength).toBe('strong');
      expect(f[0]!.bCostA2).toEqual([30, 60]);
      const ice = f.find((x) => x.cause === '3-ice-thickness')!;
      expect(ice.strength).toBe('not measured');
      expect(ice.needs).toMatch(/thickness/);
    },
  );
});

describe('sampling limit', () => {
  it(
    'an FSC still above 0.143 at Nyquist ranks the pixel size first and takes the B-factor out of the ' + 'evidence',
    () => {
      const f = diagnose({
        fsc: { resolutionA: 7.08, shape: 'clean drop', warnings: [], fscAtNyquist: 0.41, nyquistA: 7.08 },
        bfactorA2: -400,
        budget: { particleLimited: false, gainFromDoublingA: 0.4, from: 'single-map' },
        anisotropy: { sphericity: 0.95, bestA: 7.08, worstA: 7.5, cfar: 0.8 },
      });
      expect(f[0]!.cause).toBe('sampling-limit');
      expect(f[0]!.strength).toBe('strong');
      expect(f[0]!.evidence[0]).toMatchObject({ measure: 'fscAtNyquist', value: 0.41, threshold: '≥ 0.143' });
      // B −400 Å² would otherwise be motion/damage evidence; at Nyquist it measures the sampling.
      expect(f.find((x) => x.cause === '4-motion-damage')!.strength).toBe('not measured');
      expect(f.find((x) => x.cause === 'particle-limited')!.strength).toBe('not measured');
    },
  );

  it('a map resolved well short of Nyquist is not sampling-limited', () => {
    const f = diagnose({
      fsc: { resolutionA: 3.6, shape: 'clean drop', warnings: [], fscAtNyquist: 0.01, nyquistA: 2.6 },
    });
    expect(f.find((x) => x.cause === 'sampling-limit')!.strength).toBe('ruled out');
  });
});

describe('evidence that its own measure calls unreliable carries no cause', () => {
  it('a sparse but even set is too few particles, not preferred orientation', () => {
    // The real 238-particle D2 subset: SCF* 0.754 against 0.875 for as many random views; sphericity 0.791
    // against an isotropic floor of 0.976.
    const f = diagnose({
      orientations: {
        scfStar: 0.754,
        unsampledFraction: 0,
        recommendedTiltDeg: 0,
        scfStarUniform: 0.875,
        particles: 238,
      },
      anisotropy: { sphericity: 0.791, bestA: 7.08, worstA: 17.4, cfar: 0.61, sphericityFloor: 0.976 },
    });
    expect(f.find((x) => x.cause === '2-preferred-orientation')!.strength).toBe('ruled out');
    expect(f[0]!.cause).toBe('particle-limited');
    expect(f[0]!.evidence[0]!.statement).toMatch(/238 particles whose views are as even as their number allows/);
  });

  it('sphericity at its noise floor is no evidence; below it, it is', () => {
    const at = diagnose({
      anisotropy: { sphericity: 0.69, bestA: 7.1, worstA: 7.5, cfar: 0.9, sphericityFloor: 0.68 },
    });
    expect(at.find((x) => x.cause === '2-preferred-orientation')!.strength).toBe('ruled out');
    const anisotropic = { sphericity: 0.69, bestA: 3.1, worstA: 5.5, cfar: 0.4, sphericityFloor: 0.97 };
    const below = diagnose({ anisotropy: anisotropic });
    // Without the angles, preferred views and too few particles look alike: at most possible, naming both.
    const alone = below.find((x) => x.cause === '2-preferred-orientation')!;
    expect(alone.strength).toBe('possible');
    expect(alone.evidence[0]!.statement).toMatch(/preferred views, or too few particles/);
    expect(alone.needs).toMatch(/angles/);
    // …and too few particles is the other reading, equally possible.
    const few = below.find((x) => x.cause === 'particle-limited')!;
    expect(few.strength).toBe('possible');
    expect(few.evidence[0]!.statement).toMatch(/too sparse .* as much as preferred views/);
    // With uneven views (SCF* 0.42 of 0.98) the same anisotropy is preferred orientation, strongly.
    const views = {
      scfStar: 0.42,
      unsampledFraction: 0.02,
      recommendedTiltDeg: 30,
      scfStarUniform: 0.98,
      particles: 5000,
    };
    const both = diagnose({ anisotropy: anisotropic, orientations: views });
    expect(both.find((x) => x.cause === '2-preferred-orientation')!.strength).toBe('strong');
  });
});
