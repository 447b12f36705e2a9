import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { gaussianRandom, seededRandom } from '../src/core/util/random.js';
import { cryodx } from './cli.js';
import { hasPythonModules, runPython } from './python.js';
import { fscBetween } from '../src/core/analysis/model/map-model.js';
import { modelMap } from '../src/core/analysis/model/model-map.js';
import { readStructure } from '../src/core/io/structure.js';
import type { Vec3 } from '../src/core/model/volume.js';
import { bytesOf, fixture, textOf } from './paths.js';

/** Issue 18's commands as a user runs them: model-fsc's JSON contract and outputs, construct's proposals. */
const dir = mkdtempSync(join(tmpdir(), 'cryodx-model-'));
const gemmi = readMrc(bytesOf(fixture('model', 'gemmi_density.mrc'))).volume;
const g = gaussianRandom(seededRandom(21));
const noisy = (s: number) =>
  createVolume(
    48,
    48,
    48,
    [1, 1, 1],
    gemmi.data.map((v) => v + s * g()),
  );
for (const [name, s] of [
  ['map.mrc', 0.03],
  ['half1.mrc', 0.1],
  ['half2.mrc', 0.1],
] as const)
  writeFileSync(join(dir, name), writeMrc(noisy(s)));

describe('map–model FSC against numpy', () => {
  it.skipIf(!hasPythonModules('numpy', 'mrcfile'))(
    'fscBetween equals an independent numpy FSC (RELION’s half-spectrum shells, rounded radius)',
    () => {
      const st = readStructure(textOf(fixture('model', 'fragment.pdb')), 'fragment.pdb');
      const map = noisy(0.05);
      const grid = { nx: 48, ny: 48, nz: 48, originA: [0, 0, 0] as Vec3, startVoxel: [0, 0, 0] as Vec3, pixelSizeA: 1 };
      const model = modelMap(st.atoms, grid).data;
      writeFileSync(join(dir, 'fsc-map.mrc'), writeMrc(map));
      writeFileSync(join(dir, 'fsc-model.mrc'), writeMrc(createVolume(48, 48, 48, [1, 1, 1], model)));
      const out = runPython(
        `import sys, json, numpy as np, mrcfile
a = mrcfile.open(sys.argv[1]).data.astype(np.float64); b = mrcfile.open(sys.argv[2]).data.astype(np.float64)
A = np.fft.rfftn(a); B = np.fft.rfftn(b); n = a.shape[0]
f = np.fft.fftfreq(n) * n; h = np.fft.rfftfreq(n) * n
r = np.rint(np.sqrt(f[:, None, None]**2 + f[None, :, None]**2 + h[None, None, :]**2)).astype(int)
num = np.bincount(r.ravel(), (A * np.conj(B)).real.ravel())
da = np.bincount(r.ravel(), (abs(A)**2).ravel()); db = np.bincount(r.ravel(), (abs(B)**2).ravel())
print(json.dumps((num / np.sqrt(da * db))[: n // 2 + 1].tolist()))`,
        [join(dir, 'fsc-map.mrc'), join(dir, 'fsc-model.mrc')],
      );
      const numpy: number[] = JSON.parse(out);
      const ours = fscBetween(map.data, model, 48);
      for (let s = 1; s < numpy.length; s++) expect(Math.abs(ours[s]! - numpy[s]!), `shell ${s}`).toBeLessThan(1e-5);
    },
  );
});

describe('cryodx model-fsc', () => {
  it('--json: the named shell fields, crossings, an overfitting verdict; model_map.mrc on the map’s grid', () => {
    const out = join(dir, 'mfsc');
    const r = cryodx(
      'model-fsc',
      ...['--map', join(dir, 'map.mrc'), '--model', fixture('model', 'fragment.pdb')],
      ...['--half1', join(dir, 'half1.mrc'), '--half2', join(dir, 'half2.mrc'), '--json', '--out', out],
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.shells[3]).sort()).toEqual(
      [
        'fscHalf1Model',
        'fscHalf2Model',
        'fscMapModel',
        'fscMapModelMasked',
        'resolutionA',
        'shell',
        'spatialFrequencyInvA',
      ].sort(),
    );
    expect(j.shells[6].fscMapModelMasked).toBeGreaterThan(0.9);
    expect(j.crossings.masked).toHaveProperty('fsc05A');
    expect(j.overfitting.verdict).toBe('not overfitted');
    // Per residue Q on a map that is the model's own density (plus a little noise): well above what 2 Å expects.
    expect(j.residues).toHaveLength(40);
    const meanQ = j.residues.reduce((s: number, r: { qScore: number }) => s + r.qScore, 0) / 40;
    expect(meanQ).toBeGreaterThan(0.5);
    const mm = readMrc(bytesOf(join(out, 'model_map.mrc'))).volume;
    expect([mm.nx, mm.ny, mm.nz, mm.pixelSizeA?.[0]]).toEqual([48, 48, 48, 1]);
  });

  it('one half map, or a model outside the map: one sentence each', () => {
    const one = cryodx(
      'model-fsc',
      '--map',
      join(dir, 'map.mrc'),
      '--model',
      fixture('model', 'fragment.pdb'),
      '--half1',
      join(dir, 'half1.mrc'),
      '--out',
      join(dir, 'o1'),
    );
    expect(one.code).not.toBe(0);
    expect(one.stderr).toMatch(/give both half maps/);
    const far = textOf(fixture('model', 'fragment.pdb')).replace(
      /^(ATOM.{26})(.{8})/gm,
      (_m, a: string, x: string) => a + (Number(x) + 500).toFixed(3).padStart(8),
    );
    writeFileSync(join(dir, 'far.pdb'), far);
    const r = cryodx(
      'model-fsc',
      '--map',
      join(dir, 'map.mrc'),
      '--model',
      join(dir, 'far.pdb'),
      '--out',
      join(dir, 'o2'),
    );
    // No atom in the box: a model map of zeros, an FSC of 0/0 (it printed "averages NaN"); refused (issue 34).
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /far\.pdb: 0 of its 325 atoms lie inside the map's box .*fewer than the 20 a map–model FSC/,
    );
  });
});

