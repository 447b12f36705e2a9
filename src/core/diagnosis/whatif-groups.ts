import { InputError } from '../errors.js';
import type { CauseId } from './causes.js';
import { CTF_LIMITS } from './thresholds.js';
import type { StarLoop } from '../io/star/loop.js';
import { RLN } from '../io/star/labels.js';

/**
 * Groups of particles a what-if reconstruction leaves out: what a finding flags (micrographs with an unreliable
 * CTF fit, high defocus, astigmatism, motion outliers, one optics group, …) or a rule the user writes. Each says
 * which cause it tests and what it rests on.
 */
export interface ParticleGroup {
  id: string;
  name: string;
  /** The rule in words (and, for --exclude, as typed). */
  rule: string;
  /** 1 for the particles in the group. */
  members: Uint8Array;
  count: number;
  cause: CauseId | null;
  /**
   * Whether the group is the very population a finding flags (micrographs with unreliable fits, thick ice, motion
   * outliers), so that a map no better without it rules the cause out for those particles. Groups that only share a
   * cause (an optics group, a class, one picker's picks, high defocus) can raise a cause when harmful, never rule it
   * out: what they would show acts on every group alike, or on particles that are not there.
   */
  rulesOut: boolean;
  /** What the membership rests on: "12 of 40 micrographs (figure of merit < 0.1 in micrographs_ctf.star)". */
  basis: string;
}

function group(
  id: string,
  name: string,
  rule: string,
  members: Uint8Array,
  cause: CauseId | null,
  basis: string,
  rulesOut = false,
): ParticleGroup {
  let count = 0;
  for (const m of members) count += m;
  return { id, name, rule, members, count, cause, rulesOut, basis };
}

// ---- user rules: --exclude 'rlnDefocusU>25000' ----

export interface Rule {
  label: string;
  op: '>' | '>=' | '<' | '<=' | '==' | '!=';
  value: number | string;
  text: string;
}

/** `rlnDefocusU>25000`, `DefocusU >= 2.5e4`, `rlnMicrographName==mic_012.mrc`, `rlnOpticsGroup!=2`. */
export function parseRule(text: string): Rule {
  const m = /^\s*_?([A-Za-z][A-Za-z0-9_]*)\s*(>=|<=|==|!=|>|<|=)\s*(.+?)\s*$/.exec(text);
  if (!m)
    throw new InputError(
      `--exclude '${text}': expected LABEL OP VALUE, e.g. '${RLN.defocusU}>25000' or '${RLN.opticsGroup}==2' ` +
        '(OP one of > >= < <= == !=)',
    );
  const label = m[1]!.startsWith('rln') ? m[1]! : `rln${m[1]}`;
  const op = (m[2] === '=' ? '==' : m[2]) as Rule['op'];
  const raw = m[3]!.replace(/^['"]|['"]$/g, '');
  const num = Number(raw);
  const value = raw !== '' && Number.isFinite(num) ? num : raw;
  if (typeof value === 'string' && op !== '==' && op !== '!=')
    throw new InputError(`--exclude '${text}': ${op} needs a number; compare text with == or !=`);
  return { label, op, value, text: text.trim() };
}

export function ruleGroup(loop: StarLoop, rule: Rule, index: number): ParticleGroup {
  if (!loop.has(rule.label))
    throw new InputError(
      `--exclude '${rule.text}': the particles have no column _${rule.label}; ` +
        `they have ${loop.columns.slice(0, 12).join(', ')}${loop.columns.length > 12 ? ', …' : ''}`,
    );
  const col = typeof rule.value === 'number' ? loop.numbers(rule.label) : loop.strings(rule.label);
  const members = new Uint8Array(loop.rows);
  for (let i = 0; i < loop.rows; i++) members[i] = compare(col[i]!, rule.op, rule.value) ? 1 : 0;
  return group(`rule-${index + 1}`, rule.text, rule.text, members, null, `particles with ${rule.text}`);
}

function compare(a: number | string, op: Rule['op'], b: number | string): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return typeof b === 'string' ? sameName(String(a), b) : a === b;
    default:
      return typeof b === 'string' ? !sameName(String(a), b) : a !== b;
  }
}

/** A path equals a name given as the whole path or its last part(s). */
function sameName(path: string, name: string): boolean {
  return path === name || path.endsWith(`/${name}`);
}

// ---- groups from the particles' own metadata ----

