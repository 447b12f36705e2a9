import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseFiles, type CaseFiles } from './cli.js';
import { fixture, ROOT } from './paths.js';

/**
 * Issue 34's failures, one regression each: every input here is a small mutation of the repository's own
 * fixtures that once hung, crashed with an internal error or wrote NaN. Each run has a time limit, so a hang
 * fails the test instead of stalling the suite.
 */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(...args: string[]): Run {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'node', 'cli', 'main.js'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** A refusal as the project promises: exit 2, one sentence on stderr, no "internal error", no stack. */
function expectRefusal(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/internal error|report it|at .*\.js:\d+/);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

let tmp: string;
let c: CaseFiles;
const f32 = (path: string, edit: (d: Float32Array) => void, name: string): string => {
  const b = new Uint8Array(readFileSync(path));
  const d = new Float32Array(b.buffer, b.byteOffset + 1024, (b.length - 1024) / 4);
  edit(d);
  const out = join(tmp, name);
  writeFileSync(out, b);
  return out;
};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cryodx-hardening-'));
  c = caseFiles('nyq64');
});

describe('hangs (issue 34)', () => {
  it('info /dev/zero: only regular files are read (it read forever)', () => {
    const r = run('info', '/dev/zero');
    expectRefusal(r, /^cryodx: \/dev\/zero: not a regular file/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a NUL byte in a STAR loop row: refused naming line and column (the tokenizer looped forever)', () => {
    const text = readFileSync(fixture('projects', 'relion5', 'Polish', 'job011', 'bfactors.star'), 'latin1');
    const out = join(tmp, 'nul.star');
    writeFileSync(out, text.replace('\n3 -11.000000', '\n3 -11.0\u00000000'), 'latin1');
    expectRefusal(run('info', out), /nul\.star \(line 13\): a control byte 0x00 at column 8/);
  });
});

describe('degenerate half maps and masks, refused before any output (issue 34)', () => {
  it('a half map of zeros: one sentence (was "Invalid array length" after writing an fsc.xml of NaN)', () => {
    const zero = f32(c.half1, (d) => d.fill(0), 'zero.mrc');
    const out = join(tmp, 'fsc-zero');
    expectRefusal(run('fsc', zero, c.half2, '--out', out), /zero\.mrc: every voxel is 0, a map with no variance/);
    expectRefusal(run('anisotropy', zero, c.half2, '--out', out), /zero\.mrc: every voxel is 0/);
  });

  it('the same file as both halves: one sentence', () => {
    expectRefusal(run('fsc', c.half1, c.half1, '--out', join(tmp, 'fsc-same')), /are identical voxel for voxel/);
  });

  it('a half map with 3e38 values: refused (postprocess wrote an all-NaN postprocess.mrc)', () => {
    const big = f32(c.half1, (d) => d.fill(3e38, 0, 100), 'big.mrc');
    const r = run('postprocess', big, c.half2, '--mask', c.mask, '--out', join(tmp, 'pp-big'));
    expectRefusal(r, /big\.mrc: 100 voxels lie beyond any density scale \(found values up to 3\.00e\+38/);
  });

  it('--autob-lowres 5 --autob-highres 20 (swapped): refused, not "B 0.00 Å² from 0 shells"', () => {
    const out = join(tmp, 'pp-autob');
    const r = run('postprocess', c.half1, c.half2, '--mask', c.mask, '--autob-lowres', '5', '--autob-highres', '20');
    expectRefusal(r, /--autob-highres 20 Å is not finer than --autob-lowres 5 Å/);
    // a window with fewer than 3 shells: refused before any file is written
    const narrow = run('postprocess', c.half1, c.half2, '--mask', c.mask, '--autob-highres', '9.5', '--out', out);
    expectRefusal(
      narrow,
      /the Guinier plot has [0-2] shell\(s\) between --autob-lowres 10 Å and --autob-highres 9\.5 Å/,
    );
    expect(existsSync(join(out, 'postprocess.star'))).toBe(false);
  });

  it('--mask-threshold 1e9 that selects nothing: a one-sentence refusal, not an internal error', () => {
    const r = run('postprocess', c.half1, c.half2, '--auto-mask', '--mask-threshold', '1e9', '--out', join(tmp, 'pp'));
    expectRefusal(r, /--mask-threshold 1000000000: no voxel of the low-passed average reaches it/);
  });
});

describe('nothing undefined, NaN or Infinity printed (issue 34)', () => {
  it('fsc of two independent noise maps with spikes above 0.143: every number printed is finite', () => {
    const noise = (seed: number) => (d: Float32Array) => {
      let s = seed;
      for (let i = 0; i < d.length; i++) {
        s = (s * 1103515245 + 12345) % 2147483648;
        d[i] = s / 2147483648 - 0.5;
      }
    };
    const n1 = f32(c.half1, noise(1), 'noise1.mrc');
    const n2 = f32(c.half1, noise(2), 'noise2.mrc');
    const r = run('fsc', n1, n2, '--out', join(tmp, 'fsc-noise'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rises above 0\.143 again/);
    expect(r.stdout + r.stderr).not.toMatch(/undefined|NaN|Infinity/);
  });
});

describe('convert writes no NaN (found by npm run fuzz)', () => {
  it('a map with NaN voxels: refused, not an internal error from the MRC writer', () => {
    const nan = f32(c.half1, (d) => d.fill(NaN, 5, 38), 'nanvox.mrc');
    const out = join(tmp, 'converted.mrc');
    expectRefusal(run('convert', nan, out), /nanvox\.mrc: 33 voxels are NaN or infinite/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('an optional input that fails does not kill the report (issue 34)', () => {
  it('one NaN in Polish bfactors.star: report --project warns, skips polishing and goes on', () => {
    const proj = join(tmp, 'relion5');
    cpSync(fixture('projects', 'relion5'), proj, { recursive: true });
    const star = join(proj, 'Polish', 'job011', 'bfactors.star');
    writeFileSync(star, readFileSync(star, 'utf8').replace('\n1 -12.000000', '\n1 NaN'));
    const out = join(tmp, 'report-nan');
    const r = run('report', '--project', proj, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /bfactors\.star \(line 11, _rlnBfactorUsedForSharpening\): value out of range \(found NaN.*polishing skipped/,
    );
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { processing: { polishing: unknown } };
    expect(json.processing.polishing).toBeNull();
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toMatch(/(?<!found )\bNaN\b|Infinity|undefined/);
  });
});
