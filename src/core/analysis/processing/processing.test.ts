import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, fixtureFiles, textOf } from '../../../../test/paths.js';
import { readCorrectedMicrographs, readMotionStar } from '../../io/processing/motion.js';
import { readPolishBfactors } from '../../io/processing/polish.js';
import {
  readClassChanges,
  readClassMembership,
  readClassModel,
  readCryosparcClasses,
} from '../../io/processing/classes.js';
import { readMotionCor2Log } from '../../io/processing/motion.js';
import type { NpyTable } from '../../io/npy.js';
import { motionFromFiles } from '../../app/report/processing-files.js';
import { readPicks } from '../../io/processing/picks.js';
import { readStar } from '../../io/star/read.js';
import { seededRandom } from '../../util/random.js';
import { bimodalityCoefficient, median, upperOutliers } from '../../util/stats.js';
import { readClasses } from './classes.js';
import { readMotion, trackPathPx } from './motion.js';
import { assign, comparePickers, matchPicks } from './picking.js';
import { readPolishing } from './polishing.js';

/**
 * Processing analyses against answers computed independently (fixtures/generate/make_projects.py: numpy path
 * lengths with RELION's early/late rule, scipy's linear_sum_assignment, numpy frame weights) and analytic cases.
 */
const P = fixture('projects', 'relion31');
const expected = JSON.parse(textOf(fixture('projects', 'expected.json')));
const star = (rel: string) => readStar(bytesOf(`${P}/${rel}`), { source: rel });

describe('motion', () => {
  const rows = readCorrectedMicrographs(star('MotionCorr/job002/corrected_micrographs.star'));
  const tracks = new Map(
    fixtureFiles('projects', 'relion31', 'MotionCorr/job002/Movies').map((f) => [
      `MotionCorr/job002/Movies/${f}`,
      readMotionStar(star(`MotionCorr/job002/Movies/${f}`)),
    ]),
  );

  it('path lengths from the shifts match numpy with RELION’s early rule; the columns are pixels', () => {
    rows.forEach((r, i) => {
      const p = trackPathPx(tracks.get(r.metadata!)!);
      expect(p.totalPx).toBeCloseTo(expected.motion.totalA[i], 4);
      expect(p.earlyPx!).toBeCloseTo(expected.motion.earlyA[i], 4);
    });
    const m = readMotion({ rows, tracks })!;
    expect(m.columnUnit).toBe('pixels (checked against the shifts)');
    expect(m.medianTotalA).toBeCloseTo(expected.motion.medianTotalA, 4);
    expect(m.outliers).toEqual([`MotionCorr/job002/Movies/${expected.motion.outlier}.mrc`]);
    expect(m.warnings).toEqual([]);
  });

  it('pixel columns are converted with the pixel size; a column that disagrees with its shifts is named', () => {
    const scaled = rows.map((r) => ({ ...r, originalPixelSizeA: 0.5 }));
    const m = readMotion({ rows: scaled, tracks })!;
    expect(m.medianTotalA).toBeCloseTo(expected.motion.medianTotalA * 0.5, 4);
    const wrong = rows.map((r, i) => (i === 0 ? { ...r, totalPx: r.totalPx! * 2 } : r));
    expect(readMotion({ rows: wrong, tracks })!.warnings[0]!.message).toMatch(/1 of 10 micrographs/);
  });
});

describe('motion from MotionCor2 logs', () => {
  it('shifts per frame read, path length in Å with the pixel size given; no pixel size, a clear error', () => {
    const log = '# full-frame alignment\n# frame shift_x shift_y\n1 0 0\n2 3 4\n3 3 4\n4 6 8\n';
    const t = readMotionCor2Log(log, 'm1-Full.log');
    expect(t.frames).toEqual([1, 2, 3, 4]);
    const enc = new TextEncoder();
    const m = motionFromFiles([{ name: 'm1-Full.log', bytes: enc.encode(log) }], 0.5);
    expect(m.reading!.micrographs[0]!.totalA).toBeCloseTo(5, 12); // (5 + 0 + 5) px × 0.5 Å
    expect(m.reading!.columnUnit).toBe('computed');
    expect(() => motionFromFiles([{ name: 'm1-Full.log', bytes: enc.encode(log) }], null)).toThrow(/with a pixel size/);
    expect(() => readMotionCor2Log('1 0\n', 'bad.log')).toThrow(/bad\.log \(line 1\).*frame, shift x, shift y/);
  });
});

describe('polishing', () => {
  it('frame weights at the map’s resolution match numpy; G&G critical exposure at 300 kV', () => {
    const rows = readPolishBfactors(star('Polish/job011/bfactors.star'));
    const p = readPolishing(rows, expected.polishing.resolutionA, { dosePerFrameEPerA2: 1, voltageKv: 300 })!;
    expect(p.firstFrameWeight).toBeCloseTo(expected.polishing.firstFrameWeight, 6);
    expect(p.bestFrame).toBe(expected.polishing.bestFrame);
    // Grant & Grigorieff 2015: 0.245·k^−1.665 + 2.81 at k = 1/3.9 Å.
    expect(p.modelCriticalExposureEPerA2).toBeCloseTo(0.24499 * (1 / 3.9) ** -1.6649 + 2.8141, 6);
    // After the best frame B falls 9 Å² per e⁻/Å² and ln(scale) 0.01: ln w falls 9/(4·3.9²) + 0.01 per e⁻/Å².
    const rate = 9 / (4 * 3.9 * 3.9) + 0.01;
    expect(p.measuredCriticalExposureEPerA2!).toBeCloseTo(0.5 / rate, 1);
  });
});

