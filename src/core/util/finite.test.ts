import { describe, expect, it } from 'vitest';
import { jsonText } from '../app/job.js';
import { writeStar } from '../io/star/write.js';
import { checkText, nonFinitePath } from './finite.js';

/** Nothing non-finite leaves the program (issue 34): each writer refuses it with an internal check naming the field. */
describe('writers refuse non-finite numbers', () => {
  it('nonFinitePath names the first NaN or Infinity in a nested value, typed arrays included', () => {
    expect(nonFinitePath({ a: 1, b: [null, { c: 2 }] })).toBeNull();
    expect(nonFinitePath({ a: 1, shells: [{ fsc: 0.5 }, { fsc: NaN }] })).toBe('shells[1].fsc');
    expect(nonFinitePath({ curve: Float32Array.of(1, Infinity) })).toBe('curve[1]');
  });

  it('JSON: absent is null; NaN is an internal error naming the field (it was silently null)', () => {
    expect(jsonText({ resolutionA: null })).toBe('{\n "resolutionA": null\n}');
    expect(() => jsonText({ shells: [{ resolutionA: Infinity }] })).toThrow(
      'internal check: JSON would hold a non-finite number at shells[0].resolutionA',
    );
  });

  it('STAR: a NaN in a loop or a pair is an internal error naming the column and row (convert wrote "nan")', () => {
    expect(() => writeStar([{ name: 'x', loop: { columns: ['rlnDefocusU'], values: [[1, NaN]] } }])).toThrow(
      'internal check: STAR writer would write NaN in _rlnDefocusU row 2',
    );
    expect(() => writeStar([{ name: 'x', pairs: [['rlnFinalResolution', Infinity]] }])).toThrow(
      'would write Infinity in _rlnFinalResolution',
    );
  });

  it('text for people: NaN, Infinity, undefined where a number belongs are caught; quoted values are not', () => {
    expect(() => checkText('the terminal', 'median NaN µm')).toThrow('the terminal would write NaN');
    expect(() => checkText('the terminal', 'the first crossing (undefined Å)')).toThrow('would write undefined');
    expect(() => checkText('report.html', 'needs Infinity× the particles')).toThrow('would write Infinity');
    expect(checkText('x', 'value out of range (found NaN, expected …); 3 values are NaN or infinite')).toMatch(
      /^value/,
    );
    expect(checkText('x', 'found &quot;nan&quot; and Nanometre and InfinityWar')).toMatch(/^found/);
  });
});
