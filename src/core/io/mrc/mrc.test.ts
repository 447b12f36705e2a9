import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, HAS_SHARED, shared, textOf } from '../../../../test/paths.js';
import { createVolume } from '../../model/volume.js';
import { FormatError } from '../../errors.js';
import { floatToHalf, halfToFloat } from './float16.js';
import { headerStats, readMrc } from './read.js';
import { writeMrc, writeMrcParts } from './write.js';

interface Expected {
  dims: [number, number, number];
  data: number[];
  voxelSize: [number, number, number];
  extendedHeaderBytes: number;
  mode: number;
}
const expected = JSON.parse(textOf(fixture('mrc', 'expected.json'))) as Record<string, Expected>;

describe('readMrc against mrcfile on hand-packed files', () => {
  for (const [name, exp] of Object.entries(expected)) {
    it(`${name} reads as mrcfile reads it`, () => {
      const f = readMrc(bytesOf(fixture('mrc', name)), { source: name });
      const v = f.volume;
      expect([v.nx, v.ny, v.nz]).toEqual(exp.dims);
      expect(f.header.mode).toBe(exp.mode);
      expect(f.extendedHeaderBytes).toBe(exp.extendedHeaderBytes);
      v.pixelSizeA!.forEach((p, i) => expect(p).toBeCloseTo(exp.voxelSize[i]!, 5));
      expect(Array.from(v.data)).toEqual(exp.data.map((x) => Math.fround(x)));
    });
  }

  it('reports byte order, axis order and how it knew', () => {
    const big = readMrc(bytesOf(fixture('mrc', 'mode2_big.mrc')));
    expect(big.byteOrder).toBe('big');
    expect(big.byteOrderFrom).toBe('machine-stamp');
    const guessed = readMrc(bytesOf(fixture('mrc', 'no_stamp_big.mrc')), { source: 'x.mrc' });
    expect(guessed.byteOrder).toBe('big');
    expect(guessed.byteOrderFrom).toBe('guessed');
    expect(guessed.warnings.map((w) => w.code)).toContain('machine-stamp');
    expect(readMrc(bytesOf(fixture('mrc', 'axes_312.mrc'))).axisOrder).toEqual([3, 1, 2]);
  });

  it("tolerates MotionCor2's 'MAP\\0' without a warning", () => {
    const f = readMrc(bytesOf(fixture('mrc', 'motioncor_mapnul.mrc')));
    expect(f.warnings).toEqual([]);
  });

  it('reports the extended header type', () => {
    expect(readMrc(bytesOf(fixture('mrc', 'exthdr.mrc'))).extendedHeaderType).toBe('CCP4');
  });
});

describe('real files', () => {
  it.skipIf(!HAS_SHARED)('EMD-3197 plain and gzipped give the same map, 20³ at 11.4 Å', () => {
    const a = readMrc(bytesOf(shared('data/public/EMD-3197.map')), { source: 'EMD-3197.map' });
    const b = readMrc(bytesOf(shared('data/public/emd_3197.map.gz')), { source: 'emd_3197.map.gz' });
    expect([a.volume.nx, a.volume.ny, a.volume.nz]).toEqual([20, 20, 20]);
    expect(a.volume.pixelSizeA).toEqual([11.4, 11.4, 11.4]);
    expect(Array.from(b.volume.data)).toEqual(Array.from(a.volume.data));
  });

  it.skipIf(!HAS_SHARED)('views aligned float32 data without copying', () => {
    const bytes = bytesOf(shared('data/relion-1tii-128/half1.mrc'));
    const f = readMrc(bytes);
    expect(f.volume.data.buffer).toBe(bytes.buffer);
    expect(f.volume.pixelSizeA).toEqual([1.1, 1.1, 1.1]);
  });
});

describe('writeMrc', () => {
  const vol = createVolume(5, 4, 3, [1.25, 1.25, 1.25]);
  vol.data.forEach((_, i) => (vol.data[i] = ((i * 37) % 101) - 50));
  vol.originA = [10, -20, 30];

  for (const mode of [0, 1, 2, 6, 12] as const) {
    it(`round-trips mode ${mode}`, () => {
      const src = createVolume(5, 4, 3, [1.25, 1.25, 1.25], mode === 6 ? vol.data.map(Math.abs) : vol.data.slice());
      src.originA = vol.originA;
      const back = readMrc(writeMrc(src, { mode }));
      expect(back.header.mode).toBe(mode);
      expect(back.byteOrder).toBe('little');
      expect(back.axisOrder).toEqual([1, 2, 3]);
      expect(back.volume.pixelSizeA).toEqual([1.25, 1.25, 1.25]);
      expect(back.volume.originA).toEqual([10, -20, 30]);
      expect(Array.from(back.volume.data)).toEqual(Array.from(src.data));
      const s = headerStats(back.header);
      expect(s.min).toBe(Math.min(...src.data));
      expect(s.max).toBe(Math.max(...src.data));
    });
  }

  it('round-trips through gzip', () => {
    const back = readMrc(gzipSync(writeMrc(vol)));
    expect(Array.from(back.volume.data)).toEqual(Array.from(vol.data));
  });

  it('refuses values an integer mode cannot hold', () => {
    const v = createVolume(2, 1, 1, [1, 1, 1], Float32Array.of(1, 300));
    expect(() => writeMrc(v, { mode: 0 })).toThrow(/cannot be stored as int8 .*found 300/);
  });

  it('writes an unknown pixel size as a zero cell, read back as null with a warning', () => {
    const back = readMrc(writeMrc(createVolume(2, 2, 2, null)));
    expect(back.volume.pixelSizeA).toBeNull();
    expect(back.warnings.map((w) => w.code)).toContain('no-pixel-size');
  });
});

