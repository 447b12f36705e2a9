import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/core/diagnosis/diagnose.js';
import { withMeasuredEffects, type MeasuredGroup } from '../src/core/diagnosis/measured.js';
import type { Report } from '../src/core/report/report.js';
import { openParticleMaps } from '../src/core/app/jobs/particle-maps.js';
import { InsertionGrid } from '../src/core/analysis/reconstruct/grid.js';
import { pickerGroups } from '../src/core/diagnosis/whatif-pickers.js';
import { readStar } from '../src/core/io/star/read.js';
import { findParticleBlock } from '../src/core/io/star/particles.js';
import { FileImageSource } from '../src/node/reconstruct/images.js';
import { cryodxIn } from './cli.js';
import { fixture, ROOT } from './paths.js';
import { whatifCase } from './reslog-case.js';

const validate = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')) as object,
);

/**
 * `report --measure` (issue 30): what each fix buys in the report — the what-if table and figure, ResLog, and the
 * ranked causes moved by the measured effects.
 */
describe('report --measure on simulated particles with a known harmful group', () => {
  it('the wrong-defocus quarter is measured harmful and puts CTF estimation first, with the number', () => {
    const c = whatifCase(21, false);
    const dir = mkdtempSync(join(tmpdir(), 'cryodx-measure-'));
    writeFileSync(join(dir, 'particles.star'), c.star);
    writeFileSync(join(dir, 'particles.mrcs'), c.stack);
    writeFileSync(join(dir, 'micrographs_ctf.star'), c.ctfStar);
    const run = cryodxIn(
      dir,
      'report',
      '--particles',
      'particles.star',
      '--ctf',
      'micrographs_ctf.star',
      '--sphere-radius',
      '45',
      '--measure',
      '--out',
      'out',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as Report;
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    const m = r.measured!;
    const bad = m.whatif!.groups.find((g) => g.id === 'ctf-unreliable')!;
    expect(bad.verdict).toBe('harmful');
    expect(bad.effectA!).toBeGreaterThan(1);
    // The harmful group raises its cause: strong, first among the strong, resting on the what-if.
    const ctf = r.findings.find((f) => f.cause === '5-ctf')!;
    expect(ctf.strength).toBe('strong');
    expect(ctf.evidence[0]!.measure).toBe('whatifEffectA');
    expect(ctf.evidence[0]!.value).toBeCloseTo(bad.effectA!, 2);
    expect(ctf.basis).toEqual({ count: 300, of: 'particles', total: 1200 });
    expect(r.verdict.top[0]!.cause).toBe('5-ctf');
    // ResLog: points falling with N, a line, and the particle budget read from it.
    expect(m.reslog.points.length).toBeGreaterThanOrEqual(3);
    const d = m.reslog.points.map((p) => p.resolutionA);
    expect(d[0]!).toBeGreaterThan(d[d.length - 1]!);
    const budget = r.findings.find((f) => f.cause === 'particle-limited')!;
    expect(budget.evidence[0]!.statement).toMatch(/ResLog/);
    // Within reach: the map without the harmful group, measured, finer than the full map.
    const reach = m.whatif!.reach.find((x) => x.kind === 'measured')!;
    expect(reach.resolutionA!).toBeLessThan(m.whatif!.full.resolutionInterpolatedA!);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('What each fix buys (measured)');
    expect(html).toContain('id="fig-whatif"');
    expect(html).toContain('id="fig-reslog"');
    for (const f of ['measured/whatif.json', 'measured/reslog.json', 'figures/whatif.svg', 'figures/reslog.svg'])
      expect(existsSync(join(dir, 'out', f)), f).toBe(true);
  }, 180_000);

  it('--measure without particles says what it needs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cryodx-measure-'));
    writeFileSync(join(dir, 'micrographs_ctf.star'), whatifCase(21, false).ctfStar);
    const run = cryodxIn(dir, 'report', '--ctf', 'micrographs_ctf.star', '--measure', '--out', 'out');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--measure needs the refinement’s particles/);
  });
});