describe('cryodx construct', () => {
  it('an AlphaFold-style model (pLDDT in B) with a PAE of two domains: truncations, domains and the hinge', () => {
    // The 1TII fragment as a prediction: residues 1–6 and 31–40 (the termini) given low pLDDT, the rest high.
    const plddt = (res: number): number => (res <= 6 ? 35 : res >= 31 ? 42 : 92);
    const text = textOf(fixture('model', 'fragment.pdb'))
      .split('\n')
      .map((l) =>
        l.startsWith('ATOM')
          ? l.slice(0, 60) +
            plddt(Number(l.slice(22, 26)))
              .toFixed(2)
              .padStart(6) +
            l.slice(66)
          : l,
      )
      .join('\n')
      .replace(/^TITLE .*$/m, 'TITLE     ALPHAFOLD MONOMER V2.0 PREDICTION FOR A TEST FRAGMENT');
    writeFileSync(join(dir, 'af.pdb'), text);
    const n = 40;
    const pae = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i < 20 === j < 20 ? 1.5 : 25)),
    );
    writeFileSync(
      join(dir, 'pae.json'),
      JSON.stringify([{ predicted_aligned_error: pae, max_predicted_aligned_error: 31.75 }]),
    );
    const r = cryodx(
      'construct',
      join(dir, 'af.pdb'),
      '--pae',
      join(dir, 'pae.json'),
      '--json',
      '--out',
      join(dir, 'c'),
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.predicted).toBe(true);
    expect(j.truncations.map((t: { start: number; end: number }) => [t.start, t.end])).toEqual([
      [1, 6],
      [31, 40],
    ]);
    // Domains among the confident residues 7–30 only: 7–20 and 21–30, 25 Å apart: one hinge between them.
    expect(j.domains.map((d: { segments: { start: number; end: number }[] }) => d.segments)).toEqual([
      [{ chain: 'A', start: 7, end: 20 }],
      [{ chain: 'A', start: 21, end: 30 }],
    ]);
    expect(j.hinges).toHaveLength(1);
    expect([j.hinges[0].linkerStart, j.hinges[0].linkerEnd]).toEqual([20, 21]);
    expect(JSON.parse(readFileSync(join(dir, 'c', 'construct.json'), 'utf8')).residues).toBe(40);
  });
});

describe('cryodx report --model', () => {
  it('half maps and a placed AlphaFold-style model: the model section, its figures, the flexible regions', () => {
    const out = join(dir, 'report');
    const r = cryodx(
      'report',
      ...['--half1', join(dir, 'half1.mrc'), '--half2', join(dir, 'half2.mrc'), '--auto-mask'],
      ...['--model', join(dir, 'af.pdb'), '--pae', join(dir, 'pae.json'), '--out', out, '--json'],
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.predicted).toBe(true);
    expect(j.model.mapModel.overfitting.verdict).toBe('not overfitted');
    expect(j.model.construct.truncations).toHaveLength(2);
    expect(j.model.residues).toHaveLength(40);
    expect(
      j.model.residues.filter((x: { localResolutionA: number | null }) => x.localResolutionA !== null).length,
    ).toBeGreaterThan(30);
    const flex = j.findings.find((f: { cause: string }) => f.cause === '1b-conformational');
    // 16 of 40 residues below pLDDT 50: 40 % > 10 %.
    expect(flex.evidence.find((e: { measure: string }) => e.measure === 'disorderedFraction').value).toBeCloseTo(
      0.4,
      3,
    );
    for (const f of ['model-fsc', 'residues'])
      expect(readFileSync(join(out, 'figures', `${f}.svg`), 'utf8')).toMatch(/<svg/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Model .*af\.pdb[\s\S]*truncate/);
  });
});