describe('writeMrcParts', () => {
  it('header then the map itself: byte for byte the file writeMrc makes, with no copy of float32 data', () => {
    const data = Float32Array.from({ length: 7 * 5 * 3 }, (_, i) => Math.sin(i) * 3 - 0.5);
    const v = createVolume(7, 5, 3, [1.2, 1.2, 1.2], data);
    v.originA = [3, -2, 1];
    const parts = writeMrcParts(v, { labels: ['parts'] });
    expect(parts).toHaveLength(2);
    expect(parts[1]!.buffer).toBe(data.buffer);
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    expect(joined).toEqual(writeMrc(v, { labels: ['parts'] }));
    const read = readMrc(joined);
    expect(read.volume.data).toEqual(data);
    // Integer modes are converted: one part, as writeMrc.
    const int16 = writeMrcParts(v, { mode: 1 });
    expect(int16).toHaveLength(1);
    expect(int16[0]).toEqual(writeMrc(v, { mode: 1 }));
  });
});

describe('corrupt one field: exact messages', () => {
  const good = writeMrc(createVolume(4, 4, 4, [1, 1, 1]));
  const corrupt = (offset: number, value: number): Uint8Array => {
    const b = good.slice();
    new DataView(b.buffer).setInt32(offset, value, true);
    return b;
  };
  const message = (bytes: Uint8Array): string => {
    try {
      readMrc(bytes, { source: 'bad.mrc' });
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };

  it('truncated data', () => {
    expect(message(good.subarray(0, good.length - 10))).toBe(
      'bad.mrc (byte 1024): data block is truncated (found 246 bytes of data, expected 256 bytes for 4×4×4 float32 ' +
        'values). The file was cut short (interrupted copy or download?); copy it again',
    );
  });
  it('short header', () => {
    expect(message(good.subarray(0, 100))).toBe(
      'bad.mrc: file is too short to hold an MRC header (found 100 bytes, expected at least 1024). The file is ' +
        'truncated or not an MRC file',
    );
  });
  it('a NaN or infinite origin (found by npm run fuzz: it reached model-fsc as NaN Å)', () => {
    for (const [offset, v] of [
      [196, NaN],
      [204, Infinity],
    ] as const) {
      const b = good.slice();
      new DataView(b.buffer).setFloat32(offset, v, true);
      expect(message(b)).toMatch(
        new RegExp(`^bad\\.mrc \\(origin[XZ], byte ${offset}\\): origin is not a finite number of Å \\(found ${v}`),
      );
    }
  });
  it('unknown mode', () => {
    expect(message(corrupt(12, 7))).toBe(
      'bad.mrc (mode, byte 12): unknown data mode (found 7, expected one of 0 (int8), 1 (int16), 2 (float32), 6 ' +
        '(uint16), 12 (float16)). The header is corrupt or this is not an MRC file',
    );
  });
  it('complex mode', () => {
    expect(message(corrupt(12, 4))).toMatch(
      /^bad\.mrc \(mode, byte 12\): mode 4 \(complex float32\) is not supported .*Convert the file to float32/,
    );
  });
  it('bad axis order', () => {
    expect(message(corrupt(68, 1))).toBe(
      'bad.mrc (mapc/mapr/maps, byte 64): axis order is not a permutation of 1, 2, 3 (found 1, 1, 3, expected a ' +
        'permutation of 1, 2, 3)',
    );
  });
  it('non-positive dimension', () => {
    expect(message(corrupt(4, 0))).toBe(
      'bad.mrc (ny, byte 4): dimension must be positive (found 0, expected > 0). The header is corrupt or this is ' +
        'not an MRC file',
    );
  });
  it('extended header longer than the file', () => {
    expect(message(corrupt(92, 4096))).toMatch(/data block is truncated/);
  });
  it('NaN values are reported, not hidden', () => {
    const v = createVolume(2, 1, 1, [1, 1, 1], Float32Array.of(NaN, 1));
    expect(readMrc(writeMrc(v, { allowNonFinite: true })).warnings.map((w) => w.code)).toContain('non-finite');
    // cryodx's own outputs never hold NaN: the writer refuses it (issue 34)
    expect(() => writeMrc(v)).toThrow('internal check: MRC writer would write NaN in 1 voxels of the 2×1×1 map');
  });
  it('unknown statistics use the MRC2014 sentinels', () => {
    const b = good.slice();
    const dv = new DataView(b.buffer);
    dv.setFloat32(76, 0, true);
    dv.setFloat32(80, -1, true);
    dv.setFloat32(84, -2, true);
    dv.setFloat32(216, -1, true);
    expect(headerStats(readMrc(b).header)).toEqual({ min: null, max: null, mean: null, rms: null });
  });
});

describe('float16', () => {
  it('converts exactly representable values both ways', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -14, 2 ** -24, -0.0999755859375])
      expect(halfToFloat(floatToHalf(v))).toBe(v);
    expect(halfToFloat(floatToHalf(1e6))).toBe(Infinity);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
  });
  it('rounds to nearest even', () => {
    expect(halfToFloat(floatToHalf(1 + 2 ** -11))).toBe(1);
    expect(halfToFloat(floatToHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
  });
});
