import { describe, expect, it } from 'vitest';
import { bytesOf, fixture, HAS_SHARED, shared } from '../../../../test/paths.js';
import { FormatError } from '../../errors.js';
import { ctfFromStar } from '../ctf-star.js';
import { readMtf } from '../mtf.js';
import { readParticles } from './particles.js';
import { readStar } from './read.js';
import { documentToTables, writeStar } from './write.js';

const pub = (name: string): Uint8Array => bytesOf(shared('data/public/starfile', name));

const own = (name: string): Uint8Array => bytesOf(fixture('star', name));

/** The edge cases every STAR file set is checked for: one set of checks, two sets of files. */
const edgeCases = {
  pairs(bytes: Uint8Array): void {
    const b = readStar(bytes).blocks[0]!;
    expect(b.name).toBe('');
    expect(b.loop).toBeNull();
    const expected = {
      no_quote_string: 'noquote',
      quote_string: 'quote string',
      whitespace_string: ' ',
      empty_string: '',
    };
    expect(Object.fromEntries(b.pairs)).toEqual(expected);
  },
  quotedLoop(bytes: Uint8Array): void {
    const loop = readStar(bytes).blocks[0]!.loop!;
    expect(loop.rows).toBe(2);
    expect(loop.strings('quote_string')).toEqual(['quote string', 'quote string']);
    expect(loop.strings('whitespace_string')).toEqual([' ', ' ']);
    expect(loop.strings('empty_string')).toEqual(['', '']);
    expect(loop.column('number_and_string')).toEqual(['4.0', 'noquote']);
    expect(Array.from(loop.numbers('number'))).toEqual([6, 7]);
  },
  emptyLoop(bytes: Uint8Array): void {
    const loop = readStar(bytes).blocks[0]!.loop!;
    expect(loop.columns).toEqual(['rlnCoordinateX']);
    expect(loop.rows).toBe(0);
  },
  /** The second block holds one row, the last line may lack its newline. */
  oneRowBlock(bytes: Uint8Array): void {
    const doc = readStar(bytes);
    expect(doc.blocks.slice(0, 2).map((b) => b.name)).toEqual(['block_1', 'block_2']);
    expect(doc.blocks[1]!.loop!.rows).toBe(1);
    expect(doc.blocks[1]!.loop!.numbers('rlnCoordinateZ')[0]).toBe(-51.5227);
  },
};

// Hand-written edge cases (fixtures/star, see fixtures/README.md); the public files repeat them with ../shared.
describe('readStar edge cases (fixtures/star)', () => {
  it('key–value block with quoted, whitespace and empty strings', () => {
    for (const file of ['pairs_single_quote.star', 'pairs_double_quote.star']) edgeCases.pairs(own(file));
  });

  it('loop with quoted values in both quote styles', () => edgeCases.quotedLoop(own('loop_quoted.star')));

  it('empty loop', () => edgeCases.emptyLoop(own('empty_loop.star')));

  it('single-row blocks in the middle and at the end, and a last line without newline', () => {
    for (const file of ['single_row_end.star', 'single_row_middle.star']) edgeCases.oneRowBlock(own(file));
    expect(readStar(own('single_row_middle.star')).blocks[2]!.pairs.get('rlnSomething')).toBe('1');
  });

  it('RELION 3.1 postprocess.star (fixtures/relion/box96): general pairs and the FSC table', () => {
    const doc = readStar(bytesOf(fixture('relion', 'box96', 'postprocess.star')));
    expect(Number(doc.blocks.find((b) => b.name === 'general')!.pairs.get('rlnFinalResolution'))).toBe(3.565714);
    const fsc = doc.blocks.find((b) => b.name === 'fsc')!.loop!;
    expect(fsc.numbers('rlnSpectralIndex')[0]).toBe(0);
    expect(fsc.columns).toContain('rlnCorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps');
  });
});

