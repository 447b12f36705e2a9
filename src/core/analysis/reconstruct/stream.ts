import { FormatError } from '../../errors.js';
import { CancelledError } from '../../util/progress.js';
import { imageRange, type StackLayout } from '../../io/mrc/stack.js';
import { PARAMS, packParticle, type ParticleBatch } from './batch.js';
import type { ParticleTable, ReconstructionPlan } from './particles.js';
import { RLN } from '../../io/star/labels.js';

/**
 * Where particle images come from: the CLI reads byte ranges of files, the browser slices File objects.
 * `resolve` gives the name under which a stack is read and how the STAR's path was resolved (for messages).
 */
export interface ImageSource {
  /** The stack's header, read once; null when the file cannot be found. */
  layout(stack: string): Promise<StackLayout | null>;
  /** Bytes [start, end) of a stack. */
  read(stack: string, start: number, end: number): Promise<Uint8Array>;
  /** Where the stack paths were looked for, for the error when one is missing. */
  describe(stack: string): string;
}

/**
 * Headers of every stack the particles use, checked against the table: box and image count (their pixel sizes go
 * to the one resolver, with the optics table's: planWithPixelSize).
 */
export async function checkStacks(
  plan: Pick<ParticleTable, 'count' | 'stack' | 'index' | 'source' | 'lineOf' | 'boxSize'>,
  source: ImageSource,
): Promise<Map<string, StackLayout>> {
  const layouts = new Map<string, StackLayout>();
  const firstUse = new Map<string, number>();
  for (let i = 0; i < plan.count; i++) if (!firstUse.has(plan.stack[i]!)) firstUse.set(plan.stack[i]!, i);
  for (const [stack, i] of firstUse) {
    const layout = await source.layout(stack);
    if (!layout)
      throw new FormatError(`particle image stack not found: ${stack}`, {
        source: plan.source,
        line: plan.lineOf(i),
        hint: source.describe(stack),
      });
    if (layout.nx !== layout.ny)
      throw new FormatError('particle images are not square', {
        source: plan.source,
        line: plan.lineOf(i),
        found: `${layout.nx}×${layout.ny} px in ${stack}`,
      });
    if (plan.boxSize && layout.nx !== plan.boxSize)
      throw new FormatError('stack box size disagrees with the optics table', {
        source: plan.source,
        line: plan.lineOf(i),
        found: `${layout.nx} px in ${stack}`,
        expected: `${plan.boxSize} px (${RLN.imageSize})`,
        hint: 'The STAR and the stacks come from different extractions; give the matching pair',
      });
    layouts.set(stack, layout);
  }
  const box = layouts.values().next().value!.nx;
  for (const [stack, l] of layouts)
    if (l.nx !== box)
      throw new FormatError('stacks of different box sizes', {
        source: plan.source,
        found: `${l.nx} px in ${stack}`,
        expected: `${box} px as the first stack`,
      });
  for (let i = 0; i < plan.count; i++) {
    const l = layouts.get(plan.stack[i]!)!;
    if (plan.index[i]! >= l.count)
      throw new FormatError(`image ${plan.index[i]! + 1} is past the end of ${plan.stack[i]}`, {
        source: plan.source,
        line: plan.lineOf(i),
        found: `${l.count} images in the stack`,
        hint: 'The STAR and the stacks come from different extractions; give the matching pair',
      });
  }
  return layouts;
}

export interface StreamOptions {
  /** Particles per batch (default 64). */
  batchSize?: number;
  /** Batches read ahead of the consumer (default 4): memory is bounded by batchSize × readAhead images. */
  readAhead?: number;
  signal?: AbortSignal;
}

/**
 * Streams the particles with target ≥ 0 in stack order as batches, reading each stack's images in
 * contiguous runs; at most `readAhead` batches are held at once, so memory does not grow with the data set.
 */
