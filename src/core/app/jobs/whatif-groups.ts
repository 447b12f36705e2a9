import {
  baseName,
  ctfGroups,
  metadataGroups,
  motionGroups,
  parseRule,
  ruleGroup,
  type ParticleGroup,
} from '../../diagnosis/whatif-groups.js';
import { FormatError, InputError, type Warning } from '../../errors.js';
import { RLN } from '../../io/star/labels.js';
import { readStar } from '../../io/star/read.js';
import type { NamedBytes } from '../job.js';
import type { ParticleMaps } from './particle-maps.js';
import { MATCH_RADIUS_OF_DIAMETER } from '../../analysis/processing/picking.js';
import { pickerGroups } from '../../diagnosis/whatif-pickers.js';
import { pickerSets } from '../report/processing-files.js';
import type { WhatifJobInput } from './whatif.js';

/**
 * The groups a what-if run rebuilds without, gathered from the job's inputs: the user's rules, the particle STAR's
 * own columns, and the per-micrograph and classification files (the rules themselves: diagnosis/whatif-groups.ts).
 */
/** Every group: the user's rules, the particles' own columns, --classes, --ctf, --motion; empty ones dropped. */
export function gatherGroups(
  maps: ParticleMaps,
  inp: WhatifJobInput,
  rules: ReturnType<typeof parseRule>[],
  fullA: number,
  warnings: Warning[],
): ParticleGroup[] {
  const loop = maps.loop;
  const groups: ParticleGroup[] = rules.map((r, i) => ruleGroup(loop, r, i));
  if (inp.metadataGroups !== false) groups.push(...metadataGroups(loop));
  const mics = loop.has(RLN.micrographName) ? loop.strings(RLN.micrographName) : null;
  const perMicrograph = (file: NamedBytes, make: (loop: ReturnType<typeof tableOf>) => ParticleGroup[]): void => {
    if (!mics)
      throw new InputError(`${file.name}: the particles have no _${RLN.micrographName} to match its micrographs with`);
    groups.push(...make(tableOf(file)));
  };
  if (inp.ctf) perMicrograph(inp.ctf, (t) => ctfGroups(mics!, t, inp.ctf!.name, fullA));
  if (inp.motion) perMicrograph(inp.motion, (t) => motionGroups(mics!, t, inp.motion!.name));
  if (inp.classes) groups.push(...classGroups(maps, inp.classes));
  if (inp.picks?.length) groups.push(...pickerGroupsOf(maps, inp, warnings));
  const seen = new Set<string>();
  return groups.filter((g) => {
    if (g.count === 0) {
      warnings.push({
        code: 'whatif-empty-group',
        message: `${g.name}: no particle matches (${g.basis}); nothing to rebuild`,
      });
      return false;
    }
    // Two findings that flag the same particles are one measurement.
    const key = Array.from(g.members).join('');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function tableOf(file: NamedBytes) {
  const doc = readStar(file.bytes, { source: file.name });
  const block = doc.blocks.find((b) => b.loop && b.loop.has(RLN.micrographName) && b.name !== 'optics');
  if (!block?.loop) throw new InputError(`${file.name}: no table of micrographs (_${RLN.micrographName})`);
  return block.loop;
}

/** One group per class of a classification's particle STAR, joined to these particles by image name. */
function classGroups(maps: ParticleMaps, file: NamedBytes): ParticleGroup[] {
  const doc = readStar(file.bytes, { source: file.name });
  const block = doc.blocks.find((b) => b.loop?.has(RLN.classNumber) && b.loop.has(RLN.imageName));
  if (!block?.loop)
    throw new InputError(
      `${file.name}: expected a particle STAR with _${RLN.imageName} and _${RLN.classNumber} (Class3D run_data.star)`,
    );
  const names = block.loop.strings(RLN.imageName);
  const cls = block.loop.numbers(RLN.classNumber);
  const byImage = new Map(names.map((n, i) => [imageKey(n), cls[i]!]));
  const mine = maps.loop.strings(RLN.imageName).map((n) => byImage.get(imageKey(n)) ?? 0);
  const ids = [...new Set(mine.filter((c) => c > 0))].sort((a, b) => a - b);
  return ids.map((id) => {
    const members = Uint8Array.from(mine, (c) => (c === id ? 1 : 0));
    return {
      id: `class-${id}`,
      name: `class ${id} of ${file.name}`,
      rule: `${RLN.classNumber} == ${id} in ${file.name}`,
      members,
      count: members.reduce((a, b) => a + b, 0),
      cause: '1a-compositional' as const,
      rulesOut: false,
      basis:
        `${ids.length} classes; ${mine.filter((c) => c > 0).length} of ${mine.length} particles ` +
        'matched by image name',
    };
  });
}

function imageKey(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : `${Number(name.slice(0, at))}@${baseName(name.slice(at + 1))}`;
}

/**
 * The pickers' groups; picks that cannot be matched (particles without coordinates) or barely match (another
 * binning or coordinate frame) are said, not fatal: picks are one group source among several.
 */
function pickerGroupsOf(maps: ParticleMaps, inp: WhatifJobInput, warnings: Warning[]): ParticleGroup[] {
  try {
    const r = pickerGroups(maps.loop, pickerSets(inp.picks!), pickRadiusPx(maps, inp, warnings));
    if (r.matchedFraction < 0.5)
      warnings.push({
        code: 'whatif-picks-unmatched',
        message:
          `only ${(100 * r.matchedFraction).toFixed(0)} % of the particles lie within the match radius of any pick: ` +
          'the picks may be on another binning or coordinate frame (give --micrograph-angpix), or the particles ' +
          'came from other picks; the picker groups rest on the matched ones only',
      });
    return r.groups;
  } catch (e) {
    if (!(e instanceof InputError || e instanceof FormatError)) throw e;
    warnings.push({ code: 'whatif-picks-skipped', message: `${e.message.replace(/\.$/, '')}; no picker groups` });
    return [];
  }
}

/**
 * The radius picks are matched within, micrograph pixels: a quarter of the particle's diameter (as the picking
 * comparison); without the diameter, the box taken as 1.5 diameters; without the micrograph's pixel, the images'.
 */
function pickRadiusPx(maps: ParticleMaps, inp: WhatifJobInput, warnings: Warning[]): number {
  const micPx = inp.micrographPixelSizeA ?? maps.pixelSizeA;
  if (inp.particleDiameterA) return (MATCH_RADIUS_OF_DIAMETER * inp.particleDiameterA) / micPx;
  warnings.push({
    code: 'whatif-pick-radius',
    message:
      'picks matched to particles within a quarter of a diameter taken as the box ÷ 1.5 (give ' +
      '--particle-diameter-a for the particle’s own)',
  });
  return (MATCH_RADIUS_OF_DIAMETER * (maps.box * maps.pixelSizeA)) / 1.5 / micPx;
}
