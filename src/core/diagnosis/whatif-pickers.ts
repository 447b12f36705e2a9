import { InputError } from '../errors.js';
import { micrographKey, type MicrographPicks } from '../io/processing/picks.js';
import { RLN } from '../io/star/labels.js';
import type { StarLoop } from '../io/star/loop.js';
import type { ParticleGroup } from './whatif-groups.js';

/** One picker's coordinates, merged per micrograph. */
export interface PickerSet {
  name: string;
  picks: MicrographPicks[];
}

/**
 * "One picker's picks" as a what-if group: a particle belongs to a picker when one of its picks lies within
 * `radiusPx` (micrograph pixels) of the particle's extraction coordinates on the same micrograph. With two or more
 * pickers, the groups are the particles only one of them found (what each adds); with one, the particles it did not
 * pick (e.g. manual or template picks merged in). Both test picking bias by leaving those particles out.
 */
export function pickerGroups(
  loop: StarLoop,
  pickers: PickerSet[],
  radiusPx: number,
): { groups: ParticleGroup[]; matchedFraction: number } {
  for (const l of [RLN.micrographName, RLN.coordinateX, RLN.coordinateY])
    if (!loop.has(l))
      throw new InputError(`the particles have no _${l}: their picks cannot be matched to the pickers' coordinates`);
  const mics = loop.strings(RLN.micrographName).map(micrographKey);
  const x = loop.numbers(RLN.coordinateX);
  const y = loop.numbers(RLN.coordinateY);
  const found = pickers.map((p) => matched(mics, x, y, p.picks, radiusPx));
  let any = 0;
  for (let i = 0; i < mics.length; i++) if (found.some((f) => f[i])) any++;
  return { groups: groupsOf(pickers, found, radiusPx), matchedFraction: any / Math.max(1, mics.length) };
}

function groupsOf(pickers: PickerSet[], found: Uint8Array[], radiusPx: number): ParticleGroup[] {
  const basis = (p: PickerSet): string =>
    `${p.picks.reduce((a, m) => a + m.xPx.length, 0)} picks by ${p.name} on ${p.picks.length} micrographs, ` +
    `matched within ${radiusPx.toFixed(0)} px of the particles' coordinates`;
  if (pickers.length === 1) {
    const p = pickers[0]!;
    return [
      make(
        `picker-none`,
        `particles ${p.name} did not pick`,
        `no pick by ${p.name} within ${radiusPx.toFixed(0)} px`,
        Uint8Array.from(found[0]!, (f) => 1 - f),
        basis(p),
      ),
    ];
  }
  return pickers.map((p, k) => {
    const only = Uint8Array.from(found[k]!, (f, i) => (f && found.every((o, j) => j === k || !o[i]) ? 1 : 0));
    return make(
      `picker-only-${k + 1}`,
      `picks only ${p.name} found`,
      `a pick by ${p.name} and none by ${pickers
        .filter((_, j) => j !== k)
        .map((o) => o.name)
        .join(' or ')} within ${radiusPx.toFixed(0)} px`,
      only,
      basis(p),
    );
  });
}

/** 1 where a pick of the set lies within r of the particle on its micrograph. */
function matched(mics: string[], x: Float64Array, y: Float64Array, picks: MicrographPicks[], r: number): Uint8Array {
  const byMic = new Map(picks.map((p) => [p.micrograph, p]));
  const r2 = r * r;
  return Uint8Array.from(mics, (m, i) => {
    const p = byMic.get(m);
    if (!p) return 0;
    for (let k = 0; k < p.xPx.length; k++) {
      const dx = p.xPx[k]! - x[i]!;
      const dy = p.yPx[k]! - y[i]!;
      if (dx * dx + dy * dy <= r2) return 1;
    }
    return 0;
  });
}

function make(id: string, name: string, rule: string, members: Uint8Array, basis: string): ParticleGroup {
  let count = 0;
  for (const m of members) count += m;
  return { id, name, rule, members, count, cause: '6-picking', rulesOut: false, basis };
}