describe('classes', () => {
  it('populations, signal classes, jumps between iterations and what Select kept', () => {
    const model = readClassModel(star('Class3D/job006/run_it025_model.star'));
    const r = readClasses({
      model,
      changes: readClassChanges(star('Class3D/job006/run_it025_optimiser.star')),
      last: readClassMembership(star('Class3D/job006/run_it025_data.star')),
      previous: readClassMembership(star('Class3D/job006/run_it024_data.star')),
      kept: readClassMembership(star('Select/job007/particles.star')).classNumber,
    });
    r.classes.forEach((c, k) => expect(c.population).toBeCloseTo(expected.classes.populations[k], 5));
    expect(r.signalClasses).toEqual(expected.classes.signal);
    expect(r.junkFraction).toBeCloseTo(expected.classes.junkFraction, 5);
    expect(r.jumpFraction!).toBeCloseTo(expected.classes.jump, 10);
    expect(r.jumpIterations).toEqual([24, 25]);
    expect(r.keptSignalClasses).toEqual(expected.classes.keptSignal);
  });

  it('RELION 3.0 translations in pixels, 999 for "no resolution", an empty class table', () => {
    const text =
      'data_model_general\n_rlnPixelSize 2.0\n_rlnReferenceDimensionality 2\n\ndata_model_classes\nloop_\n' +
      '_rlnReferenceImage #1\n_rlnClassDistribution #2\n_rlnAccuracyTranslations #3\n_rlnEstimatedResolution #4\n' +
      'a.mrc 0.9 1.5 8.0\nb.mrc 0.1 3.0 999\n';
    const m = readClassModel(readStar(text, { source: 'run_it010_model.star' }));
    expect(m.dimensionality).toBe(2);
    expect(m.iteration).toBe(10);
    expect(m.classes[0]!.accuracyTranslationsA).toBeCloseTo(3.0, 10);
    expect(m.classes[1]!.resolutionA).toBeNull();
    const empty = readClassModel(
      readStar('data_model_classes\nloop_\n_rlnClassDistribution #1\n', { source: 'run_it001_model.star' }),
    );
    expect(readClasses({ model: empty }).signalClasses).toEqual([]);
    expect(() => readClassModel(readStar('data_x\n_rlnFoo 1\n', { source: 'x.star' }))).toThrow(
      /x\.star.*no class table.*_rlnClassDistribution/,
    );
  });
});

describe('cryoSPARC class posteriors', () => {
  const table = (fields: Record<string, { count: number; data: number[] }>, rows: number): NpyTable => ({
    rows,
    recordBytes: 0,
    fields: [],
    has: (n) => n in fields,
    field: (n) => ({
      name: n,
      type: 'f4',
      littleEndian: true,
      offset: 0,
      itemBytes: 4,
      count: fields[n]!.count,
      shape: [],
    }),
    numbers: (n) => Float64Array.from(fields[n]!.data),
    strings: () => [],
  });
  it('≥ 4.5 (alignments3D_multi) and older (alignments_class_K) give the same classes and pMax', () => {
    const post = [
      [0.9, 0.1],
      [0.2, 0.8],
      [0.6, 0.4],
    ];
    const multi = table({ 'alignments3D_multi/class_posterior': { count: 2, data: post.flat() } }, 3);
    const old = table(
      {
        'alignments_class_0/class_posterior': { count: 1, data: post.map((p) => p[0]!) },
        'alignments_class_1/class_posterior': { count: 1, data: post.map((p) => p[1]!) },
      },
      3,
    );
    for (const t of [multi, old]) {
      const c = readCryosparcClasses(t, 'x.cs');
      expect(Array.from(c.membership.classNumber)).toEqual([1, 2, 1]);
      expect(Array.from(c.membership.pMax!)).toEqual([0.9, 0.8, 0.6]);
      expect(c.model.classes.map((k) => k.population)).toEqual([2 / 3, 1 / 3]);
    }
    expect(() => readCryosparcClasses(table({}, 3), 'y.cs')).toThrow(/y\.cs: no class posteriors/);
  });
});

