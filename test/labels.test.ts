import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LABELS, RLN } from '../src/core/io/star/labels.js';
import { ROOT } from './paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

/** The text with comments blanked (strings and template literals kept, so a label inside a message still counts). */
function code(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
    }
  }
  return out;
}

describe('RELION labels, named once (src/core/io/star/labels.ts)', () => {
  const table = join(ROOT, 'src', 'core', 'io', 'star', 'labels.ts');
  const files = sources(join(ROOT, 'src'));

  it('the comment stripper keeps a label in a string and drops one in a comment', () => {
    expect(code("const a = 'rlnDefocusU'; // rlnVoltage\n/* rlnAngleRot */ f(`_rlnImageName`)")).toBe(
      "const a = 'rlnDefocusU'; \n f(`_rlnImageName`)",
    );
  });

  it('no source outside the table spells a label out (in code, strings or messages)', () => {
    expect(files).toContain(table);
    expect(files.length).toBeGreaterThan(200);
    const found = files
      .filter((f) => f !== table)
      .flatMap((f) =>
        code(readFileSync(f, 'utf8'))
          .split('\n')
          .flatMap((line, i) => (line.match(/rln[A-Z]\w*/g) ?? []).map((l) => `${relative(ROOT, f)}:${i + 1} ${l}`)),
      );
    expect(found).toEqual([]);
    // …while the sources do use the table: the scan above is not looking at files that never mention RELION.
    const users = files.filter((f) => /\bRLN\.[a-z]\w*/.test(readFileSync(f, 'utf8')));
    expect(users.length).toBeGreaterThan(20);
  });

  it('each key is its label without rln, each label once, each type one of RELION’s', () => {
    const entries = Object.entries(LABELS);
    expect(entries.length).toBeGreaterThan(120);
    for (const [key, info] of entries) {
      expect(info.label).toBe(`rln${key[0]!.toUpperCase()}${key.slice(1)}`);
      expect(['int', 'double', 'string', 'bool', 'double[]']).toContain(info.type);
      expect(info.about.length).toBeGreaterThan(5);
    }
    expect(new Set(entries.map(([, i]) => i.label)).size).toBe(entries.length);
    expect(RLN.defocusU).toBe('rlnDefocusU');
  });

  it('units as RELION writes them (metadata_label.h), the motion columns in pixels whatever their name says', () => {
    const unit = (k: keyof typeof LABELS): string => LABELS[k].unit;
    expect(unit('defocusU')).toBe('Å');
    expect(unit('voltage')).toBe('kV');
    expect(unit('sphericalAberration')).toBe('mm');
    expect(unit('angleRot')).toBe('°');
    expect(unit('phaseShift')).toBe('°');
    expect(unit('originX')).toBe('px');
    expect(unit('originXAngst')).toBe('Å');
    expect(unit('currentResolution')).toBe('1/Å');
    expect(unit('beamTiltX')).toBe('mrad');
    // relion motioncorr_runner sums the shifts as stored (docs: the tutorial's 00021, 16.42 px both ways).
    expect(unit('accumMotionTotal')).toBe('px');
    expect(LABELS.imageSize.type).toBe('int');
    expect(LABELS.imageName.type).toBe('string');
    expect(LABELS.evenZernike.type).toBe('double[]');
  });
});