/** Findings the particle STAR alone can flag. */
export function metadataGroups(loop: StarLoop): ParticleGroup[] {
  const out: ParticleGroup[] = [];
  const n = loop.rows;
  if (loop.has(RLN.defocusU) && loop.has(RLN.defocusV)) {
    const u = loop.numbers(RLN.defocusU),
      v = loop.numbers(RLN.defocusV);
    const mean = Float64Array.from(u, (x, i) => (x + v[i]!) / 2);
    const high = Uint8Array.from(mean, (d) => (d > CTF_LIMITS.highDefocusA ? 1 : 0));
    out.push(
      group(
        'high-defocus',
        `defocus above ${(CTF_LIMITS.highDefocusA / 1e4).toFixed(1)} µm`,
        `mean defocus (U + V)/2 > ${CTF_LIMITS.highDefocusA} Å`,
        high,
        '5-ctf',
        `per-particle defocus of ${n} particles`,
      ),
    );
    const astig = Uint8Array.from(u, (x, i) => (Math.abs(x - v[i]!) > CTF_LIMITS.astigmatismA ? 1 : 0));
    out.push(
      group(
        'astigmatism',
        `astigmatism above ${CTF_LIMITS.astigmatismA} Å`,
        `|defocus U − V| > ${CTF_LIMITS.astigmatismA} Å`,
        astig,
        '5-ctf',
        `per-particle defocus of ${n} particles`,
      ),
    );
    if (loop.has(RLN.micrographName)) out.push(defocusFarFromMicrograph(loop, mean));
  }
  if (loop.has(RLN.opticsGroup)) {
    const og = loop.numbers(RLN.opticsGroup);
    const ids = [...new Set(og)].sort((a, b) => a - b);
    if (ids.length > 1)
      for (const id of ids)
        out.push(
          group(
            `optics-${id}`,
            `optics group ${id}`,
            `${RLN.opticsGroup} == ${id}`,
            Uint8Array.from(og, (x) => (x === id ? 1 : 0)),
            '7-microscope',
            `${ids.length} optics groups`,
          ),
        );
  }
  if (loop.has(RLN.maxValueProbDistribution)) out.push(lowPmax(loop.numbers(RLN.maxValueProbDistribution)));
  if (loop.has(RLN.classNumber)) {
    const cls = loop.numbers(RLN.classNumber);
    const ids = [...new Set(cls)].sort((a, b) => a - b);
    if (ids.length > 1)
      for (const id of ids)
        out.push(
          group(
            `class-${id}`,
            `class ${id}`,
            `${RLN.classNumber} == ${id}`,
            Uint8Array.from(cls, (x) => (x === id ? 1 : 0)),
            '1a-compositional',
            `${ids.length} classes in the particle file`,
          ),
        );
  }
  return out;
}

/**
 * Particles whose defocus is far from their micrograph's median: beyond twice the spread thick ice allows
 * (CTF_LIMITS.particleDefocusSpreadA), a bad per-particle CTF refinement or a particle off the ice layer.
 */
function defocusFarFromMicrograph(loop: StarLoop, mean: Float64Array): ParticleGroup {
  const mics = loop.strings(RLN.micrographName);
  const byMic = new Map<string, number[]>();
  mics.forEach((m, i) => (byMic.get(m) ?? byMic.set(m, []).get(m)!).push(mean[i]!));
  const median = new Map([...byMic].map(([m, d]) => [m, medianOf(d)]));
  const limit = 2 * CTF_LIMITS.particleDefocusSpreadA;
  const members = Uint8Array.from(mics, (m, i) => (Math.abs(mean[i]! - median.get(m)!) > limit ? 1 : 0));
  return group(
    'defocus-off-micrograph',
    `defocus more than ${limit} Å from the micrograph's`,
    `|particle defocus − median of its micrograph| > ${limit} Å`,
    members,
    '5-ctf',
    `${mics.length} particles on ${byMic.size} micrographs`,
  );
}

/** The tenth of the particles with the lowest pMax (the least certain orientations). */
function lowPmax(p: Float64Array): ParticleGroup {
  const sorted = Float64Array.from(p).sort();
  const cut = sorted[Math.floor(0.1 * (sorted.length - 1))]!;
  return group(
    'low-pmax',
    'lowest 10 % pMax',
    `${RLN.maxValueProbDistribution} ≤ ${cut.toPrecision(3)} (10th percentile)`,
    Uint8Array.from(p, (x) => (x <= cut ? 1 : 0)),
    null,
    `pMax of ${p.length} particles`,
  );
}

// ---- groups from per-micrograph files (--ctf, --motion) ----

