import { FormatError } from '../errors.js';
import type { StarDocument } from './star/read.js';

/**
 * A detector MTF as RELION reads it: a STAR loop with rlnResolutionInversePixel (spatial frequency,
 * 1/pixel, 0 … 0.5) and rlnMtfValue.
 */
export function readMtf(doc: StarDocument): { frequencyInvPx: Float64Array; value: Float64Array } {
  const block = doc.blocks.find((b) => b.loop && b.loop.has('rlnResolutionInversePixel') && b.loop.has('rlnMtfValue'));
  if (!block)
    throw new FormatError('no MTF table', {
      source: doc.source,
      expected: 'a loop with _rlnResolutionInversePixel and _rlnMtfValue (as the MTF files RELION ships)',
    });
  // Frequencies in 1/pixel (Nyquist is 0.5); an MTF is a fraction (a little above 1 at most, never inf or NaN).
  const frequencyInvPx = block.loop!.numbers('rlnResolutionInversePixel', { min: 0, max: 1, unit: '1/px' });
  const value = block.loop!.numbers('rlnMtfValue', { min: 0, max: 2 });
  for (let i = 0; i < value!.length; i++) {
    if (!(value![i]! > 0))
      throw new FormatError('MTF value must be positive', {
        source: doc.source,
        field: '_rlnMtfValue',
        found: String(value![i]),
        expected: '> 0 (the map is divided by it)',
      });
    if (i > 0 && !(frequencyInvPx![i]! > frequencyInvPx![i - 1]!))
      throw new FormatError('MTF frequencies must increase', {
        source: doc.source,
        field: '_rlnResolutionInversePixel',
        found: `${frequencyInvPx![i - 1]} then ${frequencyInvPx![i]}`,
        expected: 'ascending values',
      });
  }
  return { frequencyInvPx: frequencyInvPx!, value: value! };
}