describe('measured effects in the ranked causes (hand-made what-ifs)', () => {
  // A diagnosis with nothing measured: every cause "not measured"; and one whose microscope cause is strong.
  const base = diagnose({});
  const ctx = { fullA: 4, particles: 10000, samplingLimited: false };
  const group = (verdict: MeasuredGroup['verdict'], o: Partial<MeasuredGroup> = {}): MeasuredGroup => ({
    name: 'unreliable CTF fit',
    cause: '5-ctf',
    rulesOut: true,
    particles: 2000,
    fraction: 0.2,
    resolutionWithoutA: 4.29,
    controlResolutionA: 4.3,
    effectA: 0.01,
    removalCostA: 0.3,
    thresholdA: 0.1,
    verdict,
    why: `${verdict} (test)`,
    ...o,
  });
  const ctf = (out: ReturnType<typeof withMeasuredEffects>) => out.find((x) => x.cause === '5-ctf')!;

  it('harmful: the cause becomes strong and ranks above every unmeasured one', () => {
    const out = withMeasuredEffects(base, [group('harmful', { effectA: 0.5, resolutionWithoutA: 3.8 })], ctx);
    expect(out[0]!.cause).toBe('5-ctf');
    expect(out[0]!.strength).toBe('strong');
    expect(out[0]!.needs).toBeNull();
    expect(out[0]!.evidence[0]!.value).toBe(0.5);
  });

  it('neutral, from the flagged population, with power: ruled out for those particles, with the number', () => {
    const f = ctf(withMeasuredEffects(base, [group('neutral')], ctx));
    expect(f.strength).toBe('ruled out');
    expect(f.evidence[0]!.threshold).toBe('> ±0.10 Å');
    expect(f.evidence[0]!.canRuleOut).toBe(true);
    expect(f.power).toMatch(/^ruled out for the flagged particles by what-if reconstructions at 4\.00 Å/);
  });

  it('neutral without the power to see a group half as good: nothing ruled out', () => {
    const f = ctf(withMeasuredEffects(base, [group('neutral', { removalCostA: 0.15 })], ctx));
    expect(f.strength).toBe('not measured');
    expect(f.evidence.at(-1)!.power).toMatch(/too little power/);
  });

  it('at the sampling limit nothing is ruled out', () => {
    const f = ctf(withMeasuredEffects(base, [group('neutral')], { ...ctx, samplingLimited: true }));
    expect(f.strength).toBe('not measured');
  });

  it('a group that only shares the cause (an optics group) raises it when harmful, never rules it out', () => {
    const optics = { name: 'optics group 2', cause: '7-microscope' as const, rulesOut: false };
    const strong = withMeasuredEffects(base, [group('harmful', { ...optics, effectA: 0.5 })], ctx);
    expect(strong.find((x) => x.cause === '7-microscope')!.strength).toBe('strong');
    const neutral = withMeasuredEffects(base, [group('neutral', optics)], ctx);
    const m = neutral.find((x) => x.cause === '7-microscope')!;
    expect(m.strength).toBe(base.find((x) => x.cause === '7-microscope')!.strength);
    expect(m.evidence.at(-1)!.canRuleOut).toBe(false);
  });

  it('a flagged population too small to measure keeps the cause open even beside a neutral group', () => {
    const small = group('too-small', { name: 'thick-ice-like', resolutionWithoutA: null, effectA: null });
    const f = ctf(withMeasuredEffects(base, [group('neutral'), small], ctx));
    expect(f.strength).toBe('not measured');
  });

  it('groups too small to measure, or of no cause, change no finding', () => {
    const before = base.find((x) => x.cause === '5-ctf')!;
    expect(ctf(withMeasuredEffects(base, [group('too-small', { effectA: null })], ctx))).toBe(before);
    const out = withMeasuredEffects(base, [group('harmful', { cause: null, effectA: 0.5 })], ctx);
    expect(out.map((f) => f.strength)).toEqual(base.map((f) => f.strength));
  });
});

