import { FormatError } from '../errors.js';
import type { StarDocument } from './star/read.js';
import { RLN } from './star/labels.js';

/**
 * A detector MTF as RELION reads it: a STAR loop with rlnResolutionInversePixel (spatial frequency,
 * 1/pixel, 0 … 0.5) and rlnMtfValue.
 */
export function readMtf(doc: StarDocument): { frequencyInvPx: Float64Array; value: Float64Array } {
  const block = doc.blocks.find((b) => b.loop && b.loop.has(RLN.resolutionInversePixel) && b.loop.has(RLN.mtfValue));
  if (!block)
    throw new FormatError('no MTF table', {
      source: doc.source,
      expected: `a loop with _${RLN.resolutionInversePixel} and _${RLN.mtfValue} (as the MTF files RELION ships)`,
    });
  // Frequencies in 1/pixel (Nyquist is 0.5); an MTF is a fraction (a little above 1 at most, never inf or NaN).
  const frequencyInvPx = block.loop!.numbers(RLN.resolutionInversePixel, { min: 0, max: 1, unit: '1/px' });
  const value = block.loop!.numbers(RLN.mtfValue, { min: 0, max: 2 });
  for (let i = 0; i < value!.length; i++) {
    if (!(value![i]! > 0))
      throw new FormatError('MTF value must be positive', {
        source: doc.source,
        field: `_${RLN.mtfValue}`,
        found: String(value![i]),
        expected: '> 0 (the map is divided by it)',
      });
    if (i > 0 && !(frequencyInvPx![i]! > frequencyInvPx![i - 1]!))
      throw new FormatError('MTF frequencies must increase', {
        source: doc.source,
        field: `_${RLN.resolutionInversePixel}`,
        found: `${frequencyInvPx![i - 1]} then ${frequencyInvPx![i]}`,
        expected: 'ascending values',
      });
  }
  return { frequencyInvPx: frequencyInvPx!, value: value! };
}
