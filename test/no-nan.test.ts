import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseFiles, cryodx } from './cli.js';
import { cliSeeds, textOutputs, WRITTEN_NON_NUMBER, type CliSeeds } from './fuzz/cli-cases.js';
import { fixture, HAS_SHARED, shared } from './paths.js';

/**
 * Issue 31: an absent column is printed as absent, never as NaN. Every command on every clean fixture it reads (and,
 * where ../shared is present, on the real cryoSPARC files): stdout in text and --json, stderr, and every file written
 * are searched for NaN, Infinity or undefined.
 */
let tmp: string;
let seeds: CliSeeds;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cryodx-nonan-'));
  seeds = cliSeeds(join(tmp, 'seeds'), caseFiles('nyq64'));
});

const filesIn = (...p: string[]): string[] => {
  const dir = fixture(...p);
  return readdirSync(dir)
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile() && !f.endsWith('.json'));
};

/** Runs a command as text and as --json (each with --out when it writes), and returns what went wrong, if anything. */
function nonFinite(args: string[], opts: { json?: boolean; out?: boolean } = {}): string[] {
  const runs: string[][] = [args];
  if (opts.json !== false) runs.push([...args, '--json']);
  const problems: string[] = [];
  runs.forEach((a, k) => {
    const out = join(tmp, `o${Math.random().toString(36).slice(2)}${k}`);
    const r = cryodx(...a, ...(opts.out === false ? [] : ['--out', out]));
    const what = `cryodx ${a.join(' ')}`;
    if (r.code !== 0) return problems.push(`${what}: exit ${r.code}: ${r.stderr.split('\n')[0]}`);
    const shown = WRITTEN_NON_NUMBER.exec(r.stdout + r.stderr);
    if (shown) problems.push(`${what}: printed ${shown[0]}`);
    for (const f of textOutputs(out)) {
      const m = WRITTEN_NON_NUMBER.exec(f.text);
      if (m) problems.push(`${what}: ${f.path} holds ${m[0]}`);
    }
  });
  return problems;
}

describe('no NaN, Infinity or undefined in any output (issue 31)', () => {
  it('ctf-report on every CTF-bearing fixture: micrograph STARs, particle STARs, CTFFIND text, cryoSPARC .cs', () => {
    const inputs = [
      fixture('cs', 'particles.cs'),
      fixture('projects', 'cryosparc', 'J1', 'J1_exposures_ctf_estimated.cs'),
      fixture('ctffind', 'ctffind4_stack.txt'),
      fixture('ctffind', 'ctffind5.txt'),
      fixture('star', 'ctf_refine_particles.star'),
      fixture('projects', 'relion5', 'CtfFind', 'job003', 'micrographs_ctf.star'),
      fixture('projects', 'relion5', 'Refine3D', 'job012', 'run_data.star'),
      fixture('projects', 'relion5-failed-ctf', 'CtfFind', 'job003', 'micrographs_ctf.star'),
      fixture('tomo', 'aretomo', 'TS_5_CTF.txt'),
    ];
    expect(inputs.flatMap((f) => nonFinite(['ctf-report', f]))).toEqual([]);
    expect(nonFinite(['ctf-report', inputs[5]!, '--map-resolution-a', '3', '--particle-size-a', '150'])).toEqual([]);
  });

  it('info on the format fixtures; orientations and construct on theirs', () => {
    const info = [
      ...filesIn('cs'),
      ...filesIn('ctffind'),
      ...filesIn('star'),
      ...filesIn('imod'),
      ...filesIn('tomo', 'aretomo'),
      ...filesIn('tomo', 'warp'),
      fixture('projects', 'cryosparc', 'J4', 'J4_00025_particles.cs'),
    ];
    expect(info.flatMap((f) => nonFinite(['info', f], { out: false }))).toEqual([]);
    expect(nonFinite(['orientations', seeds.particles])).toEqual([]);
    expect(nonFinite(['construct', seeds.afModel, '--pae', seeds.pae])).toEqual([]);
    expect(nonFinite(['construct', seeds.model])).toEqual([]);
  });

  it('report --project on every fixture project, the failed CTF run included', () => {
    const projects = ['relion5', 'relion31', 'cryosparc', 'relion5-failed-ctf'].map((p) => fixture('projects', p));
    expect(projects.flatMap((p) => nonFinite(['report', '--project', p], { json: false }))).toEqual([]);
  });

  it.skipIf(!HAS_SHARED)('ctf-report and info on the real cryoSPARC files (../shared)', () => {
    const real = ['cryosparc_J2_particles_exported.cs', 'empiar_10076_7.cs'].map((f) =>
      shared('data/real/cryosparc', f),
    );
    expect(real.flatMap((f) => [...nonFinite(['ctf-report', f]), ...nonFinite(['info', f], { out: false })])).toEqual(
      [],
    );
  });
});
