import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fscJob } from '../src/core/app/jobs/fsc.js';
import { reportJob } from '../src/core/app/report/report.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { resolvePixelSize } from '../src/core/model/pixel-size.js';
import { createVolume, type Vec3 } from '../src/core/model/volume.js';
import { addNoise, atomsToMap, ellipsoidAtoms, gaussianRandom, standardDeviation } from '../src/core/simulate/maps.js';
import * as stats from '../src/core/util/stats.js';
import { seededRandom } from '../src/core/util/random.js';

// Every scan of a map's values for validity goes through scanValues (the reader makes it); the spy counts them.
vi.mock('../src/core/util/stats.js', async (original) => {
  const m = await original<typeof import('../src/core/util/stats.js')>();
  return { ...m, scanValues: vi.fn(m.scanValues), countNonFinite: vi.fn(m.countNonFinite) };
});

const N = 64;

/** Two noisy halves of one blob and a soft spherical mask, as MRC files with the header pixel sizes given. */
function files(px: { half: number | null; mask: number | null }) {
  const rnd = seededRandom(5);
  const truth = atomsToMap(ellipsoidAtoms(600, [22, 17, 14], rnd), N, 1, 1.5);
  const g = gaussianRandom(rnd);
  const s = 0.7 * standardDeviation(truth);
  const cell = (p: number | null): Vec3 | null => (p === null ? null : [p, p, p]);
  const mrc = (name: string, p: number | null, data: Float32Array) => ({
    name,
    bytes: writeMrc(createVolume(N, N, N, cell(p), data)),
  });
  const mask = new Float32Array(N ** 3);
  for (let z = 0, i = 0; z < N; z++)
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++, i++) {
        const r = Math.hypot(x - N / 2, y - N / 2, z - N / 2);
        mask[i] = r < 24 ? 1 : r < 28 ? 0.5 + 0.5 * Math.cos((Math.PI * (r - 24)) / 4) : 0;
      }
  return {
    half1: mrc('h1.mrc', px.half, addNoise(truth, s, g)),
    half2: mrc('h2.mrc', px.half, addNoise(truth, s, g)),
    maskFile: mrc('m.mrc', px.mask, mask),
  };
}

describe('one pixel-size rule for every map of a command', () => {
  it('fsc h1 h2 --mask m --angpix 1.06 with every header at 1.0 Å: the mask is overridden like the half maps', () => {
    const { maskFile, ...f } = files({ half: 1, mask: 1 });
    const { result } = fscJob({ ...f, mask: { kind: 'user', file: maskFile }, pixelSizeA: 1.06 });
    expect(result.pixelSizeA).toBe(1.06);
    const over = result.warnings.filter((w) => w.code === 'angpix-override');
    expect(over).toHaveLength(1);
    // Each header that disagrees named once, in the one warning.
    for (const name of ['h1.mrc', 'h2.mrc', 'm.mrc']) expect(over[0]!.message.split(name).length - 1).toBe(1);
    expect(over[0]!.message).toMatch(/^--angpix 1\.06 Å overrides the pixel size stated by h1\.mrc \(1 Å\)/);
  });

  it('without --angpix a mask at another pixel size is refused as a half map would be, naming it', () => {
    const { maskFile, ...f } = files({ half: 1, mask: 1.5 });
    expect(() => fscJob({ ...f, mask: { kind: 'user', file: maskFile } })).toThrow(
      /m\.mrc: mask and half maps have different pixel sizes \(found 1\.5 Å, expected 1 Å as in h1\.mrc\)/,
    );
    // …and --angpix settles it the same way it settles the half maps.
    expect(fscJob({ ...f, mask: { kind: 'user', file: maskFile }, pixelSizeA: 1 }).result.pixelSizeA).toBe(1);
  });

  it('a mask with no pixel size takes the half maps’, said once; no header at all is an error, never 1.0', () => {
    const { maskFile, ...f } = files({ half: 1.2, mask: null });
    const { result } = fscJob({ ...f, mask: { kind: 'user', file: maskFile } });
    expect(result.pixelSizeA).toBe(1.2);
    expect(result.warnings.find((w) => w.code === 'pixel-size-partial')?.message).toBe(
      'pixel size 1.2 Å taken from h1.mrc; m.mrc states none',
    );
    const { half1, half2 } = files({ half: null, mask: null });
    expect(() => fscJob({ half1, half2 })).toThrow(
      'h1.mrc, h2.mrc: no pixel size in the headers; give it with --angpix A',
    );
  });

  it('the resolver alone: option range, headers out of range, one tolerance', () => {
    const s = (source: string, pixelSizeA: number | null) => ({ source, role: 'half map', pixelSizeA });
    expect(() => resolvePixelSize([s('a', 1)], { valueA: 0, flag: '--angpix' })).toThrow(
      '--angpix takes a pixel size from 0.01 to 1000 Å, got 0',
    );
    expect(() => resolvePixelSize([s('a', 5000)], { flag: '--angpix' })).toThrow(/a: pixel size out of range/);
    // 0.05 % apart: the same size (headers round); 0.2 % apart: two sizes.
    expect(resolvePixelSize([s('a', 1.0), s('b', 1.0005)], { flag: '--angpix' }).pixelSizeA).toBe(1);
    expect(() => resolvePixelSize([s('a', 1.0), s('b', 1.002)], { flag: '--angpix' })).toThrow(
      /b: half maps have different pixel sizes/,
    );
    expect(resolvePixelSize([s('a', 1.0), s('b', 1.0005)], { valueA: 1.0002, flag: '--angpix' }).warnings).toEqual([]);
  });
});

describe('readers report, the app checks once, analyses trust the type', () => {
  beforeEach(() => {
    vi.mocked(stats.scanValues).mockClear();
  });

  /** Scans of arrays of a map's size, and the old NaN counter's calls on them (there must be none). */
  const scans = (): { values: number; nanCounts: number } => ({
    values: vi.mocked(stats.scanValues).mock.calls.filter(([d]) => d.length === N ** 3).length,
    nanCounts: vi.mocked(stats.countNonFinite).mock.calls.filter(([d]) => d.length === N ** 3).length,
  });

  it('fsc with a mask file: each half map and the mask scanned once', () => {
    const { maskFile, ...f } = files({ half: 1, mask: 1 });
    const { result } = fscJob({ ...f, mask: { kind: 'user', file: maskFile } });
    expect(result.resolutionA).toBeGreaterThan(2);
    expect(scans()).toEqual({ values: 3, nanCounts: 0 });
  });

  it('report (post-processing, directional FSC, local resolution on the same halves): still once each', async () => {
    const { half1, half2 } = files({ half: 1, mask: 1 });
    const job = await reportJob({ half1, half2, mask: { kind: 'auto' }, version: 'test' });
    expect(job.result.report.postprocess).not.toBeNull();
    expect(job.result.report.anisotropy).not.toBeNull();
    expect(job.result.report.locres).not.toBeNull();
    expect(scans()).toEqual({ values: 2, nanCounts: 0 });
  });
});
