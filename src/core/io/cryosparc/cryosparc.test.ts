import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, textOf } from '../../../../test/paths.js';
import { eulerToMatrix, mat3 } from '../../geometry/rotation.js';
import { FormatError } from '../../errors.js';
import { readNpy } from '../npy.js';
import { readParticles } from '../star/particles.js';
import { readStar } from '../star/read.js';
import { writeStar } from '../star/write.js';
import { csToStar } from './convert.js';

interface Expected {
  imageName: string;
  defocusUA: number;
  defocusAngleDeg: number;
  angleRotDeg: number;
  angleTiltDeg: number;
  anglePsiDeg: number;
  viewDirection: [number, number, number];
  originXA: number;
  opticsGroup: number;
  coordinateX: number;
}
const expected = JSON.parse(textOf(fixture('cs', 'particles.expected.json'))) as Expected[];

describe('readNpy', () => {
  it('reads a cryoSPARC-style record array: scalars, sub-arrays, byte strings', () => {
    const t = readNpy(bytesOf(fixture('cs', 'particles.cs')), 'particles.cs');
    expect(t.rows).toBe(12);
    expect(t.field('alignments3D/pose')).toMatchObject({ type: 'f4', count: 3, shape: [3] });
    expect(t.strings('blob/path')[5]).toBe('>J12/extract/mic_001_particles.mrc');
    expect(Array.from(t.numbers('blob/idx').slice(0, 5))).toEqual([0, 1, 2, 3, 0]);
    expect(t.numbers('ctf/df1_A')[3]).toBeCloseTo(expected[3]!.defocusUA, 2);
  });

  it('reads a big-endian version-2 file with unicode, bool and int16 fields', () => {
    const t = readNpy(bytesOf(fixture('cs', 'bigendian_v2.npy')));
    expect(t.strings('name')).toEqual(['alpha', 'beta', 'γamma']);
    expect(Array.from(t.numbers('value'))).toEqual([1.5, -2.25, 1e-300]);
    expect(Array.from(t.numbers('flag'))).toEqual([1, 0, 1]);
    expect(Array.from(t.numbers('count'))).toEqual([7, -8, 9]);
  });

  it('says what it found when the file is not .npy', () => {
    expect(() => readNpy(new TextEncoder().encode('data_\nloop_\n'), 'x.cs')).toThrow(
      'x.cs (byte 0): not a NumPy .npy file (found "data_\\n", expected "\\x93NUMPY" (cryoSPARC .cs files are ' +
        'NumPy record arrays))',
    );
  });

  it('recognises cryoSPARC’s compressed format and says what to do', () => {
    const b = new Uint8Array(64);
    b.set(new TextEncoder().encode('\x94CSDAT'), 0);
    expect(() => readNpy(b, 'new.cs')).toThrow(
      /new\.cs \(byte 0\): this is cryoSPARC’s compressed dataset format.*Export the particles/,
    );
  });

  it('reports truncated data', () => {
    const b = bytesOf(fixture('cs', 'particles.cs'));
    expect(() => readNpy(b.subarray(0, b.length - 8), 'p.cs')).toThrow(/p\.cs \(byte \d+\): data is truncated/);
  });

  it('a unicode field holding a code point above U+10FFFF is a FormatError (found by the fuzz suite)', () => {
    const b = bytesOf(fixture('cs', 'bigendian_v2.npy')).slice();
    const t = readNpy(b);
    const dataStart = b.length - t.rows * t.recordBytes;
    new DataView(b.buffer).setUint32(dataStart + t.recordBytes + t.field('name').offset, 0x934e5550, false);
    expect(() => readNpy(b, 'u.npy').strings('name')).toThrow(
      /u\.npy \(name, byte \d+\): a character that is not Unicode in record 2/,
    );
  });

  it('a file cut inside its header is a FormatError, not a DataView RangeError', () => {
    const b = bytesOf(fixture('cs', 'particles.cs'));
    expect(() => readNpy(b.subarray(0, 9), 'p.cs')).toThrow('p.cs (byte 9): the file ends inside the NumPy header');
    expect(() => readNpy(b.subarray(0, 100), 'p.cs')).toThrow('p.cs (byte 10): the file ends inside the NumPy header');
  });

  it('a negative, fractional or huge shape is refused by name', () => {
    const b = bytesOf(fixture('cs', 'particles.cs'));
    const text = new TextDecoder('latin1').decode(b);
    for (const bad of ['-12', '1.5', '99999999999999999999']) {
      const mutated = text.replace("'shape': (12,", `'shape': (${bad},`.padEnd("'shape': (12,".length, ' '));
      const out = Uint8Array.from(mutated, (c) => c.charCodeAt(0));
      expect(() => readNpy(out, 'p.cs')).toThrow(FormatError);
    }
    const deep = text.replace("'shape': (12,", "'shape': " + '('.repeat(3));
    expect(() =>
      readNpy(
        Uint8Array.from(deep, (c) => c.charCodeAt(0)),
        'p.cs',
      ),
    ).toThrow(FormatError);
  });

  it('NaN in a numeric field is refused by csToStar with the field and record (convert wrote "nan")', () => {
    const b = bytesOf(fixture('cs', 'particles.cs')).slice();
    const t = readNpy(b, 'p.cs');
    const f = t.field('ctf/df_angle_rad');
    const dataStart = b.length - t.rows * t.recordBytes;
    new DataView(b.buffer).setFloat32(dataStart + 2 * t.recordBytes + f.offset, NaN, true);
    expect(() => csToStar(readNpy(b, 'p.cs'), 'p.cs')).toThrow(
      'p.cs (ctf/df_angle_rad, byte ' +
        (dataStart + 2 * t.recordBytes + f.offset) +
        '): value out of range in record 3',
    );
    new DataView(b.buffer).setFloat32(dataStart + 2 * t.recordBytes + f.offset, 0.5, true);
    new DataView(b.buffer).setFloat32(dataStart + t.field('ctf/df1_A').offset, 5e30, true);
    expect(() => csToStar(readNpy(b, 'p.cs'), 'p.cs')).toThrow(
      /ctf\/df1_A, byte \d+\): value out of range in record 1 \(found 4\.99\d*e\+30, expected a finite number from -1000000 Å/,
    );
  });
});