describe('a map without a group: the full grids minus the group’s, against the rest inserted on its own', () => {
  it('two thirds kept: the same map to float precision; the whole of half 1 differs', async () => {
    const dir = fixture('reconstruct', 'even');
    const images = new FileImageSource(join(dir, 'particles.star'));
    const maps = await openParticleMaps({
      particles: { name: 'particles.star', bytes: new Uint8Array(readFileSync(join(dir, 'particles.star'))) },
      images,
    });
    const n = maps.plan.count;
    const pick = (keep: (i: number) => boolean): Int32Array =>
      Int32Array.from({ length: n }, (_, i) => (maps.half[i] === 1 && keep(i) ? 0 : -1));
    const [full] = await maps.insert(
      pick(() => true),
      1,
    );
    // As whatif subtracts: only when more is kept than left out (else it inserts the rest on its own).
    const [group] = await maps.insert(
      pick((i) => i % 3 === 0),
      1,
    );
    const [rest] = await maps.insert(
      pick((i) => i % 3 !== 0),
      1,
    );
    await images.close();
    const before = maps.finish(full!).data;
    full!.subtract(group!);
    expect(full!.particles).toBe(rest!.particles);
    const rms = (a: Float32Array, b: Float32Array): number => {
      let d = 0;
      let t = 0;
      for (let i = 0; i < b.length; i++) {
        d += (a[i]! - b[i]!) ** 2;
        t += b[i]! ** 2;
      }
      return Math.sqrt(d / t);
    };
    const direct = maps.finish(rest!).data;
    expect(rms(maps.finish(full!).data, direct)).toBeLessThan(1e-5);
    expect(rms(before, direct)).toBeGreaterThan(0.1);
  }, 60_000);

  it('a voxel whose every contribution was subtracted is emptied, whichever the sign of the residue', () => {
    const shape = { oriSize: 8, pad: 2, rMax: 4 };
    const a = new InsertionGrid(shape);
    const b = new InsertionGrid(shape);
    a.weight[10] = 1;
    a.data[20] = 0.5;
    b.weight[10] = 1 + 1e-7; // rounding residue of a sum taken in another order
    b.data[20] = 0.5000001;
    a.weight[11] = 2;
    a.data[22] = 3;
    b.weight[11] = 0.5;
    b.data[22] = 1;
    a.weight[12] = 1;
    a.data[24] = 0.5;
    b.weight[12] = 1 - 1e-7; // a positive residue: divided by, it would blow the voxel up
    b.data[24] = 0.4;
    a.subtract(b);
    expect([a.weight[10], a.data[20]]).toEqual([0, 0]);
    expect([a.weight[12], a.data[24]]).toEqual([0, 0]);
    expect(a.weight[11]).toBeCloseTo(1.5, 6);
    expect(a.data[22]).toBeCloseTo(2, 6);
  });
});

describe('what-if groups by picker', () => {
  const star = [
    'data_particles',
    'loop_',
    '_rlnMicrographName',
    '_rlnCoordinateX',
    '_rlnCoordinateY',
    'MotionCorr/job002/Movies/mic_001.mrc 100 100',
    'MotionCorr/job002/Movies/mic_001.mrc 300 300',
    'MotionCorr/job002/Movies/mic_001.mrc 500 500',
    'MotionCorr/job002/Movies/mic_002.mrc 100 100',
    '',
  ].join('\n');
  const loop = () => findParticleBlock(readStar(new TextEncoder().encode(star), { source: 'p.star' })).loop!;
  // Picker A found particles 1, 2 and 4 (within 5 px); B found 2 and 3 (3 is 12 px off: outside 10 px, inside 15).
  const a = {
    name: 'A',
    picks: [
      { micrograph: 'mic_001', xPx: [103, 298], yPx: [96, 301] },
      { micrograph: 'mic_002', xPx: [100], yPx: [100] },
    ],
  };
  const b = { name: 'B', picks: [{ micrograph: 'mic_001', xPx: [300, 512], yPx: [300, 500] }] };

  it('two pickers: the particles only one of them found', () => {
    const g = pickerGroups(loop(), [a, b], 10).groups;
    expect(g.map((x) => [x.id, Array.from(x.members)])).toEqual([
      ['picker-only-1', [1, 0, 0, 1]],
      ['picker-only-2', [0, 0, 0, 0]],
    ]);
    const wider = pickerGroups(loop(), [a, b], 15).groups;
    expect(Array.from(wider[1]!.members)).toEqual([0, 0, 1, 0]);
    expect(wider.every((x) => x.cause === '6-picking')).toBe(true);
  });

  it('one picker: the particles it did not pick; no coordinates: says so', () => {
    const one = pickerGroups(loop(), [b], 15);
    expect(Array.from(one.groups[0]!.members)).toEqual([1, 0, 0, 1]);
    expect(one.matchedFraction).toBe(0.5);
    const bare = findParticleBlock(
      readStar(new TextEncoder().encode('data_particles\nloop_\n_rlnMicrographName\nm.mrc\n'), { source: 'q.star' }),
    ).loop!;
    expect(() => pickerGroups(bare, [b], 10)).toThrow(/no _rlnCoordinateX/);
  });
});
