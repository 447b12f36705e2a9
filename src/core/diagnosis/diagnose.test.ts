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
