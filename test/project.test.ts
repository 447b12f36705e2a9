import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFiles, cryodx } from './cli.js';
import { Ajv } from 'ajv';
import { fixture, ROOT } from './paths.js';

/**
 * `report --project` on one small processing project written three ways (fixtures/projects: RELION 3.1 and 5
 * layouts, cryoSPARC job folders; fixtures/generate/make_projects.py), against the answers that script computed.
 */
interface Finding {
  cause: string;
  strength: string;
  needs: string | null;
  evidence: { measure: string; value: number | string; statement: string }[];
}
interface Used {
  role: string;
  file: string;
  job: string | null;
  note: string | null;
}

const expected = JSON.parse(readFileSync(fixture('projects', 'expected.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')),
);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'cryodx-project-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- report.json is read as plain JSON
type Json = Record<string, any>;

function report(...args: string[]): { json: Json; stderr: string; out: string } {
  const out = join(tmp(), 'report');
  const r = cryodx('report', ...args, '--out', out);
  expect(r.code, r.stderr).toBe(0);
  return { json: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')), stderr: r.stderr, out };
}

const byCause = (j: Json): Map<string, Finding> => new Map((j.findings as Finding[]).map((f) => [f.cause, f]));
const value = (f: Finding | undefined, measure: string): number | string | undefined =>
  f?.evidence.find((e) => e.measure === measure)?.value;
/** What a finding says in numbers: cause, strength and each measure's value (names of files aside). */
const numbers = (f: Finding): unknown => [f.cause, f.strength, f.evidence.map((e) => [e.measure, e.value])];

describe('report --project', () => {
  const r31 = report('--project', fixture('projects', 'relion31'));

  it('RELION 3.1: every cause the project holds is measured, with the numbers computed independently', () => {
    const f = byCause(r31.json);
    for (const c of ['1a-compositional', '4-motion-damage', '5-ctf', '6-picking', '7-microscope'])
      expect(f.get(c)!.strength, c).not.toBe('not measured');
    // Two resolved classes kept together by Select: a mixed refinement, strong.
    expect(f.get('1a-compositional')!.strength).toBe('strong');
    expect(value(f.get('1a-compositional'), 'signalClasses')).toBe(2);
    expect(value(f.get('1a-compositional'), 'changesOptimalClasses')).toBeCloseTo(expected.classes.jump, 3);
    // Beam tilt 1 mrad (0.6, −0.8) at 3.9 Å, 300 kV, Cs 2.7: 2π·Cs·λ²·k³·τ in degrees.
    const lambda = 12.2643 / Math.sqrt(300e3 * (1 + 0.978466e-6 * 300e3));
    const coma = (2 * Math.PI * 2.7e7 * lambda ** 2 * (1 / 3.9) ** 3 * 1e-3 * 180) / Math.PI;
    expect(value(f.get('7-microscope'), 'comaPhaseDeg') as number).toBeCloseTo(coma, 0);
    expect(value(f.get('4-motion-damage'), 'polishingGainA')).toBeCloseTo(expected.postprocess.polishingGainA, 2);
    expect(value(f.get('4-motion-damage'), 'firstFrameWeight')).toBeCloseTo(expected.polishing.firstFrameWeight, 2);
    expect(value(f.get('6-picking'), 'pickerJaccard')).toBeCloseTo(expected.picks.jaccard, 2);
    const p = r31.json.processing;
    expect(p.motion.medianTotalA).toBeCloseTo(expected.motion.medianTotalA, 6);
    expect(p.picking.comparison.matched).toBe(expected.picks.matched);
    expect(p.picking.usedPicker).toBe('AutoPick/job004 (LoG)');
    expect(p.relionPostprocess.resolutionA).toBeCloseTo(expected.postprocess.after, 6);
  });

  it('lists every file it used with its job and why; a failed newer job is named and passed over', () => {
    expect(validate(r31.json), JSON.stringify(validate.errors)).toBe(true);
    const used = r31.json.inputs.used as Used[];
    const roles = new Map(used.map((u) => [u.role, u]));
    expect(roles.get('motion')).toMatchObject({ file: 'MotionCorr/job002/corrected_micrographs.star' });
    expect(roles.get('classes')!.job).toBe('Class3D/job006');
    expect(roles.get('bfactors')!.file).toBe('Polish/job011/bfactors.star');
    expect(roles.get('particles')!.file).toBe('Refine3D/job012/run_data.star');
    expect(roles.get('particle size')!.note).toMatch(/150 Å/);
    expect(used.filter((u) => u.role === 'picks').map((u) => u.note)).toEqual(['template picker', 'LoG picker']);
    expect(used.filter((u) => u.role === 'postprocess').map((u) => u.note)).toEqual([
      'post-processing of Refine3D/job008 (545 particles)',
      'post-processing of Refine3D/job012 (545 particles), refined after polishing',
    ]);
    expect(r31.stderr).toMatch(/Class3D\/job014 \(Class3D\) failed: not used/);
    expect(readFileSync(join(r31.out, 'report.html'), 'utf8')).toMatch(/What was read from[\s\S]*Polish\/job011/);
    for (const fig of ['motion', 'polishing', 'classes', 'picking'])
      expect(readFileSync(join(r31.out, 'figures', `${fig}.svg`), 'utf8')).toMatch(/<svg/);
  });

  it('RELION 5 layout (type and status labels, newer columns, an empty pick table): the same findings', () => {
    const r5 = report('--project', fixture('projects', 'relion5'));
    expect(r5.stderr).toMatch(/RELION 4\/5 project/);
    const a = byCause(r31.json),
      b = byCause(r5.json);
    for (const c of a.keys()) if (c !== '6-picking') expect(numbers(b.get(c)!), c).toEqual(numbers(a.get(c)!));
    // The last micrograph has no template picks in this layout: fewer picks, not an error.
    expect(r5.json.processing.picking.comparison.picksA).toBe(
      expected.picks.picksB - r31.json.processing.picking.comparison.perMicrograph.at(-1).picksA,
    );
  });

  it('the same evidence given by explicit flags gives the same findings', () => {
    const P = (f: string): string => fixture('projects', 'relion31', f);
    const mics = readFileSync(P('MotionCorr/job002/corrected_micrographs.star'), 'utf8').match(
      /Movies\/mic_\d+\.star/g,
    )!;
    const flags = report(
      '--motion',
      P('MotionCorr/job002/corrected_micrographs.star'),
      ...mics.map((m) => P(`MotionCorr/job002/${m}`)),
      '--ctf',
      P('CtfFind/job003/micrographs_ctf.star'),
      '--particles',
      P('Refine3D/job012/run_data.star'),
      '--postprocess',
      `${P('PostProcess/job009/postprocess.star')}:545`,
      `${P('PostProcess/job013/postprocess.star')}:545:polished`,
      '--bfactors',
      P('Polish/job011/bfactors.star'),
      '--ctf-refine',
      P('CtfRefine/job010/particles_ctf_refine.star'),
      '--classes',
      ...['run_it025_model.star', 'run_it025_optimiser.star', 'run_it025_data.star', 'run_it024_data.star'].map((f) =>
        P(`Class3D/job006/${f}`),
      ),
      P('Select/job007/particles.star'),
      '--picks',
      P('AutoPick/job005'),
      '--picks',
      P('AutoPick/job004'),
      '--particle-diameter-a',
      '150',
    );
    const a = byCause(r31.json),
      b = byCause(flags.json);
    for (const c of a.keys()) expect(numbers(b.get(c)!), c).toEqual(numbers(a.get(c)!));
  });

  it('refinements of different sizes (--postprocess FILE:N): the Rosenthal–Henderson fit decides the budget', () => {
    const P = (f: string): string => fixture('projects', 'relion31', f);
    const r = report(
      '--postprocess',
      `${P('PostProcess/job009/postprocess.star')}:200`,
      `${P('PostProcess/job013/postprocess.star')}:545`,
    );
    // Two points on 1/d² = a·ln N + b: doubling 545 gives 1/d² + a·ln 2.
    const a = (1 / 3.9 ** 2 - 1 / 4.2 ** 2) / Math.log(545 / 200);
    const gain = 3.9 - 1 / Math.sqrt(1 / 3.9 ** 2 + a * Math.log(2));
    const f = byCause(r.json).get('particle-limited')!;
    expect(value(f, 'gainFromDoublingA') as number).toBeCloseTo(gain, 2);
    expect(f.strength).toBe('strong');
    expect(r.json.processing.budgetFit.doublingGainA).toBeCloseTo(gain, 6);
  });

  it('a zip of the project (with RELION’s alias links stored as links) gives the folder’s report', () => {
    const dir = fixture('projects', 'relion31');
    const entries: Record<string, Uint8Array | [Uint8Array, { os: number; attrs: number }]> = {};
    const walk = (sub: string): void => {
      for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
        const rel = sub ? `${sub}/${e.name}` : e.name;
        if (e.isDirectory()) walk(rel);
        else entries[`relion31/${rel}`] = new Uint8Array(readFileSync(join(dir, rel)));
      }
    };
    walk('');
    // zip -y keeps Polish/polish → ../Polish/job011/ as a link: its target path is the entry's content.
    entries['relion31/Polish/polish'] = [
      new TextEncoder().encode('../Polish/job011/'),
      { os: 3, attrs: 0o120777 << 16 },
    ];
    const zip = join(tmp(), 'relion31.zip');
    writeFileSync(zip, zipSync(entries));
    const z = report('--project', zip);
    expect(z.json.findings).toEqual(r31.json.findings);
    expect(z.json.inputs.used).toEqual(r31.json.inputs.used);
    expect({ ...z.json.inputs, project: null }).toEqual({ ...r31.json.inputs, project: null });
  });

  it('cryoSPARC: job.json and exported .cs files; a failed job passed over; motion said to be unread', () => {
    const cs = report('--project', fixture('projects', 'cryosparc'));
    const f = byCause(cs.json);
    expect(cs.stderr).toMatch(/J7 \(homo_refine_new\) is failed: not used/);
    expect(cs.stderr).toMatch(/cryoSPARC motion trajectories are not read/);
    expect(f.get('4-motion-damage')!.strength).toBe('not measured');
    expect(cs.json.processing.picking.comparison.matched).toBe(expected.picks.matched);
    expect(cs.json.processing.picking.diameterA).toBe(150);
    // Class posteriors carry no resolutions: populated classes are reported as such, not as "signal".
    expect(f.get('1a-compositional')!.evidence[0]!.statement).toMatch(/no class resolutions/);
    expect(cs.json.ctf.micrographs).toBe(10);
    expect(cs.json.orientations.nParticles).toBe(expected.picks.final);
  });

  it('files missing or from failed jobs: clear notes, and the causes they carried say what to add', () => {
    const dir = join(tmp(), 'p');
    cpSync(fixture('projects', 'relion31'), dir, { recursive: true });
    rmSync(join(dir, 'Polish', 'job011', 'bfactors.star'));
    rmSync(join(dir, 'MotionCorr'), { recursive: true });
    rmSync(join(dir, 'AutoPick', 'job005'), { recursive: true });
    writeFileSync(join(dir, 'CtfRefine', 'job010', 'RELION_JOB_EXIT_FAILURE'), '');
    rmSync(join(dir, 'CtfRefine', 'job010', 'RELION_JOB_EXIT_SUCCESS'));
    const r = report('--project', dir);
    const f = byCause(r.json);
    expect(r.stderr).toMatch(/CtfRefine\/job010 \(CTF refinement\) failed: not used/);
    expect(r.stderr).toMatch(/only one picker in the project/);
    // The jobs the pipeline lists and the folder lacks are named, with their aliases (issue 33).
    expect(r.stderr).toMatch(
      /2 of the 14 jobs default_pipeline\.star lists have no files here: MotionCorr\/job002 \(MotionCorr\/own\), AutoPick\/job005 \(AutoPick\/template\)/,
    );
    expect(f.get('7-microscope')!.strength).toBe('not measured');
    expect(f.get('7-microscope')!.needs).toMatch(/--ctf-refine/);
    expect(f.get('6-picking')!.strength).toBe('not measured');
    // Motion still has the polishing gain and the B-factor; nothing is invented for the missing files.
    expect(r.json.processing.motion).toBeNull();
    expect(r.json.processing.polishing).toBeNull();
    expect(value(f.get('4-motion-damage'), 'polishingGainA')).toBeCloseTo(0.3, 2);
  });

  it('with half maps in the project: cryodx post-processes them with the mask RELION used, as the CLI does', () => {
    const K = caseFiles('box96');
    const dir = join(tmp(), 'p');
    cpSync(fixture('projects', 'relion31'), dir, { recursive: true });
    cpSync(K.half1, join(dir, 'Refine3D/job012/run_half1_class001_unfil.mrc'));
    cpSync(K.half2, join(dir, 'Refine3D/job012/run_half2_class001_unfil.mrc'));
    mkdirSync(join(dir, 'MaskCreate/job099'), { recursive: true });
    cpSync(K.mask, join(dir, 'MaskCreate/job099/mask.mrc'));
    const r = report('--project', dir, '--sym', 'C1');
    const used = new Map((r.json.inputs.used as Used[]).map((u) => [u.role, u]));
    expect(used.get('mask')).toMatchObject({ file: 'MaskCreate/job099/mask.mrc', job: 'PostProcess/job013' });
    const direct = report('--half1', K.half1, '--half2', K.half2, '--mask', K.mask);
    expect(r.json.postprocess.resolutionA).toBeCloseTo(direct.json.postprocess.resolutionA, 9);
    expect(r.json.postprocess.bfactorA2).toBeCloseTo(direct.json.postprocess.bfactorA2, 6);
    // The map's own resolution now judges the aberrations (not RELION's 3.9 Å from the project).
    expect(r.json.aberrations[0].resolutionA).toBeCloseTo(direct.json.postprocess.resolutionA, 9);
  });

  it('a folder that is no project, and a missing one, get one clear sentence', () => {
    const empty = tmp();
    const r = cryodx('report', '--project', empty, '--out', join(empty, 'o'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a RELION project .* nor a cryoSPARC project/);
    const m = cryodx('report', '--project', join(empty, 'nothing'), '--out', join(empty, 'o'));
    expect(m.stderr).toMatch(/--project .*nothing: no such folder/);
  });
});
