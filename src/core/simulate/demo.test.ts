import { describe, expect, it } from 'vitest';
import { fixture, textOf } from '../../../test/paths.js';
import { anisotropy } from '../analysis/anisotropy/anisotropy.js';
import { summarizeCtf } from '../diagnosis/ctf-triage.js';
import { orientationCoverage } from '../analysis/orientations/scf.js';
import { postprocess } from '../analysis/postprocess/postprocess.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { readPdb } from '../io/pdb.js';
import type { CheckedMap } from '../model/checked-map.js';
import { createVolume } from '../model/volume.js';
import { demoDataset } from './demo.js';
import { checked, maskFor, pair } from '../../../test/checked.js';

describe('demo dataset from PDB 1TII', () => {
  it('the diagnosis finds the planted problems: preferred orientation and CTF first, high B flagged', () => {
    const atoms = readPdb(textOf(fixture('structures', '1tii.pdb')), '1tii.pdb');
    expect(atoms.length).toBe(5469);
    const d = demoDataset(atoms, { n: 96, pixelSizeA: 1.45 });
    const v = (x: Float32Array): CheckedMap =>
      checked(createVolume(d.n, d.n, d.n, [d.pixelSizeA, d.pixelSizeA, d.pixelSizeA], x));
    const h = pair(v(d.half1), v(d.half2), d.pixelSizeA);
    const pp = postprocess(h.half1, h.half2, {
      pixelSizeA: d.pixelSizeA,
      mask: maskFor(h, { kind: 'auto' }),
      bfactor: { kind: 'auto' },
    });
    const an = anisotropy(h.half1, h.half2, { pixelSizeA: d.pixelSizeA, mask: pp.mask }).result;
    const or = orientationCoverage(d.rotDeg, d.tiltDeg);
    const ctf = summarizeCtf(d.ctf, pp.result.resolutionA);
    const findings = diagnose({
      fsc: {
        resolutionA: pp.result.resolutionA,
        shape: pp.result.fsc.shape.kind,
        warnings: pp.result.warnings.map((w) => w.code),
      },
      bfactorA2: pp.result.bfactorA2,
      anisotropy: {
        sphericity: an.sphericity,
        bestA: an.directionalResolutionA.best,
        worstA: an.directionalResolutionA.worst,
        cfar: an.cfar,
      },
      orientations: {
        scfStar: or.scfStar,
        unsampledFraction: or.unsampledFraction,
        recommendedTiltDeg: or.recommendedTiltDeg,
      },
      ctf: { ...ctf },
    });
    const strong = findings.filter((f) => f.strength === 'strong').map((f) => f.cause);
    expect(strong.slice(0, 2).sort()).toEqual(['2-preferred-orientation', '5-ctf']);
    expect(findings.find((f) => f.cause === '4-motion-damage')!.strength).toBe('possible');
    expect(Math.abs(pp.result.bfactorA2)).toBeGreaterThan(150);
  });
});