describe('picking', () => {
  it('the optimal assignment equals brute force on small random cost matrices', () => {
    const rnd = seededRandom(11);
    for (let t = 0; t < 30; t++) {
      const rows = 1 + Math.floor(rnd() * 5),
        cols = rows + Math.floor(rnd() * 3);
      const cost = Float64Array.from({ length: rows * cols }, () => Math.floor(rnd() * 20));
      const m = assign(cost, rows, cols);
      const total = (a: ArrayLike<number>) => Array.from(a).reduce((s, c, r) => s + cost[r * cols + c]!, 0);
      expect(new Set(m).size).toBe(rows);
      expect(total(m)).toBe(bruteForce(cost, rows, cols));
    }
  });

  it('pairs within the radius as scipy’s linear_sum_assignment does; Jaccard from the matched count', () => {
    const read = (job: string) =>
      fixtureFiles('projects', 'relion31', job, 'Movies').flatMap((f) =>
        readPicks(f, textOf(`${P}/${job}/Movies/${f}`)),
      );
    const a = read('AutoPick/job004'),
      b = read('AutoPick/job005');
    const c = comparePickers({ name: 'A', picks: a }, { name: 'B', picks: b }, expected.picks.radiusPx)!;
    expect(c.picksA).toBe(expected.picks.picksA);
    expect(c.picksB).toBe(expected.picks.picksB);
    expect(c.matched).toBe(expected.picks.matched);
    expect(c.jaccard).toBeCloseTo(expected.picks.jaccard, 12);
    expect(c.chanceJaccard).toBeLessThan(0.05);
  });

  it('solving each cluster of close picks alone gives the dense assignment’s count (crowded random sets)', () => {
    const rnd = seededRandom(5);
    for (let t = 0; t < 20; t++) {
      const n = 30 + Math.floor(rnd() * 30),
        m = 20 + Math.floor(rnd() * 40),
        r = 40;
      const ax = Array.from({ length: n }, () => rnd() * 400),
        ay = Array.from({ length: n }, () => rnd() * 400);
      const bx = Array.from({ length: m }, () => rnd() * 400),
        by = Array.from({ length: m }, () => rnd() * 400);
      // Dense reference: the whole cost matrix (rows = the smaller set) in one assignment.
      const [rx, ry, cx, cy] = n <= m ? [ax, ay, bx, by] : [bx, by, ax, ay];
      const cost = new Float64Array(rx.length * cx.length);
      rx.forEach((_, i) =>
        cx.forEach(
          (_, j) => (cost[i * cx.length + j] = Math.min(r * r, (rx[i]! - cx[j]!) ** 2 + (ry[i]! - cy[j]!) ** 2)),
        ),
      );
      const dense = Array.from(assign(cost, rx.length, cx.length)).filter((j, i) => cost[i * cx.length + j]! < r * r);
      expect(matchPicks(ax, ay, bx, by, r)).toBe(dense.length);
    }
  });

  it('a pick set against itself shifted by less than the radius matches fully; beyond it, not at all', () => {
    const x = [100, 400, 700],
      y = [100, 500, 900];
    expect(
      matchPicks(
        x,
        y,
        x.map((v) => v + 9),
        y,
        10,
      ),
    ).toBe(3);
    expect(
      matchPicks(
        x,
        y,
        x.map((v) => v + 11),
        y,
        10,
      ),
    ).toBe(0);
    expect(matchPicks(x, y, [], [], 10)).toBe(0);
  });

  it('EMAN .box corners become centres; Topaz rows by micrograph; an empty RELION table is no picks', () => {
    expect(readPicks('m1.box', '10 20 100 100\n50 60 100 100\n')[0]).toMatchObject({
      micrograph: 'm1',
      xPx: [60, 100],
    });
    const t = readPicks(
      'all.txt',
      'image_name\tx_coord\ty_coord\tscore\nm1\t5\t6\t0.1\nm2\t7\t8\t0.9\nm1\t1\t2\t0.5\n',
    );
    expect(t.map((p) => [p.micrograph, p.xPx, p.score])).toEqual([
      ['m1', [5, 1], [0.1, 0.5]],
      ['m2', [7], [0.9]],
    ]);
    const empty = readPicks('Movies/m9_autopick.star', 'data_\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n');
    expect(empty).toEqual([{ micrograph: 'm9', xPx: [], yPx: [] }]);
    expect(() => readPicks('x.box', '1 2 3\n')).toThrow(/x\.box \(line 1\).*expected x y width height/);
  });
});

describe('statistics', () => {
  it('median, robust outliers and Sarle’s bimodality coefficient on known sets', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(upperOutliers([1, 1.1, 0.9, 1, 1.05, 0.95, 10]).indices).toEqual([6]);
    // Two well-separated equal groups: b → 1; a uniform distribution: 5/9 in the large-n limit is its boundary.
    const two = [...Array(200).fill(0), ...Array(200).fill(1)];
    expect(bimodalityCoefficient(two)).toBeGreaterThan(0.95);
    const rnd = seededRandom(3);
    const uni = Array.from({ length: 20000 }, () => rnd());
    expect(bimodalityCoefficient(uni)).toBeCloseTo(5 / 9, 2);
  });
});

function bruteForce(cost: Float64Array, rows: number, cols: number): number {
  let best = Infinity;
  const used = new Array<boolean>(cols).fill(false);
  const go = (r: number, sum: number): void => {
    if (r === rows) {
      best = Math.min(best, sum);
      return;
    }
    for (let c = 0; c < cols; c++) {
      if (used[c]) continue;
      used[c] = true;
      go(r + 1, sum + cost[r * cols + c]!);
      used[c] = false;
    }
  };
  go(0, 0);
  return best;
}