describe('csToStar (pyem csparc2star conventions)', () => {
  const t = readNpy(bytesOf(fixture('cs', 'particles.cs')), 'particles.cs');
  const { tables } = csToStar(t, 'particles.cs');
  const { particles } = readParticles(readStar(writeStar(tables)));

  it('optics groups from exposure groups, with voltage, Cs, amplitude contrast, pixel and box size', () => {
    expect(particles.optics).toHaveLength(2);
    expect(particles.optics[0]).toMatchObject({ voltageKv: 300, csMm: 2.700000047683716, imageSize: 256 });
    expect(particles.optics[0]!.imagePixelSizeA).toBeCloseTo(1.06, 6);
    expect(Array.from(particles.opticsIndex, (i) => i + 1)).toEqual(expected.map((e) => e.opticsGroup));
  });

  it('image names, defocus (Å) and astigmatism angle (degrees)', () => {
    expect(particles.imageName).toEqual(expected.map((e) => e.imageName));
    expected.forEach((e, i) => {
      expect(particles.defocusUA![i]).toBeCloseTo(e.defocusUA, 2);
      expect(particles.defocusAngleDeg![i]).toBeCloseTo(e.defocusAngleDeg, 4);
      expect(particles.originXA![i]).toBeCloseTo(e.originXA, 4);
    });
  });

  it('poses: Euler angles and viewing direction match an independent numpy computation', () => {
    const m = mat3();
    expected.forEach((e, i) => {
      expect(particles.angleTiltDeg![i]).toBeCloseTo(e.angleTiltDeg, 3);
      const rad = Math.PI / 180;
      eulerToMatrix(
        m,
        particles.angleRotDeg![i]! * rad,
        particles.angleTiltDeg![i]! * rad,
        particles.anglePsiDeg![i]! * rad,
      );
      // The viewing direction is the third row of RELION's matrix.
      expect(m[6]).toBeCloseTo(e.viewDirection[0], 5);
      expect(m[7]).toBeCloseTo(e.viewDirection[1], 5);
      expect(m[8]).toBeCloseTo(e.viewDirection[2], 5);
    });
  });

  it('the transposed reading of the rotation vector gives different directions (so the convention matters)', () => {
    const m = mat3();
    const differ = expected.filter((e, i) => {
      const rad = Math.PI / 180;
      eulerToMatrix(
        m,
        particles.angleRotDeg![i]! * rad,
        particles.angleTiltDeg![i]! * rad,
        particles.anglePsiDeg![i]! * rad,
      );
      // Third column = third row of the transpose.
      return Math.hypot(m[2]! - e.viewDirection[0], m[5]! - e.viewDirection[1], m[8]! - e.viewDirection[2]) > 0.1;
    });
    expect(differ.length).toBeGreaterThan(8);
  });

  it('coordinates from fractions of the micrograph shape read as (y, x)', () => {
    const coords = readStar(writeStar(tables)).blocks[1]!.loop!.numbers('rlnCoordinateX');
    expect(Array.from(coords)).toEqual(expected.map((e) => e.coordinateX));
  });
});
