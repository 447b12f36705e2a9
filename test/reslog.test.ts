import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitBudget } from '../src/core/analysis/budget/budget.js';
import { InsertionGrid } from '../src/core/analysis/reconstruct/grid.js';
import { gridFsc } from '../src/core/analysis/reconstruct/grid-fsc.js';
import { finishReconstruction } from '../src/core/analysis/reconstruct/finish.js';
import { parseRule } from '../src/core/diagnosis/whatif-groups.js';
import { readReslog, reslogPoint } from '../src/core/analysis/whatif/reslog.js';
import { defaultSizes, perHalf, permutation, shuffledHalves } from '../src/core/analysis/whatif/subsets.js';
import { groupEffect } from '../src/core/diagnosis/whatif-verdict.js';
import { reslogJob } from '../src/core/app/jobs/reslog.js';
import { whatifJob } from '../src/core/app/jobs/whatif.js';
import { simulatedStack } from '../src/core/simulate/particles.js';
import { seededRandom } from '../src/core/util/random.js';
import { FileImageSource } from '../src/node/reconstruct/images.js';
import { cryodxIn } from './cli.js';
import { fixture, HAS_SHARED, shared } from './paths.js';
import { RESLOG_CASE, whatifCase } from './reslog-case.js';

const EXPECTED = JSON.parse(readFileSync(fixture('reslog', 'expected.json'), 'utf8')) as {
  relion: { particles: number; resolutionA: number; bfactorA2: number }[];
};

/** A folder holding particles.star + particles.mrcs (and any extra files). */
function folderWith(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cryodx-reslog-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const named = (dir: string, name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) });

