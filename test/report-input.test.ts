import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../src/core/app/job.js';
import { reportJob } from '../src/core/app/report/report.js';
import { reportInput } from '../src/core/app/report/input.js';
import { VERSION } from '../src/node/cli/version.js';
import { reportRequest, sourceOf } from '../src/web/request.js';
import type { RunRequest } from '../src/web/protocol.js';
import { caseFiles, cryodxWith } from './cli.js';
import { fixture, ROOT } from './paths.js';

/** Every file below a folder, '/'-separated from it, as the page lists a dropped folder. */
function listed(dir: string): { path: string; file: File }[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(dir).map((p) => ({ path: relative(dir, p).split('\\').join('/'), file: new File([readFileSync(p)], p) }));
}

/**
 * The RELION 3.1 fixture project with half maps in its last refinement and the mask its post-processing used
 * (box96: RELION's own case), whose refinement says C1.
 */
function projectWithMaps(): string {
  const K = caseFiles('box96');
  const dir = join(mkdtempSync(join(tmpdir(), 'cryodx-input-')), 'project');
  cpSync(fixture('projects', 'relion31'), dir, { recursive: true });
  cpSync(K.half1, join(dir, 'Refine3D/job012/run_half1_class001_unfil.mrc'));
  cpSync(K.half2, join(dir, 'Refine3D/job012/run_half2_class001_unfil.mrc'));
  mkdirSync(join(dir, 'MaskCreate/job099'), { recursive: true });
  cpSync(K.mask, join(dir, 'MaskCreate/job099/mask.mrc'));
  return dir;
}

describe('one report input for the CLI and the browser (reportInput)', () => {
  it('report --project P --auto-mask --sym=D2: the same report.json from the CLI and from the page', async () => {
    const dir = projectWithMaps();
    const out = join(mkdtempSync(join(tmpdir(), 'cryodx-input-out-')), 'cli');
    // One thread, as the page without helpers: local-resolution windows summed in the same order.
    const env = { ...process.env, CRYODX_THREADS: '1' };
    const cli = cryodxWith({ cwd: ROOT, env }, 'report', '--project', dir, '--auto-mask', '--sym=D2', '--out', out);
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    // The page: the folder dropped, the symmetry field edited to D2, the automatic mask chosen over the project's.
    const run: RunRequest = {
      kind: 'run',
      files: [],
      pixelSizeA: null,
      symmetry: 'D2',
      symmetryGiven: true,
      mwKDa: null,
      autoMask: true,
      maskChoice: { kind: 'auto' },
      analyses: { anisotropy: true, localResolution: true },
      version: VERSION,
      ports: [],
      project: { root: dir, how: 'drop', files: listed(dir) },
      reconstruct: false,
      simd: true,
    };
    const job = await reportJob(await reportInput({ ...reportRequest(run), project: await sourceOf(run.project!) }));
    const fromPage = JSON.parse(jsonText(job.result.report));
    // What the options asked for, before the two are compared: the user's symmetry and mask won over the project's.
    expect(fromCli.inputs.symmetry).toBe('D2');
    expect(fromCli.inputs.mask).toBe('auto');
    expect(fromCli.postprocess.fsc.mask.kind).toBe('auto');
    expect(fromCli.inputs.used.map((u: { role: string }) => u.role)).not.toContain('mask');
    expect(fromCli.orientations.symmetry).toBe('D2');
    expect(fromCli.postprocess.resolutionA).toBeGreaterThan(2);
    expect(fromPage).toEqual(fromCli);
  }, 240_000);

  it('without the options the project decides: its refinement’s C1 and its mask file, for both alike', async () => {
    const dir = projectWithMaps();
    const run: RunRequest = {
      kind: 'run',
      files: [],
      pixelSizeA: null,
      symmetry: 'C1',
      symmetryGiven: false,
      mwKDa: null,
      // The page's "automatic mask when none is given": the project gives one.
      autoMask: true,
      analyses: { anisotropy: false, localResolution: false },
      version: VERSION,
      ports: [],
      project: { root: dir, how: 'drop', files: listed(dir) },
      reconstruct: false,
      simd: true,
    };
    const input = await reportInput({ ...reportRequest(run), project: await sourceOf(run.project!) });
    expect(input.symmetry).toBe('C1');
    expect(input.mask).toMatchObject({ kind: 'user', file: { name: 'MaskCreate/job099/mask.mrc' } });
    expect(input.project!.used.find((u) => u.role === 'mask')).toMatchObject({ job: 'PostProcess/job013' });
  });
});