export async function streamBatches(
  plan: ReconstructionPlan,
  targets: Int32Array,
  layouts: Map<string, StackLayout>,
  source: ImageSource,
  consume: (batch: ParticleBatch) => Promise<void> | void,
  options: StreamOptions = {},
): Promise<void> {
  const size = options.batchSize ?? 64;
  const ahead = Math.max(1, options.readAhead ?? 4);
  const order = stackOrder(plan, targets);
  const pending: Promise<void>[] = [];
  const read = (s: number): Promise<ParticleBatch> | null => {
    if (s >= order.length) return null;
    const p = readBatch(plan, order.subarray(s, s + size), targets, layouts, source);
    // Awaited later: marked handled now, so a failed read is reported once, where it is awaited.
    p.catch(() => undefined);
    return p;
  };
  let reading = read(0);
  for (let s = size; reading; s += size) {
    const batch = await reading;
    if (options.signal?.aborted) throw new CancelledError();
    // The next read starts before this batch is consumed: reading and inserting overlap.
    reading = read(s);
    pending.push(Promise.resolve(consume(batch)));
    if (pending.length >= ahead) await pending.shift();
  }
  await Promise.all(pending);
}

/** Particles to insert, grouped by stack (first appearance) and sorted by image within each. */
function stackOrder(plan: ReconstructionPlan, targets: Int32Array): Int32Array {
  const rank = new Map<string, number>();
  const ids: number[] = [];
  for (let i = 0; i < plan.count; i++) {
    if (targets[i]! < 0) continue;
    if (!rank.has(plan.stack[i]!)) rank.set(plan.stack[i]!, rank.size);
    ids.push(i);
  }
  ids.sort((a, b) => rank.get(plan.stack[a]!)! - rank.get(plan.stack[b]!)! || plan.index[a]! - plan.index[b]!);
  return Int32Array.from(ids);
}

/** One batch: split where the stack changes, read in contiguous runs of images. */
async function readBatch(
  plan: ReconstructionPlan,
  ids: Int32Array,
  targets: Int32Array,
  layouts: Map<string, StackLayout>,
  source: ImageSource,
): Promise<ParticleBatch> {
  // A batch holds one stack: cut it where the stack changes (the rest joins the next read).
  const layout = layouts.get(plan.stack[ids[0]!]!)!;
  const bytes = new Uint8Array(ids.length * layout.imageBytes);
  const params = new Float64Array(ids.length * PARAMS);
  let k = 0;
  while (k < ids.length) {
    const stack = plan.stack[ids[k]!]!;
    const l = layouts.get(stack)!;
    if (l.imageBytes !== layout.imageBytes || l.mode !== layout.mode || l.littleEndian !== layout.littleEndian)
      throw new FormatError('stacks of different data modes in one reconstruction', {
        source: plan.source,
        found: `${stack} (mode ${l.mode})`,
        expected: `mode ${layout.mode} as the other stacks`,
        hint: 'Convert the stacks to one mode (float32) first',
      });
    let e = k + 1;
    while (e < ids.length && plan.stack[ids[e]!] === stack && plan.index[ids[e]!] === plan.index[ids[e - 1]!]! + 1) e++;
    const [start] = imageRange(l, plan.index[ids[k]!]!);
    const chunk = await source.read(stack, start, start + (e - k) * l.imageBytes);
    if (chunk.length !== (e - k) * l.imageBytes)
      throw new FormatError('stack ended before the images the particles name', {
        source: plan.source,
        line: plan.lineOf(ids[k]!),
        found: `${chunk.length} bytes from byte ${start} of ${stack}`,
      });
    bytes.set(chunk, k * l.imageBytes);
    for (let j = k; j < e; j++) packParticle(plan, ids[j]!, targets[ids[j]!]!, params, j);
    k = e;
  }
  return {
    layout: {
      nx: layout.nx,
      ny: layout.ny,
      mode: layout.mode,
      littleEndian: layout.littleEndian,
      imageBytes: layout.imageBytes,
    },
    pixelSizeA: plan.pixelSizeA,
    count: ids.length,
    bytes,
    params,
  };
}