describe('ResLog against relion_reconstruct + relion_postprocess on the same subsets', () => {
  it('each size within one shell of RELION; the B of the full set and of the ResLog line within 15 %', async () => {
    const c = RESLOG_CASE;
    const sim = simulatedStack(c.simulation);
    const dir = folderWith({ 'particles.star': sim.star, 'particles.mrcs': sim.stack });
    const images = new FileImageSource(join(dir, 'particles.star'));
    const job = await reslogJob({
      particles: named(dir, 'particles.star'),
      images,
      mask: { kind: 'sphere', radiusA: c.maskRadiusA, edgeA: c.maskEdgeA },
      sizes: [...c.sizes],
      repeats: 1,
      seed: c.seed,
    });
    await images.close();
    const boxA = c.simulation.box * c.simulation.pixelSizeA;
    const r = job.result;
    expect(r.points.map((p) => p.particles)).toEqual([...c.sizes]);
    for (const [k, p] of r.points.entries()) {
      const relion = EXPECTED.relion[k]!;
      expect(
        Math.abs(boxA / p.resolutionA - boxA / relion.resolutionA),
        `${p.particles} particles`,
      ).toBeLessThanOrEqual(1);
    }
    const full = r.points.at(-1)!;
    const relionFull = EXPECTED.relion.at(-1)!;
    expect(full.bfactorA2).not.toBeNull();
    expect(Math.abs(full.bfactorA2! / relionFull.bfactorA2 - 1)).toBeLessThan(0.15);
    const relionLine = fitBudget(EXPECTED.relion.map((p) => ({ particles: p.particles, resolutionA: p.resolutionA })));
    expect(r.fit).not.toBeNull();
    expect(Math.abs(r.fit!.overallBfactorA2! / relionLine.overallBfactorA2! - 1)).toBeLessThan(0.15);
    expect(r.points.some((p) => p.samplingLimited)).toBe(false);
    expect(job.outputs.map((o) => o.name)).toEqual(['reslog.json', 'reslog.svg']);
  }, 120_000);

  it.skipIf(!HAS_SHARED)(
    'real betagal particles (../shared): resolution falls with N to Nyquist, and the verdict says sampling-limited',
    async () => {
      const dir = shared('data', 'real', 'betagal-particles');
      const out = mkdtempSync(join(tmpdir(), 'cryodx-reslog-real-'));
      const r = cryodxIn(
        dir,
        'reslog',
        'particles.star',
        '--sym',
        'D2',
        '--mask',
        'relion/mask.mrc',
        '--repeats',
        '2',
        '--json',
        '--out',
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as {
        points: { particles: number; resolutionA: number; samplingLimited: boolean }[];
        samplingLimitedFrom: number | null;
        verdict: string;
      };
      expect(j.points[0]!.particles).toBeLessThanOrEqual(60);
      for (let k = 1; k < j.points.length; k++)
        expect(j.points[k]!.resolutionA).toBeLessThan(j.points[k - 1]!.resolutionA + 0.01);
      expect(j.points.at(-1)!.resolutionA).toBeCloseTo(7.08, 1);
      expect(j.samplingLimitedFrom).not.toBeNull();
      expect(j.verdict).toMatch(/^Sampling-limited above ~\d+ particles/);
    },
    300_000,
  );
});

describe('what-if: a group with a wrong defocus is harmful, correct groups are not', () => {
  async function run(seed: number, clean: boolean) {
    const c = whatifCase(seed, clean);
    const dir = folderWith({ 'particles.star': c.star, 'particles.mrcs': c.stack, 'micrographs_ctf.star': c.ctfStar });
    const images = new FileImageSource(join(dir, 'particles.star'));
    const job = await whatifJob({
      particles: named(dir, 'particles.star'),
      images,
      mask: { kind: 'sphere', radiusA: 45, edgeA: 10 },
      ctf: named(dir, 'micrographs_ctf.star'),
      exclude: ['rlnOpticsGroup==2'],
      metadataGroups: false,
      seed: 1,
    });
    await images.close();
    return job.result;
  }

  it('a quarter of micrographs with a 3000 Å defocus error and failed fits: harmful; a correct one: not', async () => {
    const r = await run(21, false);
    const bad = r.groups.find((g) => g.id === 'ctf-unreliable')!;
    expect(bad.particles).toBe(300);
    expect(bad.verdict).toBe('harmful');
    expect(bad.effectA!).toBeGreaterThan(1);
    expect(bad.controlResolutionsA).toHaveLength(3);
    const good = r.groups.find((g) => g.id === 'rule-1')!;
    expect(good.verdict).not.toBe('harmful');
    const measured = r.reach.find((x) => x.kind === 'measured')!;
    expect(measured.resolutionA!).toBeLessThan(r.full.resolutionInterpolatedA!);
  }, 120_000);

  it.each([22, 23])(
    'a clean set (seed %i): nothing is called harmful',
    async (seed) => {
      const r = await run(seed, true);
      expect(r.groups.length).toBeGreaterThan(0);
      for (const g of r.groups) expect(g.verdict, g.name).not.toBe('harmful');
    },
    120_000,
  );
});

describe('the pieces, against hand-made answers', () => {
  it('verdicts: harmful, useful, neutral and too small from the controls’ prediction interval', () => {
    const base = { fraction: 0.25, fullA: 4, shellWidthA: 0.1 };
    // Controls 4.5 ± 0.05 (sd): the interval is t(2) · 0.05 · √(4/3) = 0.248 Å.
    const controlA = [4.45, 4.5, 4.55];
    const harmful = groupEffect({ ...base, withoutA: 4.1, controlA });
    expect(harmful.thresholdA).toBeCloseTo(4.303 * 0.05 * Math.sqrt(4 / 3), 3);
    expect(harmful.verdict).toBe('harmful');
    expect(groupEffect({ ...base, withoutA: 4.9, controlA }).verdict).toBe('useful');
    expect(groupEffect({ ...base, withoutA: 4.55, controlA }).verdict).toBe('neutral');
    // The same effect with controls that scatter by more than leaving the group out can change.
    expect(groupEffect({ ...base, withoutA: 4.55, controlA: [4.2, 4.5, 4.8] }).verdict).toBe('too-small');
  });

  it('rules: labels with or without rln, numbers and names; bad rules say what is expected', () => {
    expect(parseRule('rlnDefocusU>25000')).toMatchObject({ label: 'rlnDefocusU', op: '>', value: 25000 });
    expect(parseRule('DefocusV <= 2.5e4')).toMatchObject({ label: 'rlnDefocusV', op: '<=', value: 25000 });
    expect(parseRule('rlnMicrographName=mic_012.mrc')).toMatchObject({ op: '==', value: 'mic_012.mrc' });
    expect(() => parseRule('defocus high')).toThrow(/LABEL OP VALUE/);
    expect(() => parseRule('rlnMicrographName>abc')).toThrow(/needs a number/);
  });

  it('ResLog points at the last shell are left out of the fit and named', () => {
    // 1/d² = 0.01·ln N − 0.05 up to 4000 particles, then stuck at Nyquist (5 Å).
    const d = (n: number) => 1 / Math.sqrt(0.01 * Math.log(n) - 0.05);
    const points = [500, 1000, 2000, 4000, 8000].map((n) => reslogPoint(n, [Math.max(5, d(n))], [null], 5));
    expect(points.map((p) => p.samplingLimited)).toEqual([false, false, false, false, true]);
    const r = readReslog(points, 5, 5);
    expect(r.fit!.slope).toBeCloseTo(0.01, 6);
    expect(r.fit!.overallBfactorA2).toBeCloseTo(200, 3);
    expect(r.samplingLimitedFrom).toBe(8000);
    expect(r.verdict).toMatch(/^Sampling-limited above ~8,000 particles/);
  });

  it('subsets: sizes double to the whole set; halves keep their proportions; orders are permutations', () => {
    expect(defaultSizes(10000)).toEqual([200, 400, 800, 1600, 3200, 6400, 10000]);
    expect(defaultSizes(428)).toEqual([53, 106, 212, 428]);
    expect(perHalf(300, [600, 600])).toEqual([150, 150]);
    expect(perHalf(100, [300, 100])).toEqual([75, 25]);
    const p = permutation(1000, seededRandom(3));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const half = Uint8Array.from({ length: 10 }, (_, i) => (i % 2) + 1);
    const [h1, h2] = shuffledHalves(half, 5);
    expect([...h1].every((i) => half[i] === 1) && [...h2].every((i) => half[i] === 2)).toBe(true);
  });

  it('the grids’ FSC of a grid with itself is 1; a grid of five particles finishes without NaN', () => {
    const g = new InsertionGrid({ oriSize: 32, pad: 2, rMax: 16 });
    const rnd = seededRandom(9);
    // Weight only in a thin shell of voxels: most of the sphere empty, as in a sparse subset.
    for (let i = 0; i < g.weight.length; i += 97) {
      g.weight[i] = rnd() * 1e-3;
      g.data[2 * i] = rnd() - 0.5;
    }
    const f = gridFsc(g, g);
    expect(Math.min(...Array.from(f).filter((x) => x !== 0))).toBeCloseTo(1, 12);
    const map = finishReconstruction(g);
    expect(map.every((x) => Number.isFinite(x))).toBe(true);
  });
});