describe('files RELION writes that bend the format', () => {
  it('a job.star with a TAB inside a value (RELION 3.1): one value, as RELION reads it back', () => {
    const doc = readStar(own('job_tab.star'), { source: 'job.star' });
    const loop = doc.blocks.find((b) => b.name === 'joboptions_full_definition')!.loop!;
    expect(loop.rows).toBe(3);
    expect(loop.strings('rlnJobOptionGuiLabel')[2]).toBe('Files__(*.star)_____Image__stacks__(*.mrcs)');
    expect(loop.strings('rlnJobOptionVariable')).toEqual(['fn_img', 'fn_cont', 'other']);
  });

  it('relion_locres_fscs.star: the "kk= … local resolution= …" lines between blocks are passed over', () => {
    const doc = readStar(own('locres_fscs.star'));
    expect(doc.blocks.map((b) => b.name)).toEqual(['fsc_-0100_00000_00000', 'fsc_00000_00000_00000']);
    expect(doc.blocks.map((b) => b.loop!.rows)).toEqual([2, 2]);
    expect(doc.blocks[1]!.loop!.numbers('rlnFourierShellCorrelationCorrected')[1]).toBe(0.97);
  });

  it('a real row count mismatch is still an error that names the line', () => {
    expect(() => readStar('data_x\nloop_\n_a\n_b\n1 2\n3 4 5\n', { source: 'bad.star' })).toThrow(
      /bad\.star \(line 6, data_x\): wrong number of values in a loop row/,
    );
  });
});

describe.skipIf(!HAS_SHARED)('readStar on the public starfile test files (../shared)', () => {
  it('the same edge cases in the starfile project’s files', () => {
    for (const file of ['basic_single_quote.star', 'basic_double_quote.star']) edgeCases.pairs(pub(file));
    edgeCases.quotedLoop(pub('loop_single_quote.star'));
    edgeCases.emptyLoop(pub('empty_loop.star'));
    for (const file of ['single_line_middle_of_multiblock.star', 'single_line_end_of_multiblock.star']) {
      edgeCases.oneRowBlock(pub(file));
    }
    expect(readStar(pub('two_single_line_loop_blocks.star')).blocks[1]!.loop!.strings('col3')).toEqual(['C']);
  });

  it('RELION 3.0.8 postprocess.star: general pairs and the FSC table', () => {
    const doc = readStar(pub('postprocess.star'));
    const general = doc.blocks.find((b) => b.name === 'general')!;
    expect(Number(general.pairs.get('rlnFinalResolution'))).toBe(16.363636);
    const fsc = doc.blocks.find((b) => b.name === 'fsc')!.loop!;
    expect(fsc.columns).toHaveLength(7);
    expect(fsc.numbers('rlnFourierShellCorrelationUnmaskedMaps')[5]).toBe(0.970256);
  });

  it('reads the other public files without error', () => {
    for (const f of [
      'default_pipeline.star',
      'one_loop.star',
      'two_basic_blocks.star',
      'rln3.1_data_style.star',
      'relion_tutorial/run_it025_optimiser_3D.star',
      'relion_tutorial/run_it025_sampling_3D.star',
    ]) {
      expect(readStar(pub(f), { source: f }).blocks.length).toBeGreaterThan(0);
    }
  });
});

describe('particles', () => {
  it.skipIf(!HAS_SHARED)('RELION 3.1: data_optics joined on rlnOpticsGroup', () => {
    const doc = readStar(bytesOf(shared('data/relion-1tii-128/particles_clustered.star')));
    const { particles } = readParticles(doc);
    expect(particles.count).toBe(2000);
    expect(particles.convention).toBe('relion-3.1');
    expect(particles.optics).toHaveLength(1);
    expect(particles.optics[0]).toMatchObject({
      voltageKv: 300,
      csMm: 2.7,
      amplitudeContrast: 0.1,
      imagePixelSizeA: 2.2,
      imageSize: 64,
    });
    expect(particles.angleTiltDeg).toHaveLength(2000);
    expect(particles.originXA).not.toBeNull();
  });

  it.skipIf(!HAS_SHARED)('RELION 3.1 file from another project (cryoDRGN tests)', () => {
    const { particles } = readParticles(readStar(bytesOf(shared('data/public/relion31.star'))));
    expect(particles.optics[0]!.imagePixelSizeA).toBe(2.806);
    expect(particles.optics[0]!.csMm).toBe(0.01);
    expect(particles.defocusUA!.length).toBe(particles.count);
  });

  it('RELION 3.0: per-particle optics, pixel size from detector pixel and magnification, origins in pixels', () => {
    const text =
      `data_images\nloop_\n_rlnImageName #1\n_rlnVoltage #2\n_rlnSphericalAberration #3\n_rlnAmplitudeContrast ` +
      `#4\n_rlnDetectorPixelSize #5\n_rlnMagnification #6\n_rlnOriginX #7\n_rlnOriginY #8\n_rlnAngleTilt #9\n` +
      `1@a.mrcs 300 2.7 0.1 5.0 50000 2 -1 10\n2@a.mrcs 300 2.7 0.1 5.0 50000 0 4 20\n3@b.mrcs 200 2.7 0.1 5.0 ` +
      `50000 1 1 30\n`;
    const { particles } = readParticles(readStar(text));
    expect(particles.convention).toBe('relion-3.0');
    expect(particles.optics.map((o) => [o.voltageKv, o.imagePixelSizeA])).toEqual([
      [300, 1],
      [200, 1],
    ]);
    expect(Array.from(particles.opticsIndex)).toEqual([0, 0, 1]);
    expect(Array.from(particles.originXA!)).toEqual([2, 0, 1]);
  });

  it('a particle pointing at an undefined optics group is an error', () => {
    const text =
      `data_optics\nloop_\n_rlnOpticsGroup\n_rlnVoltage\n1 ` +
      `300\n\ndata_particles\nloop_\n_rlnOpticsGroup\n_rlnAngleTilt\n1 10\n3 20\n`;
    expect(() => readParticles(readStar(text, { source: 'p.star' }))).toThrow(
      'p.star (_rlnOpticsGroup): particle refers to an optics group that data_optics does not define (found 3, ' +
        'expected one of 1)',
    );
  });
});