/** Micrographs flagged in a per-micrograph table, mapped onto the particles by file name. */
function micrographGroup(
  particleMics: string[],
  flagged: Set<string>,
  known: Set<string>,
  g: { id: string; name: string; rule: string; cause: CauseId; source: string },
): ParticleGroup {
  const members = Uint8Array.from(particleMics, (m) => (flagged.has(baseName(m)) ? 1 : 0));
  const matched = new Set(particleMics.map(baseName).filter((m) => known.has(m))).size;
  return group(
    g.id,
    g.name,
    g.rule,
    members,
    g.cause,
    `${flagged.size} of ${known.size} micrographs in ${g.source}` +
      (matched < new Set(particleMics.map(baseName)).size ? ` (${matched} matched to the particles' micrographs)` : ''),
    true,
  );
}

/**
 * From a micrographs_ctf.star (CTFFIND/Gctf through RELION): micrographs whose fit is unreliable (figure of merit
 * below CTF_LIMITS.minFigureOfMerit, or Thon rings fitted no finer than CTF_LIMITS.failedFitA), and those whose
 * fit supports less than `mapResolutionA` (their CTF is not known to the map's resolution), when given.
 */
export function ctfGroups(
  particleMics: string[],
  ctf: StarLoop,
  source: string,
  mapResolutionA: number | null,
): ParticleGroup[] {
  if (!ctf.has(RLN.micrographName))
    throw new InputError(`${source}: no _${RLN.micrographName} column to match micrographs`);
  const names = ctf.strings(RLN.micrographName).map(baseName);
  const known = new Set(names);
  const fom = ctf.has(RLN.ctfFigureOfMerit) ? ctf.numbers(RLN.ctfFigureOfMerit) : null;
  const fitRes = ctf.has(RLN.ctfMaxResolution) ? ctf.numbers(RLN.ctfMaxResolution) : null;
  const out: ParticleGroup[] = [];
  if (fom || fitRes) {
    const bad = new Set(
      names.filter(
        (_, i) =>
          (fom !== null && fom[i]! < CTF_LIMITS.minFigureOfMerit) ||
          (fitRes !== null && fitRes[i]! > CTF_LIMITS.failedFitA),
      ),
    );
    out.push(
      micrographGroup(particleMics, bad, known, {
        id: 'ctf-unreliable',
        name: 'unreliable CTF fit',
        rule:
          `figure of merit < ${CTF_LIMITS.minFigureOfMerit} or fit resolution worse than ` +
          `${CTF_LIMITS.failedFitA} Å`,
        cause: '5-ctf',
        source,
      }),
    );
  }
  if (fitRes && mapResolutionA !== null) {
    const coarse = new Set(names.filter((_, i) => fitRes[i]! > 1.5 * mapResolutionA));
    out.push(
      micrographGroup(particleMics, coarse, known, {
        id: 'ctf-coarser-than-map',
        name: 'CTF fit coarser than the map',
        rule: `Thon rings fitted only to worse than 1.5 × the map's ${mapResolutionA.toFixed(2)} Å`,
        cause: '5-ctf',
        source,
      }),
    );
  }
  if (ctf.has(RLN.ctfIceThickness)) {
    const t = ctf.numbers(RLN.ctfIceThickness);
    const thick = new Set(names.filter((_, i) => t[i]! > CTF_LIMITS.thickIceA));
    out.push(
      micrographGroup(particleMics, thick, known, {
        id: 'thick-ice',
        name: 'thick ice',
        rule: `fitted ice thickness > ${CTF_LIMITS.thickIceA} Å`,
        cause: '3-ice-thickness',
        source,
      }),
    );
  }
  return out;
}

/** From a corrected_micrographs.star: micrographs whose total motion is beyond median + 3 robust SD. */
export function motionGroups(particleMics: string[], motion: StarLoop, source: string): ParticleGroup[] {
  if (!motion.has(RLN.micrographName) || !motion.has(RLN.accumMotionTotal))
    throw new InputError(
      `${source}: expected _${RLN.micrographName} and _${RLN.accumMotionTotal} (RELION's corrected_micrographs.star)`,
    );
  const names = motion.strings(RLN.micrographName).map(baseName);
  const total = Array.from(motion.numbers(RLN.accumMotionTotal));
  const med = medianOf(total);
  const mad = medianOf(total.map((x) => Math.abs(x - med))) * 1.4826;
  const limit = med + 3 * Math.max(mad, 1e-6);
  const outliers = new Set(names.filter((_, i) => total[i]! > limit));
  return [
    micrographGroup(particleMics, outliers, new Set(names), {
      id: 'motion-outliers',
      name: 'motion outliers',
      rule: `total motion > ${limit.toFixed(1)} Å (median ${med.toFixed(1)} + 3 robust SD)`,
      cause: '4-motion-damage',
      source,
    }),
  ];
}

export function baseName(path: string): string {
  const b = path.slice(path.lastIndexOf('/') + 1);
  const dot = b.lastIndexOf('.');
  return dot > 0 ? b.slice(0, dot) : b;
}

function medianOf(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
