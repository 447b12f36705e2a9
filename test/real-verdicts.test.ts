import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cryodx } from './cli.js';
import { fixture, HAS_SHARED, shared } from './paths.js';

/**
 * Issue 31's cases: verdicts a careful scientist would sign, on real files nobody here wrote (where ../shared is
 * present) and on the self-made failed-CTF project (always).
 */
type Finding = {
  cause: string;
  strength: string;
  needs: string | null;
  evidence: { measure: string; statement: string; basis: { count: number; of: string }; power: string }[];
};
const cause = (j: { findings: Finding[] }, id: string): Finding => j.findings.find((f) => f.cause === id)!;
const json = (...args: string[]): Record<string, unknown> & { findings: Finding[] } => {
  const r = cryodx(...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('a RELION 5 project whose CTF run failed (fixtures/projects/relion5-failed-ctf)', () => {
  it('the failure is the only CTF finding; one picker rules nothing out; 2D classes say nothing of composition', () => {
    const out = mkdtempSync(join(tmpdir(), 'cryodx-failed-'));
    const r = cryodx('report', '--project', fixture('projects', 'relion5-failed-ctf'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const ctf = cause(j, '5-ctf');
    expect(ctf.strength).toBe('strong');
    expect(ctf.evidence.map((e) => e.measure)).toEqual(['fractionUnreliable']);
    expect(ctf.evidence[0]!.statement).toMatch(/11 of 12 CTF fits are unreliable.*the run failed/);
    expect(ctf.evidence[0]!.basis).toEqual({ count: 12, of: 'fits' });
    expect(j.ctfTriage.findings.map((f: { code: string }) => f.code)).toEqual(['unreliable-fits']);
    expect(j.ctfTriage.findings[0].remedy).toMatch(/re-run CTF estimation/);
    expect(cause(j, '3-ice-thickness').strength).toBe('not measured');
    // One LoG picker; its picks against the failed run's defocus are not read.
    const pick = cause(j, '6-picking');
    expect(pick.strength).toBe('not measured');
    expect(pick.needs).toMatch(/second picker/);
    expect(pick.evidence.map((e) => e.measure)).not.toContain('pickCountCorrelationAbs');
    // 50 2D classes, 6 with signal: views and junk, reported under picking; no 1a.
    expect(cause(j, '1a-compositional').strength).toBe('not measured');
    expect(pick.evidence.find((e) => e.measure === 'junkFraction2D')!.statement).toMatch(/6 of 50 2D classes/);
    expect(j.ctf.medianDefocusUA).toBeNull();
  });
});

describe.skipIf(!HAS_SHARED)('real files (../shared/data/real)', () => {
  it('construct on the AlphaFold DB entry of ferredoxin: transit peptide 1–49 cut, one domain 50–147, no hinge', () => {
    const d = (f: string): string => shared('data/real/alphafold', f);
    const j = json(
      'construct',
      d('AF-P00221-F1-model_v4.cif'),
      '--pae',
      d('AF-P00221-F1-predicted_aligned_error_v4.json'),
      '--json',
      '--out',
      mkdtempSync(join(tmpdir(), 'cryodx-fd-')),
    ) as unknown as {
      truncations: { start: number; end: number; kind: string; peptide: string | null }[];
      domains: { segments: { start: number; end: number }[] }[];
      hinges: unknown[];
    };
    expect(j.truncations.map((t) => [t.start, t.end, t.kind, t.peptide])).toEqual([
      [1, 49, 'N-terminal', 'chloroplast transit peptide'],
    ]);
    expect(j.domains.map((x) => x.segments.map((s) => [s.start, s.end]))).toEqual([[[50, 147]]]);
    expect(j.hinges).toEqual([]);
  });

  it('ctf-report on 22 cryoSPARC particles of one micrograph: 1 micrograph, its particles’ spread, no NaN', () => {
    const f = shared('data/real/cryosparc', 'cryosparc_J2_particles_exported.cs');
    const j = json('ctf-report', f, '--json') as unknown as {
      micrographs: number;
      particles: number;
      summary: { micrographs: number; medianFitResolutionA: number | null };
      distributions: { fitResolutionA: unknown; particleDefocusSpreadA: { count: number } };
    };
    expect([j.micrographs, j.summary.micrographs, j.particles]).toEqual([1, 1, 22]);
    expect(j.summary.medianFitResolutionA).toBeNull();
    expect(j.distributions.fitResolutionA).toBeNull();
    expect(j.distributions.particleDefocusSpreadA.count).toBe(1);
    const text = cryodx('ctf-report', f);
    expect(text.stdout).toMatch(/^1 micrograph \(from 22 particles, grouped by micrograph\)/);
    expect(text.stdout).toMatch(/fit resolution +not in these results/);
    expect(text.stdout).not.toMatch(/NaN/);
  });

  it('betagal-238 half maps without the particles: anisotropy with both readings, neither more than possible', () => {
    const d = (f: string): string => shared('data/real/betagal-238', f);
    const j = json(
      'report',
      ...['--half1', d('q_half1.mrc'), '--half2', d('q_half2.mrc'), '--mask', d('mask.mrc'), '--sym', 'D2'],
      ...['--json', '--out', mkdtempSync(join(tmpdir(), 'cryodx-238-'))],
    );
    const po = cause(j, '2-preferred-orientation');
    expect(po.strength).toBe('possible');
    expect(po.needs).toMatch(/angles/);
    expect(po.evidence[0]!.statement).toMatch(/preferred views, or too few particles/);
    expect(cause(j, 'particle-limited').strength).toBe('possible');
  });

  it('orientations and report say the same of the 238 particles’ views (SCF* 0.754 = 0.86 of 238 random views)', () => {
    const d = (f: string): string => shared('data/real/betagal-238', f);
    const o = json('orientations', d('matched_q.star'), '--sym', 'D2', '--json') as unknown as {
      verdict: { preferredOrientation: string; statement: string };
    };
    expect(o.verdict.preferredOrientation).toBe('none');
    expect(o.verdict.statement).toMatch(/SCF\* 0\.754, 0\.86 of an even set.*as even as their number allows/);
    const text = cryodx('orientations', d('matched_q.star'), '--sym', 'D2');
    expect(text.stdout).toMatch(/views as even as their number allows/);
    expect(text.stdout).not.toMatch(/0\.81 suggests preferred orientation/);
    const j = json(
      'report',
      ...['--particles', d('matched_q.star'), '--sym', 'D2', '--json'],
      ...['--out', mkdtempSync(join(tmpdir(), 'cryodx-238o-'))],
    );
    const po = cause(j, '2-preferred-orientation');
    expect(po.strength).toBe('ruled out');
    expect(po.evidence[0]!.statement).toBe(o.verdict.statement);
  });
});