describe('errors name the line', () => {
  it('wrong number of values', () => {
    const text = 'data_x\nloop_\n_a #1\n_b #2\n1 2\n3\n';
    expect(() => readStar(text, { source: 'x.star' })).toThrow(
      'x.star (line 6, data_x): wrong number of values in a loop row (found 1 values, expected 2 (one per ' +
        'column)). The file may be truncated or a value may contain an unquoted space',
    );
  });
  it('value that is not a number', () => {
    const loop = readStar('data_x\nloop_\n_rlnDefocusU\n12000\nabc\n', { source: 'x.star' }).blocks[0]!.loop!;
    expect(() => loop.numbers('rlnDefocusU')).toThrow(
      'x.star (line 5, _rlnDefocusU): value is not a number (found "abc", expected a number)',
    );
  });
  it('missing column', () => {
    const loop = readStar('data_particles\nloop_\n_rlnAngleRot\n1\n', { source: 'x.star' }).blocks[0]!.loop!;
    expect(() => loop.numbers('rlnAngleTilt')).toThrow(
      'x.star (data_particles): column is missing (found columns _rlnAngleRot, expected _rlnAngleTilt)',
    );
  });
  it('text before any block', () => {
    expect(() => readStar('hello\n', { source: 'x.star' })).toThrow(FormatError);
  });
  it('a control byte in a loop row (NULs of a crashed write) is an error naming line and column, not a hang', () => {
    for (const c of [0x00, 0x01, 0x0b, 0x0c, 0x1f]) {
      const text = `data_x\nloop_\n_a #1\n_b #2\n1 2\n3${String.fromCharCode(c)} 4\n`;
      expect(() => readStar(text, { source: 'x.star' })).toThrow(
        `x.star (line 6): a control byte 0x${c.toString(16).padStart(2, '0')} at column 2`,
      );
    }
    // at the start of a row, inside quotes, and in a key-value line
    expect(() => readStar('data_x\nloop_\n_a #1\n\u0000\n')).toThrow('(line 4): a control byte 0x00 at column 1');
    expect(() => readStar("data_x\nloop_\n_a #1\n'a\u0000b'\n")).toThrow('(line 4): a control byte 0x00');
    expect(() => readStar('data_x\n_a 1\u0000\n')).toThrow('(line 2): a control byte 0x00');
    // tabs and CRs remain whitespace
    expect(readStar('data_x\r\nloop_\r\n_a #1\r\n_b #2\r\n1\t2\r\n').blocks[0]!.loop!.numbers('b')[0]).toBe(2);
  });
  it('a physical range refuses NaN, ±inf and out-of-range values, naming line and column', () => {
    const loop = readStar('data_x\nloop_\n_rlnDefocusU\n12000\nnan\n', { source: 'x.star' }).blocks[0]!.loop!;
    const range = { min: 0, max: 1e6, unit: 'Å' };
    expect(() => loop.numbers('rlnDefocusU', range)).toThrow(
      'x.star (line 5, _rlnDefocusU): value out of range (found NaN, expected a finite number from 0 Å to 1000000 Å)',
    );
    const big = readStar('data_x\nloop_\n_v\n5e303\n').blocks[0]!.loop!;
    expect(() => big.numbers('v', range)).toThrow('found 5e+303');
    expect(Array.from(readStar('data_x\nloop_\n_v\n3\n').blocks[0]!.loop!.numbers('v', range))).toEqual([3]);
  });
  it('micrographs_ctf.star: NaN, inf or 5e303 defocus is refused naming the line (was "median NaN µm")', () => {
    const head = 'data_micrographs\nloop_\n_rlnMicrographName\n_rlnDefocusU\n_rlnDefocusV\n_rlnDefocusAngle\n';
    const tail = '_rlnCtfMaxResolution\nm1.mrc 10000 9000 10 4\n';
    for (const [bad, found] of [
      ['NaN', 'NaN'],
      ['inf', 'Infinity'],
      ['-inf', '-Infinity'],
      ['5e303', '5e+303'],
    ])
      expect(() => ctfFromStar(readStar(`${head}${tail}m2.mrc ${bad} 9000 10 4\n`, { source: 'c.star' }))).toThrow(
        `c.star (line 9, _rlnDefocusU): value out of range (found ${found}, expected a finite number from -1000000 Å`,
      );
    expect(ctfFromStar(readStar(`${head}${tail}`, { source: 'c.star' }))[0]!.defocusUA).toBe(10000);
  });
  it('an MTF with inf in a frequency or value is refused by name (found by npm run fuzz)', () => {
    const mtf = (f: string, v: string): string =>
      `data_\nloop_\n_rlnResolutionInversePixel\n_rlnMtfValue\n0 1\n0.25 0.8\n${f} ${v}\n`;
    expect(() => readMtf(readStar(mtf('inf', '0.5'), { source: 'm.star' }))).toThrow(
      'm.star (line 7, _rlnResolutionInversePixel): value out of range (found Infinity, expected a finite',
    );
    expect(() => readMtf(readStar(mtf('0.5', 'inf'), { source: 'm.star' }))).toThrow('(line 7, _rlnMtfValue)');
    expect(readMtf(readStar(mtf('0.5', '0.5'))).value[2]).toBe(0.5);
  });
  it('nan and inf are numbers', () => {
    const loop = readStar('data_\nloop_\n_v\nnan\ninf\n-inf\n1e-3\n').blocks[0]!.loop!;
    const v = loop.numbers('v');
    expect(Number.isNaN(v[0])).toBe(true);
    expect([v[1], v[2], v[3]]).toEqual([Infinity, -Infinity, 0.001]);
  });
});

describe('writeStar', () => {
  const roundTrip = (bytes: Uint8Array): void => {
    const a = readStar(bytes);
    const b = readStar(writeStar(documentToTables(a)));
    expect(b.blocks.map((x) => x.name)).toEqual(a.blocks.map((x) => x.name));
    a.blocks.forEach((blk, i) => {
      expect(Object.fromEntries(b.blocks[i]!.pairs)).toEqual(Object.fromEntries(blk.pairs));
      for (const c of blk.loop?.columns ?? []) expect(b.blocks[i]!.loop!.strings(c)).toEqual(blk.loop!.strings(c));
    });
  };

  it('round-trips every fixture value for value (quotes, empty strings, empty loops, RELION 3.1)', () => {
    for (const f of [
      'loop_quoted.star',
      'pairs_double_quote.star',
      'pairs_single_quote.star',
      'empty_loop.star',
      'single_row_middle.star',
    ])
      roundTrip(own(f));
    roundTrip(bytesOf(fixture('relion', 'box96', 'postprocess.star')));
  });

  it.skipIf(!HAS_SHARED)('round-trips every public file value for value (../shared)', () => {
    for (const f of [
      'loop_single_quote.star',
      'basic_double_quote.star',
      'postprocess.star',
      'empty_loop.star',
      'rln3.1_data_style.star',
    ]) {
      const a = readStar(pub(f));
      const b = readStar(writeStar(documentToTables(a)));
      expect(b.blocks.map((x) => x.name)).toEqual(a.blocks.map((x) => x.name));
      a.blocks.forEach((blk, i) => {
        expect(Object.fromEntries(b.blocks[i]!.pairs)).toEqual(Object.fromEntries(blk.pairs));
        for (const c of blk.loop?.columns ?? []) expect(b.blocks[i]!.loop!.strings(c)).toEqual(blk.loop!.strings(c));
      });
    }
  });

  it('writes numbers that read back to the same double', () => {
    const values = Float64Array.of(0.1, -1e-300, 12345.678901234567, 3);
    const back = readStar(
      writeStar([{ name: 't', loop: { columns: ['v'], values: [values] } }]),
    ).blocks[0]!.loop!.numbers('v');
    expect(Array.from(back)).toEqual(Array.from(values));
  });
});
